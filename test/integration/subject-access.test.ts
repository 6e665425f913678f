/**
 * Subject access (#16 item 2): a resident's export holds every item of theirs, as
 * files and JSON, and nothing of anyone else's, tested with a report two residents follow.
 */
import { CosmosClient } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { BlobServiceClient } from '@azure/storage-blob';
import { cosmosAccessLog } from '../../shared/audit/access-log.js';
import { exportMine, getExport, sweepExports, type ExportDeps } from '../../shared/privacy/export.js';
import { govUkNotify } from '../../shared/notifications/notify-client.js';
import { notifyTemplatesSchema } from '../../shared/notifications/templates.js';
import { cosmosProfileStore } from '../../shared/residents/profile.js';
import { notifyPrivacyNotices } from '../../shared/privacy/notices.js';
import { cosmosExportStores } from '../../shared/privacy/store.js';
import { admin, aServiceRequest, call } from '../support/api.js';
import { confirmContact, sentTo } from '../support/contacts.js';
import { jpegWithExif, unzip } from '../support/files.js';
import { cosmosOf } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';

const client = new CosmosClient({
  endpoint: cosmosOf(inject('appSettings').CosmosDb).endpoint,
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
const db = client.database('doorstep');
afterAll(() => client.dispose());

async function uploadPhoto(as: string): Promise<string> {
  const bytes = jpegWithExif();
  const issued = (await (
    await call('POST', 'uploads', {
      as,
      body: { purpose: 'photo', fileName: 'pothole.jpg', contentType: 'image/jpeg', size: bytes.length },
    })
  ).json()) as { document: { id: string }; upload: { url: string; headers: Record<string, string> } };
  expect((await fetch(issued.upload.url, { method: 'PUT', headers: issued.upload.headers, body: bytes })).status).toBe(
    201,
  );
  await waitFor(
    async () =>
      ((await (await call('GET', `documents/${issued.document.id}`, { as })).json()) as { status: string }).status ===
      'available',
    { what: 'the photo to be available' },
  );
  return issued.document.id;
}

const report = async (as: string, description: string, photos: string[] = []) =>
  (
    (await (await call('POST', 'requests', { as, body: aServiceRequest({ description, photos }) })).json()) as {
      id: string;
    }
  ).id;

describe('subject access export', () => {
  it('when a resident asks for their data, then one archive holds all of theirs and nothing of the other follower’s or reporter’s', async () => {
    const tag = randomUUID().slice(0, 8);
    const alice = `alice-${tag}`;
    const carol = `carol-${tag}`;
    const bob = `bob-${tag}`;
    await confirmContact(alice, 'email', `alice.${tag}@example.com`);
    await confirmContact(carol, 'email', `carol.${tag}@example.com`);
    const photo = await uploadPhoto(alice);
    const mine = await report(alice, `Alice's pothole ${tag}`, [photo]);
    const theirs = await report(bob, `Bob saw it, ring Bob on 07700900999 ${tag}`);
    for (const who of [alice, carol])
      await db.container('residents').items.upsert({
        id: `following:${theirs}`,
        residentId: who,
        kind: 'following',
        requestId: theirs,
        at: new Date().toISOString(),
      });
    const paymentId = randomUUID();
    const at = new Date().toISOString();
    await db.container('payments').items.create({
      id: paymentId,
      pk: paymentId,
      type: 'payment',
      ownerId: alice,
      itemCode: 'garden-waste',
      description: 'Garden waste collection, one year',
      amount: 5000,
      status: 'success',
      attempt: 1,
      refunds: [
        { id: randomUUID(), amount: 1000, status: 'success', source: 'doorstep', by: 'fin', at, updatedAt: at },
      ],
      audit: [],
      createdAt: at,
      updatedAt: at,
    });
    await cosmosAccessLog(db.container('audit')).record({
      residentId: alice,
      at,
      actor: { sub: 'sam', roles: ['staff'], kind: 'staff' },
      what: { type: 'request', id: mine },
      why: 'answering a phone call',
    });

    // Her sign-ins are recorded (at most daily, beside her profile) before she asks.
    await waitFor(
      async () => (await db.container('residents').item('activity', alice).read<{ lastSeenOn?: string }>()).resource,
      { what: 'her last sign-in to be recorded' },
    );
    const asked = await call('POST', 'me/exports', { as: alice });
    expect(asked.status).toBe(202);
    const { id } = (await asked.json()) as { id: string };
    expect((await call('GET', `me/exports/${id}`, { as: carol })).status).toBe(404);
    const ready = await waitFor(
      async () => {
        const view = (await (await call('GET', `me/exports/${id}`, { as: alice })).json()) as {
          state: string;
          downloadUrl?: string;
        };
        if (view.state === 'ready') return view;
        await fetch(`${inject('hostUrl')}/admin/functions/privacy-jobs`, { method: 'POST', body: '{}' });
        return undefined;
      },
      { what: 'the export to be ready' },
    );
    const files = unzip(Buffer.from(await (await fetch(ready.downloadUrl ?? '')).arrayBuffer()));
    const data = JSON.parse(files.get('export.json')?.toString() ?? '{}') as {
      profile: { contact: { email: string } };
      accountActivity?: { lastSeenOn?: string };
      requests: { id: string; description: string }[];
      following: { requestId: string; serviceName?: string }[];
      payments: { id: string; refunds: unknown[] }[];
      staffAccess: { why: string }[];
    };
    expect(data.profile.contact.email).toBe(`alice.${tag}@example.com`);
    expect(data.accountActivity?.lastSeenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(data.requests.map((r) => r.id)).toEqual([mine]);
    expect(data.following).toEqual([
      expect.objectContaining({ requestId: theirs, serviceName: expect.any(String) as string }),
    ]);
    expect(data.payments).toEqual([expect.objectContaining({ id: paymentId, refunds: [expect.anything()] })]);
    expect(data.staffAccess).toEqual([expect.objectContaining({ why: 'answering a phone call' })]);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['summary.txt', `files/${photo}-pothole.jpg`]));
    expect(files.get('summary.txt')?.toString()).toContain('Requests you reported: 1');
    for (const [name, bytes] of files)
      for (const other of [bob, carol, 'Bob saw it', '07700900999', `carol.${tag}`])
        expect(bytes.toString('latin1'), `${name} holds ${other}`).not.toContain(other);

    // Told by GOV.UK Notify, at the confirmed address: a link to the site's page and a date, nothing else.
    const [told, ...again] = await waitFor(
      async () => {
        const sent = (await sentTo(inject('govukNotifyUrl'), `alice.${tag}@example.com`)).filter((n) =>
          n.templateName.startsWith('Your data is ready'),
        );
        return sent.length > 0 ? sent : undefined;
      },
      { what: 'the export-ready email' },
    );
    expect(again).toEqual([]);
    expect(told?.personalisation).toEqual({
      link: `${inject('appSettings').MY_ACCOUNT_URL ?? ''}/exports/${id}`,
      available_until: expect.stringMatching(/^\d{1,2} [A-Z][a-z]+ \d{4}$/) as string,
    });
    expect(JSON.stringify(told)).not.toMatch(/sig=|exports\/[^/]+\.zip|blob/i);
    expect(
      (await sentTo(inject('govukNotifyUrl'), `carol.${tag}@example.com`)).filter((n) =>
        n.templateName.startsWith('Your data is ready'),
      ),
    ).toEqual([]);
  });

  it('when an admin exports for a resident who wrote in, then the export is recorded in the access audit', async () => {
    const who = `letter-${randomUUID().slice(0, 8)}`;
    const asked = await call('POST', `admin/residents/${who}/exports`, {
      as: admin,
      body: { reason: 'Subject access request by letter' },
    });
    expect(asked.status).toBe(202);
    const entries = await cosmosAccessLog(db.container('audit')).listForResident(who);
    expect(entries).toEqual([
      expect.objectContaining({
        what: { type: 'export', id: who },
        actor: expect.objectContaining({ sub: 'ada' }) as unknown,
      }),
    ]);
  });

  it('when an export is older than its rule (a clock moved 8 days on), then the timer deletes the archive and the link is gone', async () => {
    const who = `expiry-${randomUUID().slice(0, 8)}`;
    const asked = await call('POST', 'me/exports', { as: who });
    const { id } = (await asked.json()) as { id: string };
    const blobs = BlobServiceClient.fromConnectionString(inject('appSettings').Storage ?? '');
    let now = Date.now();
    const deps: ExportDeps = {
      exports: cosmosExportStores(
        {
          privacy: db.container('privacy'),
          residents: db.container('residents'),
          requests: db.container('requests'),
          payments: db.container('payments'),
          documents: db.container('documents'),
        },
        blobs,
        'account-key',
      ),
      accessLog: cosmosAccessLog(db.container('audit')),
      now: () => new Date(now),
      leaseMs: 60_000,
    };
    const principal = { sub: who, issuer: 'resident' as const, roles: new Set(['resident'] as const) };
    await waitFor(
      async () => {
        await sweepExports(deps);
        return (await getExport(id, principal, deps)).state === 'ready';
      },
      { what: 'the export to be ready' },
    );
    const archive = blobs.getContainerClient('exports').getBlobClient(`${id}.zip`);
    expect(await archive.exists()).toBe(true);
    await sweepExports(deps);
    expect(await archive.exists()).toBe(true);
    now += 8 * 86_400_000;
    await sweepExports(deps);
    expect(await archive.exists()).toBe(false);
    expect(await getExport(id, principal, deps)).toEqual(expect.objectContaining({ state: 'expired' }));
    expect(await getExport(id, principal, deps)).not.toHaveProperty('downloadUrl');
  });

  it('when GOV.UK Notify cannot be reached as the export becomes ready, then the archive is ready anyway and the timer tells the resident once it can', async () => {
    const tag = randomUUID().slice(0, 8);
    const who = `told-${tag}`;
    const email = `told.${tag}@example.com`;
    await confirmContact(who, 'email', email);
    const settings = inject('appSettings');
    const containers = {
      privacy: db.container('privacy'),
      residents: db.container('residents'),
      requests: db.container('requests'),
      payments: db.container('payments'),
      documents: db.container('documents'),
    };
    const noticesAt = (baseUrl: string) =>
      notifyPrivacyNotices({
        profiles: cosmosProfileStore(containers.residents),
        notify: govUkNotify({ baseUrl, apiKey: settings.GOVUK_NOTIFY_API_KEY ?? '', timeoutMs: 10_000 }),
        templates: notifyTemplatesSchema.parse(JSON.parse(settings.GOVUK_NOTIFY_TEMPLATES ?? '{}')),
        myAccountUrl: settings.MY_ACCOUNT_URL ?? '',
      });
    const deps = (notices: ReturnType<typeof noticesAt>): ExportDeps => ({
      exports: cosmosExportStores(
        containers,
        BlobServiceClient.fromConnectionString(settings.Storage ?? ''),
        'account-key',
      ),
      accessLog: cosmosAccessLog(db.container('audit')),
      now: () => new Date(),
      leaseMs: 60_000,
      notices,
    });
    const readyEmails = async () =>
      (await sentTo(inject('govukNotifyUrl'), email)).filter((n) => n.templateName.startsWith('Your data is ready'));

    // Nothing listens on port 9 here: Notify is unreachable, with no switch another test file shares.
    const job = await exportMine(
      { sub: who, issuer: 'resident', roles: new Set(['resident'] as const) },
      deps(noticesAt('http://127.0.0.1:9')),
    );
    expect(job.state).toBe('ready');
    expect(job).not.toHaveProperty('told');
    expect(await readyEmails()).toEqual([]);

    await waitFor(
      async () => {
        await sweepExports(deps(noticesAt(inject('govukNotifyUrl'))));
        const j = (await db.container('privacy').item(job.id, job.id).read<{ told?: string }>()).resource;
        return j?.told === 'sent';
      },
      { what: 'the resident to be told' },
    );
    expect((await readyEmails()).length).toBeGreaterThanOrEqual(1);
  });

  it('when the resident has no confirmed contact, then the export is ready and nothing is sent to an unconfirmed address', async () => {
    const who = `unconfirmed-${randomUUID().slice(0, 8)}`;
    const asked = await call('POST', 'me/exports', { as: who });
    const { id } = (await asked.json()) as { id: string };
    const job = await waitFor(
      async () => {
        const j = (await db.container('privacy').item(id, id).read<{ state: string; told?: string }>()).resource;
        if (j?.state === 'ready' && j.told) return j;
        await fetch(`${inject('hostUrl')}/admin/functions/privacy-jobs`, { method: 'POST', body: '{}' });
        return undefined;
      },
      { what: 'the export to be ready' },
    );
    expect(job.told).toBe('unreachable');
  });
});
