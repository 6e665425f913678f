/**
 * Retention enforced (#16 item 4): the retention timer's schedules driven with a
 * controllable clock against the real local Cosmos DB, Azurite and the Notify
 * stand-in. Records are made through the API, then dated back to an era long before
 * today (each test its own), so that a clock set in that era makes only this file's
 * records due: the rest of the suite, sharing the stack, is dated today and never is.
 * Each rule is shown from both sides: the day before its time nothing happens; the
 * day after, the right thing does; a document under legal hold is kept.
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { cosmosAccessLog } from '../../shared/audit/access-log.js';
import { documentContainers } from '../../shared/data/blob-containers.js';
import { notifyTemplatesSchema } from '../../shared/notifications/templates.js';
import { govUkNotify } from '../../shared/notifications/notify-client.js';
import { cosmosProfileStore } from '../../shared/residents/profile.js';
import { erasureJobId, type ErasureJob } from '../../shared/privacy/erasure.js';
import { notifyPrivacyNotices } from '../../shared/privacy/notices.js';
import { cosmosRetentionStores } from '../../shared/privacy/retention-store.js';
import { enforceRetention, type RetentionDeps } from '../../shared/privacy/retention-sweep.js';
import { cosmosErasureStores } from '../../shared/privacy/store.js';
import { aServiceRequest, call } from '../support/api.js';
import { confirmContact, sentTo } from '../support/contacts.js';
import { jpegWithExif, pdf } from '../support/files.js';
import { cosmosOf, outboxPublished } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';

const settings = inject('appSettings');
const client = new CosmosClient({
  endpoint: cosmosOf(settings.CosmosDb).endpoint,
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
const db = client.database('doorstep');
const container = (name: string): Container => db.container(name);
const blobs = BlobServiceClient.fromConnectionString(settings.Storage ?? '');
afterAll(() => client.dispose());

const day = 86_400_000;
const year = 365 * day;

/** The retention timer's deps over the real stores, at the clock the test sets. */
function retentionAt(clock: { now: number }): RetentionDeps {
  const containers = {
    privacy: container('privacy'),
    residents: container('residents'),
    requests: container('requests'),
    payments: container('payments'),
    documents: container('documents'),
    idempotency: container('idempotency'),
  };
  const now = () => new Date(clock.now);
  return {
    retention: cosmosRetentionStores(containers, blobs),
    notices: notifyPrivacyNotices({
      profiles: cosmosProfileStore(containers.residents),
      notify: govUkNotify({
        baseUrl: inject('govukNotifyUrl'),
        apiKey: settings.GOVUK_NOTIFY_API_KEY ?? '',
        timeoutMs: 10_000,
      }),
      templates: notifyTemplatesSchema.parse(JSON.parse(settings.GOVUK_NOTIFY_TEMPLATES ?? '{}')),
      myAccountUrl: settings.MY_ACCOUNT_URL ?? '',
    }),
    erasure: {
      stores: cosmosErasureStores(containers, blobs),
      accessLog: cosmosAccessLog(container('audit')),
      now,
      leaseMs: 60_000,
    },
    now,
  };
}

const read = async <T extends object>(name: string, id: string, pk = id): Promise<T | undefined> =>
  (await container(name).item(id, pk).read<T>()).resource;

/** Rewrites a stored item (dates set back, a hold added): what years passing looks like to the store. */
async function rewrite<T extends { id: string }>(name: string, id: string, pk: string, change: (doc: T) => T) {
  const doc = await read<T>(name, id, pk);
  if (!doc) throw new Error(`${name}/${id} is missing`);
  await container(name).item(id, pk).replace(change(doc));
}

const myAccountEntries = async (residentId: string, field: string, id: string) =>
  (
    await container('residents')
      .items.query<{ id: string }>({
        query: `SELECT c.id FROM c WHERE c.residentId = @r AND c.${field} = @id`,
        parameters: [
          { name: '@r', value: residentId },
          { name: '@id', value: id },
        ],
      })
      .fetchAll()
  ).resources;

const partition = async (name: string, pk: string) =>
  (
    await container(name)
      .items.query<{ id: string }>({
        query: 'SELECT c.id FROM c WHERE c.pk = @pk',
        parameters: [{ name: '@pk', value: pk }],
      })
      .fetchAll()
  ).resources;

async function report(as: string, description: string): Promise<string> {
  const response = await call('POST', 'requests', { as, body: aServiceRequest({ description }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function uploaded(as: string, purpose: 'photo' | 'evidence'): Promise<{ id: string; blobName: string }> {
  const [bytes, type, name] =
    purpose === 'photo' ? [jpegWithExif(), 'image/jpeg', 'p.jpg'] : [pdf(), 'application/pdf', 'e.pdf'];
  const issued = await call('POST', 'uploads', {
    as,
    body: { purpose, fileName: name, contentType: type, size: bytes.length },
  });
  expect(issued.status).toBe(201);
  const body = (await issued.json()) as {
    document: { id: string };
    upload: { url: string; headers: Record<string, string> };
  };
  expect((await fetch(body.upload.url, { method: 'PUT', headers: body.upload.headers, body: bytes })).status).toBe(201);
  const doc = await waitFor(
    async () => {
      const d = await read<{ status: string; blobName?: string }>('documents', body.document.id);
      return d?.status === 'available' && d.blobName ? d : undefined;
    },
    { what: `the ${purpose} to be available` },
  );
  // Moved out of quarantine: nothing of the upload path is still at work on it.
  await waitFor(
    async () =>
      !(await blobs
        .getContainerClient(documentContainers.quarantine)
        .getBlobClient(body.document.id)
        .exists()
        .catch(() => true)),
    { what: 'the upload to leave quarantine' },
  );
  return { id: body.document.id, blobName: doc.blobName ?? '' };
}

const blobExists = (blobName: string) =>
  blobs.getContainerClient(documentContainers.documents).getBlobClient(blobName).exists();

describe('retention timer', () => {
  it('when a closed request is 2 years past closing, then its reporter, text and My Account entry go; at 6 years the request and its events go; an open one stays', async () => {
    const t0 = Date.parse('2004-05-10T09:00:00Z');
    const who = `ret-req-${randomUUID().slice(0, 8)}`;
    const closed = await report(who, `My neighbour at number 9 dumped it ${who}`);
    const open = await report(who, `Still open ${who}`);
    await outboxPublished(cosmosOf(settings.CosmosDb), [closed, open]);
    // The work order is sent, so nothing of the platform still writes to the request's partition.
    for (const id of [closed, open])
      await waitFor(
        async () => (await read<{ state: string }>('requests', `dispatch:${id}`, id))?.state !== 'pending',
        {
          what: 'the work order to be sent',
        },
      );
    const back = (status: string) => (d: { id: string }) => ({
      ...d,
      status,
      createdAt: new Date(t0 - 10 * day).toISOString(),
      updatedAt: new Date(t0).toISOString(),
    });
    await rewrite('requests', closed, closed, back('closed'));
    await rewrite('requests', open, open, back('investigating'));
    const clock = { now: t0 + 2 * year - day };
    const deps = retentionAt(clock);

    await enforceRetention(deps, 1000);
    const before = await read<{ description: string; residentId: string }>('requests', closed);
    expect(before).toMatchObject({ description: `My neighbour at number 9 dumped it ${who}`, residentId: who });
    expect(await myAccountEntries(who, 'requestId', closed)).toHaveLength(1);

    clock.now = t0 + 2 * year + day;
    await enforceRetention(deps, 1000);
    const redacted = await read<Record<string, unknown>>('requests', closed);
    expect(redacted).toMatchObject({ residentId: 'redacted', redactedAt: new Date(clock.now).toISOString() });
    expect(JSON.stringify(redacted)).not.toContain('neighbour');
    expect(JSON.stringify(redacted)).not.toContain(who);
    expect(await myAccountEntries(who, 'requestId', closed)).toHaveLength(0);
    expect(await read<{ description: string }>('requests', open)).toMatchObject({ description: `Still open ${who}` });

    clock.now = t0 + 6 * year - day;
    await enforceRetention(deps, 1000);
    expect(await read('requests', closed)).toBeDefined();

    clock.now = t0 + 6 * year + day;
    await enforceRetention(deps, 1000);
    expect(await partition('requests', closed)).toEqual([]);
    expect(await read<{ residentId: string }>('requests', open)).toMatchObject({ residentId: who });
  });

  it('when documents pass their purpose’s period, then photos go at 2 years and evidence at 6, files and all, and a document under legal hold is kept', async () => {
    const t0 = Date.parse('2011-02-01T09:00:00Z');
    const who = `ret-doc-${randomUUID().slice(0, 8)}`;
    const photo = await uploaded(who, 'photo');
    const evidence = await uploaded(who, 'evidence');
    const heldPhoto = await uploaded(who, 'photo');
    const heldEvidence = await uploaded(who, 'evidence');
    for (const d of [photo, evidence, heldPhoto, heldEvidence])
      await rewrite('documents', d.id, d.id, (doc) => ({ ...doc, createdAt: new Date(t0).toISOString() }));
    // The agreed legal hold field (shared/uploads/legal-hold.ts).
    for (const d of [heldPhoto, heldEvidence])
      await rewrite('documents', d.id, d.id, (doc) => ({
        ...doc,
        legalHold: { by: 'ada', at: new Date(t0).toISOString(), reference: `claim HX-${who}` },
      }));
    const clock = { now: t0 + 2 * year - day };
    const deps = retentionAt(clock);
    const present = async (d: { id: string; blobName: string }) =>
      (await read('documents', d.id)) !== undefined && (await blobExists(d.blobName));

    await enforceRetention(deps, 1000);
    for (const d of [photo, evidence, heldPhoto, heldEvidence]) expect(await present(d), d.id).toBe(true);

    clock.now = t0 + 2 * year + day;
    const afterTwo = await enforceRetention(deps, 1000);
    expect(await read('documents', photo.id)).toBeUndefined();
    expect(await blobExists(photo.blobName)).toBe(false);
    expect(await myAccountEntries(who, 'documentId', photo.id)).toHaveLength(0);
    expect(await present(evidence)).toBe(true);
    expect(await present(heldPhoto)).toBe(true);
    expect(afterTwo.documentsHeld).toBeGreaterThanOrEqual(1);

    clock.now = t0 + 6 * year + day;
    await enforceRetention(deps, 1000);
    expect(await read('documents', evidence.id)).toBeUndefined();
    expect(await blobExists(evidence.blobName)).toBe(false);
    expect(await present(heldPhoto)).toBe(true);
    expect(await present(heldEvidence)).toBe(true);
    expect(await myAccountEntries(who, 'documentId', heldEvidence.id)).toHaveLength(1);
  });

  it('when a payment is 6 years past the end of its financial year, then it goes with its refunds; not before, and not while a refund is under way', async () => {
    // Last changed 1 March 2013: its financial year ends 31 March 2013, so it is kept to the end of March 2019.
    const last = '2013-03-01T10:00:00.000Z';
    const who = `ret-pay-${randomUUID().slice(0, 8)}`;
    const payment = (open: boolean) => {
      const id = randomUUID();
      return {
        id,
        pk: id,
        type: 'payment',
        ownerId: who,
        itemCode: 'garden-waste',
        description: 'Garden waste collection, one year',
        amount: 5000,
        status: 'success',
        attempt: 1,
        refunds: [
          {
            id: randomUUID(),
            amount: 1000,
            status: open ? 'submitted' : 'success',
            source: 'doorstep',
            by: 'fin',
            at: last,
            updatedAt: last,
          },
        ],
        ...(open ? { openRefunds: true } : {}),
        audit: [],
        createdAt: '2013-02-20T10:00:00.000Z',
        updatedAt: last,
      };
    };
    const done = payment(false);
    const refunding = payment(true);
    for (const p of [done, refunding]) {
      await container('payments').items.create(p);
      await container('residents').items.create({
        id: `payment-${p.id}`,
        residentId: who,
        kind: 'payment',
        paymentId: p.id,
        at: last,
        summary: { description: p.description, amount: p.amount, status: p.status, refunded: 1000 },
      });
    }
    const clock = { now: Date.parse('2019-03-10T00:00:00Z') };
    const deps = retentionAt(clock);

    // Over 6 years since it last changed, but inside 6 years from the end of its financial year.
    await enforceRetention(deps, 1000);
    expect(await read('payments', done.id)).toBeDefined();

    clock.now = Date.parse('2019-04-05T00:00:00Z');
    await enforceRetention(deps, 1000);
    expect(await partition('payments', done.id)).toEqual([]);
    expect(await myAccountEntries(who, 'paymentId', done.id)).toHaveLength(0);
    expect(await read('payments', refunding.id)).toBeDefined();
  });

  it('when an account goes unused, then it is warned by Notify 30 days before 3 years and erased after; one that signs in again is kept', async () => {
    const t0 = Date.parse('2014-06-01T12:00:00Z');
    const tag = randomUUID().slice(0, 8);
    const quiet = { sub: `ret-quiet-${tag}`, email: `quiet.${tag}@example.com` };
    const back = { sub: `ret-back-${tag}`, email: `back.${tag}@example.com` };
    for (const r of [quiet, back]) {
      await confirmContact(r.sub, 'email', r.email);
      // The sign-ins just made are recorded as today (at most once a day: a second call writes nothing).
      const today = new Date().toISOString().slice(0, 10);
      const noted = await waitFor(
        async () => {
          const a = await read<{ lastSeenOn?: string; _etag: string }>('residents', 'activity', r.sub);
          return a?.lastSeenOn === today ? a : undefined;
        },
        { what: 'the sign-in to be recorded' },
      );
      expect((await call('GET', 'me', { as: r.sub })).status).toBe(200);
      expect((await read<{ _etag: string }>('residents', 'activity', r.sub))?._etag).toBe(noted._etag);
      // Three years pass.
      await rewrite('residents', 'profile', r.sub, (p) => ({
        ...p,
        createdAt: new Date(t0).toISOString(),
        updatedAt: new Date(t0).toISOString(),
      }));
      await rewrite('residents', 'activity', r.sub, (a) => ({
        ...a,
        lastSeenOn: new Date(t0).toISOString().slice(0, 10),
      }));
    }
    const closing = (to: string) =>
      sentTo(inject('govukNotifyUrl'), to).then((all) =>
        all.filter((n) => n.templateName.startsWith('Your account will close')),
      );
    const clock = { now: t0 + 3 * year - 31 * day };
    const deps = retentionAt(clock);

    await enforceRetention(deps, 1000);
    expect(await closing(quiet.email)).toEqual([]);

    clock.now = t0 + 3 * year - 29 * day;
    await enforceRetention(deps, 1000);
    for (const r of [quiet, back]) {
      const [warning, ...more] = await closing(r.email);
      expect(more).toEqual([]);
      expect(warning?.personalisation).toEqual({
        closes_on: expect.any(String) as string,
        link: settings.MY_ACCOUNT_URL,
      });
      expect(await read('residents', 'profile', r.sub)).toBeDefined();
    }
    // Running again the same day warns nobody twice.
    await enforceRetention(deps, 1000);
    expect(await closing(quiet.email)).toHaveLength(1);

    // One of them signs in after the warning.
    await rewrite('residents', 'activity', back.sub, (a) => ({
      ...a,
      lastSeenOn: new Date(t0 + 3 * year - 20 * day).toISOString().slice(0, 10),
    }));

    clock.now = t0 + 3 * year + day;
    await enforceRetention(deps, 1000);
    await waitFor(async () => (await read('residents', 'profile', quiet.sub)) === undefined, {
      what: 'the unused account to be erased',
    });
    expect(await read('residents', 'activity', quiet.sub)).toBeUndefined();
    const job = await read<ErasureJob>('privacy', erasureJobId(quiet.sub));
    expect(job?.asked.by).toBe('retention');
    expect(await read('residents', 'profile', back.sub)).toBeDefined();
  });

  it('when a resident with a document under legal hold erases their account, then that document and its file stay, and the erasure says a rule kept it', async () => {
    const who = `ret-hold-${randomUUID().slice(0, 8)}`;
    const held = await uploaded(who, 'evidence');
    const free = await uploaded(who, 'evidence');
    await rewrite('documents', held.id, held.id, (doc) => ({
      ...doc,
      legalHold: { by: 'ada', at: new Date().toISOString(), reference: `ombudsman ${who}` },
    }));
    const erased = await call('DELETE', 'me', { as: who });
    expect(erased.status).toBeLessThan(300);
    await waitFor(async () => (await read('documents', free.id)) === undefined, { what: 'the free document to go' });
    expect(await read('documents', held.id)).toBeDefined();
    expect(await blobExists(held.blobName)).toBe(true);
    expect(await blobExists(free.blobName)).toBe(false);
    const job = await waitFor(
      async () => {
        const j = await read<ErasureJob>('privacy', erasureJobId(who));
        return j?.done.includes('documents') ? j : undefined;
      },
      { what: 'the erasure to pass its documents step' },
    );
    expect(job.kept).toContain('document-evidence');
  });

  it('when the host runs the retention timer today, then nothing made today is touched', async () => {
    const who = `ret-today-${randomUUID().slice(0, 8)}`;
    const id = await report(who, `Made today ${who}`);
    const ran = await fetch(`${inject('hostUrl')}/admin/functions/retention`, { method: 'POST', body: '{}' });
    expect(ran.status).toBeLessThan(300);
    expect(await read<{ description: string }>('requests', id)).toMatchObject({ description: `Made today ${who}` });
  });
});
