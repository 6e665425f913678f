import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partnerMessageSchema, publishedContracts, workOrderSchema } from '../../shared/partners/contract.js';

const dir = join(import.meta.dirname, '..', '..', 'contracts');
const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

describe('the published message contracts', () => {
  it('are exactly what the code validates with (run `npm run contracts` after changing a schema)', async () => {
    for (const [file, schema] of Object.entries(publishedContracts())) {
      expect(await readJson(join(dir, file)), file).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });

  it('accept every example, through the JSON Schema partners use and through the code', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const partner = ajv.compile(await readJson(join(dir, 'partner-message.v1.schema.json')));
    const examples = await readdir(join(dir, 'examples', 'partner-message'));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const file of examples) {
      const example = await readJson(join(dir, 'examples', 'partner-message', file));
      expect(partner(example), `${file}: ${ajv.errorsText(partner.errors)}`).toBe(true);
      expect(partnerMessageSchema.safeParse(example).success, file).toBe(true);
    }
    const workOrder = ajv.compile(await readJson(join(dir, 'work-order.v1.schema.json')));
    for (const file of ['work-order.json', 'work-order-at-home.json']) {
      const order = await readJson(join(dir, 'examples', file));
      expect(workOrder(order), `${file}: ${ajv.errorsText(workOrder.errors)}`).toBe(true);
      expect(workOrderSchema.safeParse(order).success, file).toBe(true);
    }
  });

  it('publishes a work order with no reporter in it: no field for who reported it or how to reach them (#16 item 5)', async () => {
    const published = (await readJson(join(dir, 'work-order.v1.schema.json'))) as {
      properties: Record<string, { properties?: Record<string, unknown> }>;
      additionalProperties?: boolean;
    };
    const names = [
      ...Object.keys(published.properties),
      ...Object.keys(published.properties.location?.properties ?? {}),
    ];
    expect(names.filter((n) => /reporter|resident|name$|email|phone|contact/i.test(n) && n !== 'serviceName')).toEqual(
      [],
    );
    expect(published.additionalProperties).toBe(false);
  });

  it('reject, in both, a message with no key, an unknown field or a plain-http photo', async () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const partner = ajv.compile(await readJson(join(dir, 'partner-message.v1.schema.json')));
    const good = await readJson(join(dir, 'examples', 'partner-message', 'public-update.json'));
    const { partnerReference: _dropped, ...noKey } = good;
    for (const bad of [noKey, { ...good, colour: 'red' }, { ...good, photoUrl: 'http://example.com/a.jpg' }]) {
      expect(partnerMessageSchema.safeParse(bad).success).toBe(false);
      expect(partner(bad)).toBe(false);
    }
  });
});

describe('the resident.erased event partners hear', () => {
  it('when the example is checked, then the JSON Schema and the code both accept it, and refuse extra data', async () => {
    const { residentErasedEventSchema } = await import('../../shared/privacy/erased-event.js');
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const erased = ajv.compile(await readJson(join(dir, 'resident-erased.v1.schema.json')));
    const example = await readJson(join(dir, 'examples', 'resident-erased.json'));
    expect(erased(example), ajv.errorsText(erased.errors)).toBe(true);
    expect(residentErasedEventSchema.safeParse(example).success).toBe(true);
    const leaky = { ...example, data: { ...(example.data as object), email: 'someone@example.com' } };
    expect(erased(leaky)).toBe(false);
    expect(residentErasedEventSchema.safeParse(leaky).success).toBe(false);
  });
});
