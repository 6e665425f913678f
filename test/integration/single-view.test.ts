/**
 * #17: the staff single view of a resident. Staff see the resident's requests,
 * payments, documents and contact preferences on one answer; each opening is in the
 * access audit (which is what the resident's subject access export reads), and nobody
 * without the staff role, least of all a resident-issuer token claiming it, sees any.
 */
import { CosmosClient } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { cosmosAccessLog } from '../../shared/audit/access-log.js';
import { aServiceRequest, call, staff, tokenFrom } from '../support/api.js';
import { pdf } from '../support/files.js';
import { waitFor } from '../support/wait.js';

const cosmos = new CosmosClient({
  endpoint: inject('appSettings').CosmosDb?.match(/AccountEndpoint=([^;]+)/)?.[1] ?? '',
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
afterAll(() => cosmos.dispose());
// The very log the subject access export reads (shared/privacy/export.ts `runExport`).
const accessLog = cosmosAccessLog(cosmos.database('doorstep').container('audit'));

interface SingleViewAnswer {
  residentId: string;
  profile: { preferences: { email: boolean; sms: boolean; events: string[] } } | null;
  requests: { items: { id: string; status: string }[]; continuation?: string };
  payments: { items: { id: string; amount: number }[]; continuation?: string };
  documents: { items: { id: string; fileName: string }[]; continuation?: string };
}

/** A resident with a profile, two requests, a payment and (when asked) a checked document. */
async function aResidentWithHistory(withDocument = false) {
  const who = `single-${randomUUID().slice(0, 8)}`;
  const patched = await call('PATCH', 'me', { as: who, body: { preferences: { sms: false, email: true } } });
  expect(patched.status).toBe(200);
  const requests: string[] = [];
  for (const description of ['First pothole, by the bus stop.', 'Second pothole, by the school gate.']) {
    const made = await call('POST', 'requests', { as: who, body: aServiceRequest({ description }) });
    expect(made.status).toBe(201);
    requests.push(((await made.json()) as { id: string }).id);
  }
  const paid = await call('POST', 'payments', {
    as: who,
    body: { itemCode: 'bulky-waste', quantity: 1 },
    headers: { 'idempotency-key': `pay-${randomUUID()}` },
  });
  expect(paid.status).toBe(201);
  let document: string | undefined;
  if (withDocument) {
    const bytes = pdf();
    const issued = await call('POST', 'uploads', {
      as: who,
      body: { purpose: 'evidence', fileName: 'tenancy.pdf', contentType: 'application/pdf', size: bytes.length },
    });
    expect(issued.status).toBe(201);
    const { document: made, upload } = (await issued.json()) as {
      document: { id: string };
      upload: { url: string; headers: Record<string, string> };
    };
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(201);
    // A document reaches My Account (and so this view) once it is checked.
    await waitFor(
      async () =>
        ((await (await call('GET', `documents/${made.id}`, { as: who })).json()) as { status: string }).status ===
        'available',
      { what: 'the document to be checked' },
    );
    document = made.id;
  }
  return {
    who,
    requests,
    payment: ((await paid.json()) as { id: string }).id,
    document,
  };
}

describe('staff single view of a resident', () => {
  it('when staff open it with a reason, then they see requests, payments, documents and preferences, and the opening is in the audit the export reads', async () => {
    const seeded = await aResidentWithHistory(true);
    const opened = await call('GET', `staff/residents/${seeded.who}`, {
      as: staff,
      headers: { 'access-reason': 'Resident phoned about a missed collection' },
    });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('cache-control')).toBe('no-store');
    const view = (await opened.json()) as SingleViewAnswer;
    expect(view.residentId).toBe(seeded.who);
    expect(view.requests.items.map((r) => r.id).sort()).toEqual([...seeded.requests].sort());
    expect(view.payments.items.map((p) => p.id)).toEqual([seeded.payment]);
    expect(view.documents.items).toEqual([expect.objectContaining({ id: seeded.document, fileName: 'tenancy.pdf' })]);
    expect(view.profile?.preferences).toMatchObject({ email: true, sms: false });

    const entries = await accessLog.listForResident(seeded.who);
    expect(entries.filter((e) => e.what.type === 'resident')).toEqual([
      expect.objectContaining({
        residentId: seeded.who,
        actor: { sub: 'sam', roles: ['staff'], kind: 'staff' },
        what: { type: 'resident', id: seeded.who },
        why: 'Seeing the resident’s requests, payments, documents and contact preferences together (staff single view): Resident phoned about a missed collection',
      }),
    ]);
  });

  it('when a section has more than a page, then it gives a continuation that reads the rest, each opening audited again', async () => {
    const seeded = await aResidentWithHistory();
    const first = (await (
      await call('GET', `staff/residents/${seeded.who}?pageSize=1`, { as: staff })
    ).json()) as SingleViewAnswer;
    expect(first.requests.items).toHaveLength(1);
    expect(first.requests.continuation).toEqual(expect.any(String));
    const second = (await (
      await call(
        'GET',
        `staff/residents/${seeded.who}?pageSize=1&requests=${encodeURIComponent(first.requests.continuation ?? '')}`,
        { as: staff },
      )
    ).json()) as SingleViewAnswer;
    expect([...first.requests.items, ...second.requests.items].map((r) => r.id).sort()).toEqual(
      [...seeded.requests].sort(),
    );
    expect((await accessLog.listForResident(seeded.who)).filter((e) => e.what.type === 'resident')).toHaveLength(2);
  });

  it('when the resident is unknown, then 404 (the attempt itself is still recorded)', async () => {
    const nobody = `nobody-${randomUUID().slice(0, 8)}`;
    expect((await call('GET', `staff/residents/${nobody}`, { as: staff })).status).toBe(404);
    expect(await accessLog.listForResident(nobody)).toHaveLength(1);
  });

  it('when the resident themself, a councillor or the platform operator asks, then 403 and nothing is recorded', async () => {
    const seeded = await aResidentWithHistory();
    for (const as of [
      seeded.who,
      { sub: 'cllr', roles: ['councillor'] as const },
      { sub: 'ops', roles: ['operator'] as const },
    ]) {
      const refused = await call('GET', `staff/residents/${seeded.who}`, { as });
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain(seeded.requests[0]);
    }
    expect(await accessLog.listForResident(seeded.who)).toEqual([]);
  });

  it('when a resident-issuer token claims the staff role, then 403 and nothing is shown or recorded', async () => {
    const seeded = await aResidentWithHistory();
    const token = await tokenFrom('resident', 'mallory', ['staff', 'admin']);
    const refused = await fetch(`${inject('hostUrl')}/api/staff/residents/${seeded.who}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain(seeded.payment);
    expect(await accessLog.listForResident(seeded.who)).toEqual([]);
  });

  it('when the resident id or a page token is malformed, then 422 or 400 before anything is read or recorded', async () => {
    const who = `malformed-${randomUUID().slice(0, 8)}`;
    expect((await call('GET', 'staff/residents/bad%20id%3Cscript%3E', { as: staff })).status).toBe(422);
    expect((await call('GET', `staff/residents/${who}?requests=not-a-token`, { as: staff })).status).toBe(400);
    expect((await call('GET', `staff/residents/${who}?pageSize=500`, { as: staff })).status).toBe(422);
    expect(await accessLog.listForResident(who)).toEqual([]);
  });
});
