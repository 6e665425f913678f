/**
 * #16 item 7: every staff (or finance) read of a resident's personal data is in the
 * `audit` container (who, when, what, why) before the data is returned. Residents
 * reading their own data are not recorded.
 */
import { CosmosClient } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import type { AccessEntry } from '../../shared/audit/access-log.js';
import { aServiceRequest, call, staff } from '../support/api.js';
import { pdf } from '../support/files.js';
import { waitFor } from '../support/wait.js';

const cosmos = new CosmosClient({
  endpoint: inject('appSettings').CosmosDb?.match(/AccountEndpoint=([^;]+)/)?.[1] ?? '',
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
afterAll(() => cosmos.dispose());

const resident = () => `resident-${randomUUID().slice(0, 8)}`;

async function entriesFor(residentId: string): Promise<AccessEntry[]> {
  const { resources } = await cosmos
    .database('doorstep')
    .container('audit')
    .items.query<AccessEntry>(
      { query: 'SELECT * FROM c WHERE c.residentId = @r', parameters: [{ name: '@r', value: residentId }] },
      { partitionKey: residentId },
    )
    .fetchAll();
  return resources;
}

async function reported(who: string) {
  const response = await call('POST', 'requests', { as: who, body: aServiceRequest() });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string };
}

describe('access audit', () => {
  it('when staff read a report, then who, when, what and why are recorded for its reporter, with their own reason', async () => {
    const who = resident();
    const { id } = await reported(who);
    const before = Date.now();
    const read = await call('GET', `requests/${id}`, {
      as: staff,
      headers: { 'access-reason': 'Caller on the phone' },
    });
    expect(read.status).toBe(200);
    const [entry, ...rest] = await entriesFor(who);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      residentId: who,
      kind: 'access',
      actor: { sub: 'sam', roles: ['staff'], kind: 'staff' },
      what: { type: 'request', id },
      why: 'Handling the service request (staff view, with its reporter): Caller on the phone',
    });
    expect(Date.parse(entry?.at ?? '')).toBeGreaterThanOrEqual(before - 5000);
  });

  it('when a resident reads their own report, then nothing is recorded', async () => {
    const who = resident();
    const { id } = await reported(who);
    expect((await call('GET', `requests/${id}`, { as: who })).status).toBe(200);
    expect(await entriesFor(who)).toEqual([]);
  });

  it('when staff list reports or update one, then each reporter shown gets an entry', async () => {
    const who = resident();
    const { id } = await reported(who);
    const read = await call('GET', `requests/${id}`, { as: staff });
    const etag = read.headers.get('etag') ?? '';
    const patched = await call('PATCH', `staff/requests/${id}`, {
      as: staff,
      headers: { 'if-match': etag },
      body: { internalNote: 'Checked' },
    });
    expect(patched.status).toBe(200);
    const list = await call(
      'GET',
      `staff/requests?from=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}&pageSize=100`,
      {
        as: staff,
      },
    );
    expect(list.status).toBe(200);
    const shown = ((await list.json()) as { items: { id: string; residentId: string }[] }).items;
    const mine = shown.find((r) => r.id === id);
    const why = (await entriesFor(who)).map((e) => e.why.split(' (')[0]).sort();
    expect(why).toEqual(
      [
        'Handling the service request',
        'Updating the service request',
        ...(mine ? ['Listing service requests for case work'] : []),
      ].sort(),
    );
    // Whatever else was on the page was recorded for its own reporter.
    const other = shown.find((r) => r.residentId !== who);
    if (other) expect((await entriesFor(other.residentId)).some((e) => e.what.id === other.id)).toBe(true);
  });

  it('when staff open a resident’s document, then the read and the download are recorded', async () => {
    const who = resident();
    const bytes = pdf();
    const issued = await call('POST', 'uploads', {
      as: who,
      body: { purpose: 'evidence', fileName: 'tenancy.pdf', contentType: 'application/pdf', size: bytes.length },
    });
    const { document, upload } = (await issued.json()) as {
      document: { id: string };
      upload: { url: string; headers: Record<string, string> };
    };
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(201);
    await waitFor(
      async () => {
        const view = (await (await call('GET', `documents/${document.id}`, { as: who })).json()) as { status: string };
        return view.status === 'available' ? view : undefined;
      },
      { what: 'the document to be checked' },
    );
    expect((await call('GET', `documents/${document.id}`, { as: staff })).status).toBe(200);
    expect((await call('GET', `documents/${document.id}/content`, { as: staff })).status).toBe(200);
    const entries = await entriesFor(who);
    expect(entries.map((e) => [e.what.type, e.what.id, e.why]).sort()).toEqual(
      [
        ['document', document.id, 'Checking a document a resident uploaded'],
        ['document', document.id, 'Opening a document a resident uploaded'],
      ].sort(),
    );
  });

  it('when finance read a resident’s payment, then it is recorded', async () => {
    const who = resident();
    const started = await call('POST', 'payments', {
      as: who,
      body: { itemCode: 'bulky-waste', quantity: 1 },
      headers: { 'idempotency-key': `pay-${randomUUID()}` },
    });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: string };
    const finance = { sub: 'fin', roles: ['staff', 'finance'] as const };
    expect((await call('GET', `payments/${id}`, { as: finance })).status).toBe(200);
    expect((await entriesFor(who)).map((e) => [e.actor.sub, e.what.type, e.what.id])).toEqual([['fin', 'payment', id]]);
  });
});
