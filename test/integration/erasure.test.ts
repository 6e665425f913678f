/**
 * Erasure (#16 item 3): one resident seeded across every store, erased, then every
 * Cosmos DB container and every blob searched for anything that identifies them.
 * What remains must be kept by a retention rule that says so.
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { cosmosContainers } from '../../shared/data/cosmos-containers.js';
import { retentionRules, type RecordType } from '../../shared/data/retention.js';
import type { PaymentDoc } from '../../shared/payments/model.js';
import { cosmosAccessLog } from '../../shared/audit/access-log.js';
import {
  erasureJobId,
  runErasure,
  startErasure,
  type ErasureDeps,
  type ErasureJob,
  type ErasureStep,
} from '../../shared/privacy/erasure.js';
import { cosmosErasureStores } from '../../shared/privacy/store.js';
import { admin, aServiceRequest, call, staff } from '../support/api.js';
import { confirmContact } from '../support/contacts.js';
import { jpegWithExif, pdf } from '../support/files.js';
import { cosmosOf, outboxPublished } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';

const cosmos = () =>
  new CosmosClient({
    endpoint: cosmosOf(inject('appSettings').CosmosDb).endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
const clients: CosmosClient[] = [];
const container = (name: string): Container => {
  const client = cosmos();
  clients.push(client);
  return client.database('doorstep').container(name);
};
const blobService = () => BlobServiceClient.fromConnectionString(inject('appSettings').Storage ?? '');
afterAll(() => {
  for (const c of clients) c.dispose();
});

interface Resident {
  readonly sub: string;
  readonly token: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

function aResident(): Resident {
  const token = randomUUID().slice(0, 8);
  return {
    sub: `erase-${token}`,
    token,
    name: `Ezra Quill ${token}`,
    email: `ezra.${token}@example.com`,
    phone: `07700${String(randomInt(100000, 999999))}`,
  };
}

async function uploaded(as: string, purpose: 'photo' | 'evidence', fileName: string, bytes: Buffer, type: string) {
  const issued = await call('POST', 'uploads', {
    as,
    body: { purpose, fileName, contentType: type, size: bytes.length },
  });
  expect(issued.status).toBe(201);
  const body = (await issued.json()) as {
    document: { id: string };
    upload: { url: string; headers: Record<string, string> };
  };
  expect((await fetch(body.upload.url, { method: 'PUT', headers: body.upload.headers, body: bytes })).status).toBe(201);
  await waitFor(
    async () =>
      ((await (await call('GET', `documents/${body.document.id}`, { as })).json()) as { status: string }).status ===
      'available',
    { what: `document ${fileName} to be available` },
  );
  return body.document.id;
}

async function report(as: string, body: Record<string, unknown>, key?: string): Promise<string> {
  const response = await call('POST', 'requests', {
    as,
    body: aServiceRequest(body),
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** The resident everywhere the issue lists; returns what was made. */
async function seedEverywhere(r: Resident) {
  // Contacts are confirmed with a code before they are kept for notifications (decision 0900).
  await confirmContact(r.sub, 'email', r.email);
  await confirmContact(r.sub, 'phone', r.phone);
  expect((await call('PATCH', 'me', { as: r.sub, body: { name: r.name, preferences: { sms: true } } })).status).toBe(
    200,
  );
  const photo = await uploaded(r.sub, 'photo', `pothole-${r.token}.jpg`, jpegWithExif(), 'image/jpeg');
  const evidence = await uploaded(r.sub, 'evidence', `passport-${r.token}.pdf`, pdf(), 'application/pdf');
  const request = await report(
    r.sub,
    {
      description: `Pothole outside my house, ${r.name}, ring ${r.phone} ${r.token}`,
      photos: [photo],
      location: { lat: 51.45451234, long: -2.58791234, address: `14 Acacia Avenue ${r.token}`, uprn: '100010101011' },
    },
    `erase-key-${r.token}`,
  );
  const second = await report(r.sub, { description: `Second report ${r.token}` });

  // Staff work on it: a council update (timeline) and a status change residents are notified of.
  const etag = (await call('GET', `requests/${request}`, { as: staff })).headers.get('etag') ?? '';
  expect(
    (
      await call('PATCH', `staff/requests/${request}`, {
        as: staff,
        body: {
          status: 'investigating',
          publicUpdate: 'We will look at this next week.',
          internalNote: `Spoke to ${r.name}`,
        },
        headers: { 'if-match': etag },
      })
    ).status,
  ).toBe(200);

  // A report by someone else that both follow (the agreed follow record shape).
  const other = `bob-${randomUUID().slice(0, 8)}`;
  const followed = await report(other, { description: 'Broken light on the corner' });
  const residents = container('residents');
  for (const who of [r.sub, other])
    await residents.items.upsert({
      id: `following:${followed}`,
      residentId: who,
      kind: 'following',
      requestId: followed,
      at: new Date().toISOString(),
    });

  // An Open311 client (FixMyStreet) sends a report with the same person's contact details.
  const issued = await call('POST', 'admin/open311-clients', { as: admin, body: { name: 'FixMyStreet' } });
  const apiKey = ((await issued.json()) as { apiKey: string }).apiKey;
  const open311 = await fetch(`${inject('hostUrl')}/api/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      api_key: apiKey,
      jurisdiction_id: 'doorstep.example',
      service_code: 'street-light-fault',
      lat: '51.4521',
      long: '-2.5960',
      description: `Light out by my door ${r.token}`,
      'attribute[fault]': 'out',
      email: r.email,
      phone: r.phone,
      first_name: 'Ezra',
      last_name: `Quill ${r.token}`,
    }),
  });
  expect(open311.status).toBe(201);
  const open311Id = ((await open311.json()) as [{ service_request_id: string }])[0].service_request_id;

  // A payment with a refund (the shape the payments slice stores), and its My Account entry.
  const paymentId = randomUUID();
  const at = new Date().toISOString();
  const payment: PaymentDoc = {
    id: paymentId,
    pk: paymentId,
    type: 'payment',
    ownerId: r.sub,
    itemCode: 'garden-waste',
    description: 'Garden waste collection, one year',
    amount: 5000,
    status: 'success',
    providerId: `pay-${randomUUID()}`,
    attempt: 1,
    refunds: [
      {
        id: randomUUID(),
        amount: 1000,
        status: 'success',
        source: 'doorstep',
        reason: 'Bin not collected',
        by: 'fin',
        approvedBy: 'fay',
        at,
        updatedAt: at,
      },
    ],
    audit: [
      { at, by: r.sub, action: 'created' },
      { at, by: 'fin', action: 'refund-requested' },
    ],
    createdAt: at,
    updatedAt: at,
  };
  await container('payments').items.create(payment);
  await residents.items.upsert({
    id: `payment:${paymentId}`,
    residentId: r.sub,
    kind: 'payment',
    at,
    paymentId,
    summary: { description: payment.description, amount: 5000, status: 'success', refunded: 1000 },
  });

  // A member of staff read the request (the access audit's agreed entry shape).
  await cosmosAccessLog(container('audit')).record({
    residentId: r.sub,
    at,
    actor: { sub: 'sam', roles: ['staff'], kind: 'staff' },
    what: { type: 'request', id: request },
    why: 'answering a phone call',
  });

  await outboxPublished(cosmosOf(inject('appSettings').CosmosDb), [request, second, followed, open311Id]);
  return { photo, evidence, request, second, followed, open311Id, paymentId, other };
}

const digits = (s: string) => s.replace(/\D/g, '');

/** Every identifier and contact detail of the resident, as they could appear anywhere. */
const needlesOf = (r: Resident, documents: readonly string[]) => [
  r.sub,
  r.email,
  r.email.toUpperCase(),
  r.phone,
  `+44${digits(r.phone).slice(1)}`,
  r.name,
  `Quill ${r.token}`,
  r.token,
  ...documents,
];

interface Hit {
  readonly where: string;
  readonly id: string;
  readonly item: Record<string, unknown>;
}

async function searchEveryContainer(needles: readonly string[]): Promise<Hit[]> {
  const hits: Hit[] = [];
  for (const def of cosmosContainers) {
    const { resources } = await container(def.name).items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
    for (const item of resources) {
      const text = JSON.stringify(item);
      if (needles.some((n) => text.includes(n))) hits.push({ where: def.name, id: String(item.id), item });
    }
  }
  return hits;
}

async function searchEveryBlob(needles: readonly string[]): Promise<string[]> {
  const service = blobService();
  const hits: string[] = [];
  for await (const c of service.listContainers()) {
    const client = service.getContainerClient(c.name);
    for await (const blob of client.listBlobsFlat({ includeMetadata: true, includeUncommitedBlobs: true })) {
      const bytes = await client
        .getBlobClient(blob.name)
        .downloadToBuffer()
        .catch(() => Buffer.alloc(0));
      const properties = await client
        .getBlobClient(blob.name)
        .getProperties()
        .catch(() => undefined);
      const text = [
        blob.name,
        JSON.stringify(blob.metadata ?? {}),
        properties?.contentDisposition ?? '',
        bytes.toString('latin1'),
      ].join('\n');
      if (needles.some((n) => text.includes(n))) hits.push(`${c.name}/${blob.name}`);
    }
  }
  return hits;
}

/**
 * What names the resident after erasure and no retention rule keeps. Access-audit entries
 * are kept (`audit-entry`): a staff list in another file running alongside may have shown
 * this resident's report, and that read is recorded like any other.
 */
const unexplainedAfter = async (needles: readonly string[]) =>
  (await searchEveryContainer(needles)).filter((h) => ruleKeeping(h) === undefined).map((h) => `${h.where}:${h.id}`);

/** The retention rule that explains why a remaining item still names the resident, if any does. */
function ruleKeeping(hit: Hit): RecordType | undefined {
  if (hit.where === 'audit' && hit.item.kind === 'access') return 'audit-entry';
  return undefined;
}

const timer = async (name: string) =>
  expect((await fetch(`${inject('hostUrl')}/admin/functions/${name}`, { method: 'POST', body: '{}' })).status).toBe(
    202,
  );

async function erasureFinished(residentId: string): Promise<ErasureJob> {
  return waitFor(
    async () => {
      const response = await call('GET', `admin/residents/${encodeURIComponent(residentId)}/erasure`, { as: admin });
      const job = (await response.json()) as ErasureJob;
      if (job.state === 'completed') return job;
      // The erased event waits for the outbox publisher; the timer takes the job up again.
      await timer('privacy-jobs');
      return undefined;
    },
    { what: 'the erasure to finish', timeout: 60_000, interval: 250 },
  );
}

describe('erasing a resident', () => {
  it('when staff erase a resident seeded in every store, then no container or blob names them except what a retention rule keeps', async () => {
    const r = aResident();
    const seeded = await seedEverywhere(r);
    const needles = needlesOf(r, [seeded.photo, seeded.evidence]);
    // The search finds the resident before erasure, so it would find them after.
    expect((await searchEveryContainer(needles)).map((h) => h.where)).toEqual(
      expect.arrayContaining(['residents', 'requests', 'payments', 'documents', 'audit']),
    );
    // Idempotency records name no one in clear (the key is hashed with its caller), only what they created.
    const idempotencyFor = async (ids: readonly string[]) =>
      (
        await container('idempotency')
          .items.query<{ id: string }>({
            query: 'SELECT c.id FROM c WHERE ARRAY_CONTAINS(@ids, c.resourceId)',
            parameters: [{ name: '@ids', value: [...ids] }],
          })
          .fetchAll()
      ).resources;
    expect(await idempotencyFor([seeded.request])).toHaveLength(1);
    expect((await searchEveryBlob([seeded.photo, seeded.evidence])).length).toBeGreaterThanOrEqual(2);

    const started = await call('POST', `admin/residents/${r.sub}/erasure`, {
      as: admin,
      body: { reason: 'Letter of 20 November asking for erasure' },
    });
    expect([200, 202]).toContain(started.status);
    const job = await erasureFinished(r.sub);
    expect(job.done).toEqual([
      'collect',
      'documents',
      'requests',
      'payments',
      'idempotency',
      'residents',
      'announce',
      'finish',
    ]);
    expect(job.kept).toEqual(expect.arrayContaining(['request', 'payment', 'refund', 'audit-entry']));
    for (const type of job.kept) expect(retentionRules[type].onErasure).not.toBe('delete');

    const remaining = await searchEveryContainer(needles);
    const unexplained = remaining.filter((h) => ruleKeeping(h) === undefined).map((h) => `${h.where}:${h.id}`);
    expect(unexplained).toEqual([]);
    // What is kept names its rule, and that rule keeps it on erasure.
    for (const hit of remaining) expect(retentionRules[ruleKeeping(hit) ?? 'profile'].onErasure).toBe('keep');
    // The staff erasure itself is in the access audit.
    expect(remaining.some((h) => String((h.item as { why?: string }).why).startsWith('erasure:'))).toBe(true);
    expect(await searchEveryBlob(needles)).toEqual([]);
    expect(await idempotencyFor([seeded.request])).toEqual([]);

    // The requests stay as records of the problem, without the person.
    const kept = (await (await call('GET', `requests/${seeded.request}`, { as: staff })).json()) as Record<
      string,
      unknown
    >;
    expect(kept).toMatchObject({ id: seeded.request, serviceCode: 'pothole', status: 'investigating', photos: [] });
    expect(JSON.stringify(kept)).toContain('We will look at this next week.');
    const open311 = (
      await container('requests').item(seeded.open311Id, seeded.open311Id).read<Record<string, unknown>>()
    ).resource;
    expect(open311?.reporter).toBeUndefined();
    // The payment stays as a financial record, refund and all, without its payer.
    const payment = (await container('payments').item(seeded.paymentId, seeded.paymentId).read<PaymentDoc>()).resource;
    expect(payment).toMatchObject({ ownerId: 'erased', amount: 5000, refunds: [{ amount: 1000, by: 'fin' }] });
    // The other follower still follows the report.
    const theirs = await container('residents').item(`following:${seeded.followed}`, seeded.other).read();
    expect(theirs.resource).toBeDefined();
  });

  it('when a resident deletes their own account, then it is erased, and asking again is the same erasure', async () => {
    const r = aResident();
    await confirmContact(r.sub, 'email', r.email);
    const request = await report(r.sub, { description: `Mine ${r.token}` });
    await outboxPublished(cosmosOf(inject('appSettings').CosmosDb), [request]);
    const first = await call('DELETE', 'me', { as: r.sub });
    expect([200, 202]).toContain(first.status);
    const { id } = (await first.json()) as { id: string };
    expect(id).toBe(erasureJobId(r.sub));
    expect(id).not.toContain(r.sub);
    await erasureFinished(r.sub);
    expect(await unexplainedAfter([r.sub, r.email, r.token])).toEqual([]);
    const again = await call('DELETE', 'me', { as: r.sub });
    expect(((await again.json()) as { id: string }).id).toBe(id);
  });

  it('when the job dies after any step, then running it again (once its lease is out) finishes it, and every step ran to the end', async () => {
    const containers = {
      privacy: container('privacy'),
      residents: container('residents'),
      requests: container('requests'),
      payments: container('payments'),
      documents: container('documents'),
      idempotency: container('idempotency'),
    };
    const stores = cosmosErasureStores(containers, blobService());
    for (const crashAt of [
      'collect',
      'documents',
      'requests',
      'payments',
      'residents',
    ] as const satisfies readonly ErasureStep[]) {
      const r = aResident();
      await confirmContact(r.sub, 'email', r.email);
      expect((await call('PATCH', 'me', { as: r.sub, body: { name: r.name } })).status).toBe(200);
      const photo = await uploaded(r.sub, 'photo', `p-${r.token}.jpg`, jpegWithExif(), 'image/jpeg');
      const request = await report(r.sub, { description: `Crash test ${r.token}`, photos: [photo] });
      await outboxPublished(cosmosOf(inject('appSettings').CosmosDb), [request]);

      // A controllable clock: the lease a dead runner holds runs out when the test says so.
      let now = Date.parse('2030-01-01T00:00:00Z');
      const deps = (afterStep?: (s: ErasureStep) => void): ErasureDeps => ({
        stores,
        accessLog: cosmosAccessLog(container('audit')),
        now: () => new Date(now),
        leaseMs: 60_000,
        ...(afterStep ? { afterStep } : {}),
      });
      const holder = randomUUID();
      const job = await startErasure(r.sub, { by: 'resident', at: new Date(now).toISOString() }, deps(), holder);
      await expect(
        runErasure(
          job.id,
          deps((s) => {
            if (s === crashAt) throw new Error(`killed after ${s}`);
          }),
          holder,
        ),
      ).rejects.toThrow(`killed after ${crashAt}`);
      // While the dead runner's lease holds, nobody else takes the job.
      expect(await runErasure(job.id, deps())).toBe('busy');
      now += 61_000;
      await waitFor(async () => (await runErasure(job.id, deps())) === 'completed', {
        what: `the erasure killed after ${crashAt} to finish`,
      });
      const done = await stores.getJob(job.id);
      expect(done?.state).toBe('completed');
      expect(await unexplainedAfter([r.sub, r.email, r.name, r.token, photo])).toEqual([]);
      expect(await searchEveryBlob([photo])).toEqual([]);
    }
  }, 240_000);
});
