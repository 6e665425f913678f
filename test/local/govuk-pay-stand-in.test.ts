/**
 * The GOV.UK Pay stand-in answers as GOV.UK Pay does: each answer is validated
 * against GOV.UK Pay's own published OpenAPI document (test/contracts/govuk-pay/,
 * see its SOURCE.md for the commit), read strictly (no field the document does not
 * name for that answer, and no `null` where it names an object); webhook bodies
 * against pay-webhooks' WebhookMessageBody and PaymentApiRepresentation.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGovUkPay, testCards, type GovUkPayStandIn } from '../../local/govuk-pay/server.js';

type Json = Record<string, unknown>;
const spec = JSON.parse(
  readFileSync(join(import.meta.dirname, '../contracts/govuk-pay/publicapi_spec.json'), 'utf8'),
) as {
  components: { schemas: Record<string, Json> };
};

/** Every object schema closed: a field GOV.UK Pay's document does not name for that answer is an error. */
function strict(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strict);
  if (value === null || typeof value !== 'object') return value;
  const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(strict(spec) as Json, 'pay');
const schema = (name: string): ValidateFunction => {
  const validate = ajv.getSchema(`pay#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate;
};

/**
 * pay-webhooks (alphagov/pay-webhooks@7509d4c): WebhookMessageBody is the envelope; its
 * `resource` is PaymentApiRepresentation, the payment's fields without `_links`, nulls left out;
 * EventTypeName lists the event types.
 */
const paymentFields = JSON.parse(
  JSON.stringify(spec.components.schemas.PaymentWithAllLinks?.properties).replaceAll(
    '"#/components/',
    '"pay#/components/',
  ),
) as Json;
delete paymentFields._links;
const validateWebhook = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: [
    'webhook_message_id',
    'created_date',
    'resource_id',
    'api_version',
    'resource_type',
    'event_type',
    'resource',
  ],
  properties: {
    webhook_message_id: { type: 'string' },
    created_date: { type: 'string' },
    resource_id: { type: 'string' },
    api_version: { const: 1 },
    resource_type: { type: 'string' },
    event_type: {
      enum: [
        'card_payment_started',
        'card_payment_succeeded',
        'card_payment_captured',
        'card_payment_refunded',
        'card_payment_failed',
        'card_payment_expired',
      ],
    },
    resource: strict({ type: 'object', properties: paymentFields }) as Json,
  },
});

const valid = (validate: ValidateFunction, body: unknown) => {
  const ok = validate(body);
  return ok
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
};

let pay: GovUkPayStandIn;
let receiver: Server;
const webhooks: Json[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      webhooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  pay = await startGovUkPay({ webhookUrl: () => url });
});
afterAll(async () => {
  await pay.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${pay.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${pay.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
};

const create = async (reference: string) => {
  const r = await api('POST', '/v1/payments', {
    amount: 5200,
    reference,
    description: 'Garden waste subscription',
    return_url: 'https://council.example/pay/return',
  });
  expect(r.status).toBe(201);
  return r.body as { payment_id: string; _links: { next_url: { href: string } } };
};

async function payWith(nextUrl: string, card: string) {
  await fetch(nextUrl);
  await fetch(nextUrl, {
    method: 'POST',
    body: new URLSearchParams({ card_number: card, action: 'pay' }),
    redirect: 'manual',
  });
}

async function until<T>(read: () => T | Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the GOV.UK Pay stand-in, against GOV.UK Pay’s published OpenAPI document', () => {
  it('answers a create as CreatePaymentResult and a read as PaymentWithAllLinks, with next_url while unfinished', async () => {
    const created = await create('ref-create');
    expect(valid(schema('CreatePaymentResult'), created)).toEqual([]);
    const read = await api('GET', `/v1/payments/${created.payment_id}`);
    expect(valid(schema('PaymentWithAllLinks'), read.body)).toEqual([]);
    expect(read.body._links).toHaveProperty('next_url');
  });

  it('when a payment has finished, then next_url and cancel are left out, not null', async () => {
    const created = await create('ref-finished');
    await payWith(created._links.next_url.href, testCards.success);
    const read = await api('GET', `/v1/payments/${created.payment_id}`);
    expect(valid(schema('PaymentWithAllLinks'), read.body)).toEqual([]);
    expect(Object.keys(read.body._links as Json)).not.toContain('next_url');
    expect(Object.keys(read.body._links as Json)).not.toContain('cancel');
  });

  it('answers a search as PaymentSearchResults, whose results carry no next_url', async () => {
    await create('ref-search');
    const found = await api('GET', '/v1/payments?reference=ref-search');
    expect(valid(schema('PaymentSearchResults'), found.body)).toEqual([]);
    expect(found.body.results).toHaveLength(1);
  });

  it('gives a declined payment a refund summary of "unavailable"', async () => {
    const created = await create('ref-declined');
    await payWith(created._links.next_url.href, testCards.declined);
    const read = await api('GET', `/v1/payments/${created.payment_id}`);
    expect(valid(schema('PaymentWithAllLinks'), read.body)).toEqual([]);
    expect(read.body).toMatchObject({
      state: { status: 'failed', code: 'P0010' },
      refund_summary: { status: 'unavailable' },
    });
  });

  it('starts a refund "submitted" (202, Refund), lists it (RefundForSearchResult, RefundSearchResults) and settles it later', async () => {
    pay.control({ refundOutcome: 'hold' });
    const created = await create('ref-refund');
    await payWith(created._links.next_url.href, testCards.success);
    const refund = await api('POST', `/v1/payments/${created.payment_id}/refunds`, {
      amount: 1000,
      refund_amount_available: 5200,
    });
    expect(refund.status).toBe(202);
    expect(valid(schema('Refund'), refund.body)).toEqual([]);
    expect(refund.body.status).toBe('submitted');
    const list = await api('GET', `/v1/payments/${created.payment_id}/refunds`);
    expect(valid(schema('RefundForSearchResult'), list.body)).toEqual([]);
    const one = await api('GET', `/v1/payments/${created.payment_id}/refunds/${String(refund.body.refund_id)}`);
    expect(valid(schema('Refund'), one.body)).toEqual([]);
    const search = await api('GET', '/v1/refunds?from_date=2020-01-01T00:00:00Z&page=1&display_size=500');
    expect(valid(schema('RefundSearchResults'), search.body)).toEqual([]);
    const stale = await api('POST', `/v1/payments/${created.payment_id}/refunds`, {
      amount: 1000,
      refund_amount_available: 5200,
    });
    expect(stale.status).toBe(412);
    pay.control({ refundOutcome: 'success' });
    await fetch(`${pay.url}/_test/payments/${created.payment_id}/refunds/${String(refund.body.refund_id)}`, {
      method: 'POST',
      body: JSON.stringify({ status: 'success' }),
    });
    const settled = await api('GET', `/v1/payments/${created.payment_id}/refunds/${String(refund.body.refund_id)}`);
    expect(settled.body.status).toBe('success');
  });

  it('sends webhooks as pay-webhooks does: PAYMENT resources without _links, only its event types', async () => {
    const created = await create('ref-webhook');
    await payWith(created._links.next_url.href, testCards.success);
    const cancelled = await create('ref-cancel');
    expect(
      (
        await fetch(`${pay.url}/v1/payments/${cancelled.payment_id}/cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${pay.apiKey}` },
        })
      ).status,
    ).toBe(204);
    await api('POST', `/v1/payments/${created.payment_id}/refunds`, { amount: 200, refund_amount_available: 5200 });
    const mine = await until(
      () => webhooks.filter((w) => [created.payment_id, cancelled.payment_id].includes(String(w.resource_id))),
      (w) => w.length >= 3,
    );
    expect(mine.map((w) => [w.resource_id, w.event_type]).sort()).toEqual(
      [
        [created.payment_id, 'card_payment_succeeded'],
        [created.payment_id, 'card_payment_refunded'],
        [cancelled.payment_id, 'card_payment_failed'],
      ].sort(),
    );
    for (const w of mine) {
      expect(valid(validateWebhook, w)).toEqual([]);
      expect(w.resource_type).toBe('PAYMENT');
    }
  });

  it('answers an unknown payment 404 as RequestError', async () => {
    const r = await api('GET', '/v1/payments/nosuchpayment');
    expect(r.status).toBe(404);
    expect(valid(schema('RequestError'), r.body)).toEqual([]);
  });
});
