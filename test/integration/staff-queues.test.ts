/**
 * #17: the queues of the roles without a triage queue (decisions 1031, 1032), against the
 * real stack. Finance sees the refunds waiting for a second approver (the raiser sees their
 * own but still cannot approve it); a moderator who is not staff sees what waits for a
 * moderator, opens one report without the staff role, and gets no reporter back. Each
 * route refuses every other role, and a resident-issuer token claiming the role.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { admin, aServiceRequest, call, staff, tokenFor, tokenFrom } from '../support/api.js';
import { stackCosmos } from '../support/cosmos.js';
import { jpegWithExif } from '../support/files.js';
import { aCheckedPhoto } from '../support/photos.js';
import { aResident, payOnHostedPage, startPayment, type PaymentView } from '../support/payments.js';
import { waitFor } from '../support/wait.js';

const fin = { sub: 'fin', roles: ['staff', 'finance'] as const };
const fay = { sub: 'fay', roles: ['staff', 'finance'] as const };
// The dev account that is moderator and nothing else (local/identity/dev-accounts.ts).
const mia = { sub: 'mia', roles: ['moderator'] as const };
const open311 = () => `${inject('hostUrl')}/api/open311/v2`;

interface Waiting {
  paymentId: string;
  refundId: string;
  amount: number;
  requestedByYou: boolean;
  [key: string]: unknown;
}
interface Queued {
  id: string;
  description: boolean;
  photos: boolean;
  updates: number;
  [key: string]: unknown;
}

/** Every page of a queue (other test files add to it), until `match` is found or the pages end. */
async function findInQueue<T>(path: string, as: CallOptionsAs, match: (item: T) => boolean): Promise<T | undefined> {
  let continuation: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const query = new URLSearchParams({ pageSize: '100', ...(continuation ? { continuation } : {}) });
    const response = await call('GET', `${path}?${query.toString()}`, { as });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: T[]; continuation?: string };
    const found = page.items.find(match);
    if (found) return found;
    if (!page.continuation) return undefined;
    continuation = page.continuation;
  }
  throw new Error(`${path} has more than 200 pages`);
}
type CallOptionsAs = { sub: string; roles: readonly ('staff' | 'finance' | 'moderator' | 'admin')[] };

describe('refunds waiting for a second approver', () => {
  it('when a finance user raises a refund above the limit, then other finance users see it listed, the raiser sees it marked as theirs and cannot approve it, and it leaves the list once approved', async () => {
    const payer = aResident();
    // A street trading licence is £120: above the default approval limit of £100.
    const { body } = await startPayment(payer, { itemCode: 'street-trading-licence' });
    await payOnHostedPage(body.nextUrl ?? '');
    await waitFor(
      async () =>
        ((await (await call('GET', `payments/${body.id}`, { as: payer })).json()) as PaymentView).status === 'success',
      { what: 'the payment to succeed', timeout: 60_000 },
    );
    const raised = await call('POST', `staff/payments/${body.id}/refunds`, {
      as: fin,
      body: { amount: 12000, reason: 'Licence application withdrawn' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(raised.status).toBe(202);
    const { refund } = (await raised.json()) as { refund: { id: string } };

    const forFay = await findInQueue<Waiting>('staff/refunds/awaiting-approval', fay, (r) => r.refundId === refund.id);
    expect(forFay).toMatchObject({ paymentId: body.id, amount: 12000, requestedByYou: false });
    // Amounts and ids only: no payer, no reason typed by staff, no notice.
    expect(Object.keys(forFay ?? {}).sort()).toEqual([
      'amount',
      'description',
      'itemCode',
      'paymentAmount',
      'paymentId',
      'refundId',
      'requestedAt',
      'requestedByYou',
    ]);
    const forFin = await findInQueue<Waiting>('staff/refunds/awaiting-approval', fin, (r) => r.refundId === refund.id);
    expect(forFin?.requestedByYou).toBe(true);
    const own = await call('POST', `staff/payments/${body.id}/refunds/${refund.id}/approval`, {
      as: fin,
      body: { decision: 'approve' },
    });
    expect(own.status).toBe(403);

    const approved = await call('POST', `staff/payments/${body.id}/refunds/${refund.id}/approval`, {
      as: fay,
      body: { decision: 'approve' },
    });
    expect(approved.status).toBe(200);
    expect(
      await findInQueue<Waiting>('staff/refunds/awaiting-approval', fay, (r) => r.refundId === refund.id),
    ).toBeUndefined();
  });

  it('when the list is asked for with a continuation it did not issue, then it answers 400', async () => {
    const response = await call('GET', 'staff/refunds/awaiting-approval?continuation=bm90LWpzb24', { as: fay });
    expect(response.status).toBe(400);
  });
});

/** A report through the API, as a resident. */
async function report(overrides: Record<string, unknown> = {}) {
  const created = await call('POST', 'requests', {
    as: aResident(),
    body: aServiceRequest({ description: `Pothole by number 12, call Jo ${randomUUID()}`, ...overrides }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

describe('what waits for a moderator', () => {
  it('when a resident reports with a description, then a moderator who is not staff finds it queued, reads it without the reporter, publishes it, and it leaves the queue', async () => {
    const id = await report();
    const queued = await findInQueue<Queued>('staff/moderation', mia, (r) => r.id === id);
    expect(queued).toMatchObject({ id, serviceCode: 'pothole', description: true, photos: false, updates: 0 });
    // Kinds of thing only: the words are on the report's own page.
    expect(JSON.stringify(queued)).not.toContain('Pothole by number 12');

    // Without the staff role, the request itself is not theirs to read...
    expect((await call('GET', `requests/${id}`, { as: mia })).status).toBe(404);
    // ...but its moderation view is: what was written and what the public sees, never who wrote it or where.
    const read = await call('GET', `staff/requests/${id}/moderation`, { as: mia });
    expect(read.status).toBe(200);
    const view = (await read.json()) as Record<string, unknown>;
    expect(view.description).toContain('Pothole by number 12');
    for (const key of ['reporter', 'residentId', 'location', 'internalNotes', 'attributes'])
      expect(view, key).not.toHaveProperty(key);

    const published = await call('PATCH', `staff/requests/${id}/moderation`, {
      as: mia,
      headers: { 'if-match': read.headers.get('etag') ?? '' },
      body: { description: 'Pothole by number 12' },
    });
    expect(published.status).toBe(200);
    // The change is answered with the moderator's view too, never the staff view with its reporter.
    const after = (await published.json()) as Record<string, unknown>;
    expect(after).not.toHaveProperty('reporter');
    expect(after).not.toHaveProperty('residentId');
    expect(after.moderation).toEqual({ description: { text: 'Pothole by number 12' } });
    expect(await findInQueue<Queued>('staff/moderation', mia, (r) => r.id === id)).toBeUndefined();
  });

  it('when an Open311 client adds an update to its report, then the update waits for a moderator until one hides it', async () => {
    const issued = await call('POST', 'admin/open311-clients', { as: admin, body: { name: 'Queue client' } });
    const { apiKey } = (await issued.json()) as { apiKey: string };
    const form = (path: string, fields: Record<string, string>) =>
      fetch(`${open311()}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: apiKey, ...fields }),
      });
    const created = await form('requests.json', {
      service_code: 'street-light-fault',
      lat: '51.4521',
      long: '-2.5960',
      description: 'Light out by the bus stop',
      'attribute[fault]': 'out',
    });
    expect(created.status).toBe(201);
    const [{ service_request_id: id = '' } = {}] = (await created.json()) as { service_request_id?: string }[];
    const moderator = { sub: 'mo', roles: ['staff', 'moderator'] as const };
    // The description first, so the update alone keeps it queued.
    const first = await call('GET', `staff/requests/${id}/moderation`, { as: moderator });
    expect(
      (
        await call('PATCH', `staff/requests/${id}/moderation`, {
          as: moderator,
          headers: { 'if-match': first.headers.get('etag') ?? '' },
          body: { description: null },
        })
      ).status,
    ).toBe(200);
    expect(await findInQueue<Queued>('staff/moderation', moderator, (r) => r.id === id)).toBeUndefined();

    const update = await form('servicerequestupdates.json', {
      service_request_id: id,
      update_id: `queue-${randomUUID()}`,
      status: 'OPEN',
      description: 'Still out, the neighbour at number 4 says',
      updated_datetime: new Date().toISOString(),
    });
    expect(update.status).toBe(201);
    const [{ update_id: updateId = '' } = {}] = (await update.json()) as { update_id?: string }[];
    expect(await findInQueue<Queued>('staff/moderation', moderator, (r) => r.id === id)).toMatchObject({
      description: false,
      photos: false,
      updates: 1,
    });

    const read = await call('GET', `staff/requests/${id}/moderation`, { as: moderator });
    const hidden = await call('PATCH', `staff/requests/${id}/moderation`, {
      as: moderator,
      headers: { 'if-match': read.headers.get('etag') ?? '' },
      body: { updates: [{ id: updateId, text: null }] },
    });
    expect(hidden.status).toBe(200);
    expect(await findInQueue<Queued>('staff/moderation', moderator, (r) => r.id === id)).toBeUndefined();
  });

  it('when a report is of a non-public service, then nothing of it waits for a moderator (the public never sees it)', async () => {
    const id = await report({
      serviceCode: 'missed-bin',
      attributes: { bin: 'general', collection_date: '2026-11-27' },
    });
    expect(await findInQueue<Queued>('staff/moderation', mia, (r) => r.id === id)).toBeUndefined();
  });
});

describe('the queues refuse every other role', () => {
  let requestId = '';
  beforeAll(async () => {
    requestId = await report();
  });

  const routes = () => [
    { path: 'staff/refunds/awaiting-approval', role: 'finance' as const },
    { path: 'staff/moderation', role: 'moderator' as const },
    { path: `staff/requests/${requestId}/moderation`, role: 'moderator' as const },
  ];

  it('when called without a token, then 401', async () => {
    for (const { path } of routes()) expect((await call('GET', path)).status, path).toBe(401);
  });

  it('when called by a resident, staff, an admin or the other queue’s role, then 403', async () => {
    for (const { path, role } of routes()) {
      const others = [
        'alice',
        staff,
        admin,
        role === 'finance' ? mia : fin,
        { sub: 'cllr', roles: ['councillor'] as const },
        { sub: 'ops', roles: ['operator'] as const },
      ];
      for (const as of others)
        expect((await call('GET', path, { as })).status, `${path} as ${typeof as === 'string' ? as : as.sub}`).toBe(
          403,
        );
    }
  });

  it('when a resident-issuer token claims the role, then 403 (roles come only from the workforce issuer)', async () => {
    for (const { path, role } of routes()) {
      const forged = await tokenFrom('resident', `forger-${randomUUID().slice(0, 8)}`, [role]);
      const response = await fetch(`${inject('hostUrl')}/api/${path}`, {
        headers: { authorization: `Bearer ${forged}` },
      });
      expect(response.status, path).toBe(403);
    }
  });
});

describe('a report’s photos, for a moderator', () => {
  const aPhoto = async (owner: string) =>
    aCheckedPhoto(inject('hostUrl'), await tokenFor(owner), {
      bytes: jpegWithExif(),
      fileName: 'pothole.jpg',
      contentType: 'image/jpeg',
    });
  const read = async (path: string, who: CallOptionsAs) =>
    fetch(`${inject('hostUrl')}/api/${path}`, {
      headers: { authorization: `Bearer ${await tokenFor(who.sub, who.roles)}` },
      redirect: 'manual',
    });

  it('when a resident reports with a photo, then a moderator who is not staff gets a short-lived link to that photo through the report, audited, and no other document', async () => {
    const resident = aResident();
    const [photo, elsewhere] = await Promise.all([aPhoto(resident), aPhoto(resident)]);
    const created = await call('POST', 'requests', { as: resident, body: aServiceRequest({ photos: [photo] }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    // The document itself is not theirs: a moderator may hold no staff role.
    expect((await read(`documents/${photo}/content`, mia)).status).toBe(404);
    const link = await read(`staff/requests/${id}/moderation/photos/${photo}`, mia);
    expect(link.status).toBe(302);
    expect(link.headers.get('cache-control')).toBe('no-store');
    const file = await fetch(link.headers.get('location') ?? '');
    expect(file.status).toBe(200);
    expect((await file.arrayBuffer()).byteLength).toBeGreaterThan(0);

    // The resident's other document is not reached through this report, nor this photo through another's.
    expect((await read(`staff/requests/${id}/moderation/photos/${elsewhere}`, mia)).status).toBe(404);
    const another = await report();
    expect((await read(`staff/requests/${another}/moderation/photos/${photo}`, mia)).status).toBe(404);
    // A non-public service's report is never shown to the public, so not to a moderator either:
    // a damp-and-mould photo is inside a tenant's home.
    const inside = await aPhoto(resident);
    const damp = await call('POST', 'requests', {
      as: resident,
      body: aServiceRequest({ serviceCode: 'damp-and-mould', attributes: {}, photos: [inside] }),
    });
    expect(damp.status).toBe(201);
    const { id: home } = (await damp.json()) as { id: string };
    expect((await read(`staff/requests/${home}/moderation`, mia)).status).toBe(404);
    expect((await read(`staff/requests/${home}/moderation/photos/${inside}`, mia)).status).toBe(404);
    // The moderator role, and only it: staff without it are refused, as is a resident-issuer token claiming it.
    expect((await read(`staff/requests/${id}/moderation/photos/${photo}`, staff)).status).toBe(403);
    const forged = await tokenFrom('resident', resident, ['moderator']);
    expect(
      (
        await fetch(`${inject('hostUrl')}/api/staff/requests/${id}/moderation/photos/${photo}`, {
          headers: { authorization: `Bearer ${forged}` },
          redirect: 'manual',
        })
      ).status,
    ).toBe(403);

    // Each link given is in the resident's access audit as moderation.
    const { client, db } = stackCosmos(inject('appSettings'));
    try {
      const { resources } = await db
        .container('audit')
        .items.query<{ actor: { sub: string }; what: { type: string; id: string }; why: string }>(
          { query: 'SELECT * FROM c WHERE c.residentId = @r', parameters: [{ name: '@r', value: resident }] },
          { partitionKey: resident },
        )
        .fetchAll();
      // The photo given, named as such; nothing for the refusals.
      const mine = resources.filter((e) => e.actor.sub === 'mia');
      expect(mine.map((e) => e.what)).toEqual([{ type: 'document', id: photo }]);
      expect(mine[0]?.why).toContain('Moderating');
    } finally {
      client.dispose();
    }
  });
});
