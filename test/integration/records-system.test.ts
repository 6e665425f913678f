/**
 * The records system hand-off (#18 item 1, decision 1100), end to end over the real
 * SDK and the API: the local records system (scripts/records.ts, what `npm run records`
 * runs) takes document.available from its own subscription, fetches the file with its
 * own token, files it against its case and answers on its own queue; legal holds keep
 * the file through erasure.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { ServiceBusClient } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { recordsSystemId } from '../../shared/catalogue/partners.js';
import { partnerInboundQueue } from '../../shared/messaging/topology.js';
import { fileAvailableDocuments, recordsMessage, type FilingCabinet } from '../../scripts/records.js';
import { localAppClients, requestClientCredentialsToken, requestDevToken } from '../../local/identity/provider.js';
import { aServiceRequest, admin, call, staff, tokenFor, tokenFrom } from '../support/api.js';
import { jpegWithExif, pdf } from '../support/files.js';
import { waitFor } from '../support/wait.js';

const bus = new ServiceBusClient(inject('appSettings').ServiceBus ?? '');
afterAll(() => bus.close());

const resident = () => `resident-${randomUUID().slice(0, 8)}`;
const cabinet: FilingCabinet = new Map();
const failing = new Map<string, number>();
const filingLog: string[] = [];
/** The records system's own app-only token, by the client credentials grant as in Entra (decision 1103). */
let appToken: Promise<string> | undefined;
const recordsSystemToken = () =>
  (appToken ??= requestClientCredentialsToken(
    inject('appSettings').WORKFORCE_OIDC_ISSUER ?? '',
    localAppClients.recordsSystem,
  ));
const recordsSystem = {
  apiBaseUrl: inject('hostUrl'),
  token: recordsSystemToken,
  cabinet,
  failing,
};

interface StaffDocView {
  status: string;
  recordsDocumentId?: string;
  legalHold?: { reference: string };
}

const timer = async (name: string) =>
  expect((await fetch(`${inject('hostUrl')}/admin/functions/${name}`, { method: 'POST', body: '{}' })).status).toBe(
    202,
  );

/** An upload the resident finishes; `beforePut` runs while it is still pending (e.g. reporting with it). */
async function uploaded(as: string, purpose: 'photo' | 'evidence', beforePut?: (id: string) => Promise<void>) {
  const [contentType, bytes] = purpose === 'photo' ? ['image/jpeg', jpegWithExif()] : ['application/pdf', pdf()];
  const issued = await call('POST', 'uploads', {
    as,
    body: { purpose, fileName: purpose === 'photo' ? 'pothole.jpg' : 'tenancy.pdf', contentType, size: bytes.length },
  });
  expect(issued.status).toBe(201);
  const { document, upload } = (await issued.json()) as {
    document: { id: string };
    upload: { url: string; headers: Record<string, string> };
  };
  await beforePut?.(document.id);
  expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes })).status).toBe(201);
  return document.id;
}

const staffDoc = async (id: string) =>
  (await (await call('GET', `documents/${id}`, { as: staff })).json()) as StaffDocView;

/** Runs the records system until it has filed `id` (other files' documents are filed along the way). */
const filed = (id: string) =>
  waitFor(
    async () => {
      await fileAvailableDocuments(bus, recordsSystem, 50, (line) => filingLog.push(line));
      return cabinet.get(id);
    },
    { what: `the records system to file ${id}`, timeout: 60_000 },
  );

/** Drains the records system's queue until staff see what `done` waits for. */
const staffSees = (id: string, done: (v: StaffDocView) => boolean) =>
  waitFor(
    async () => {
      await timer('records-inbound');
      const view = await staffDoc(id);
      return done(view) ? view : undefined;
    },
    { what: `document ${id} to show the records system's answer`, timeout: 60_000, interval: 250 },
  );

async function deadLettered(messageId: string): Promise<boolean> {
  const receiver = bus.createReceiver(partnerInboundQueue(recordsSystemId), { subQueueType: 'deadLetter' });
  try {
    for (let page = await receiver.peekMessages(100); page.length > 0; page = await receiver.peekMessages(100))
      if (page.some((m) => m.messageId === messageId)) return true;
    return false;
  } finally {
    await receiver.close();
  }
}

describe('the records system hand-off', { timeout: 120_000 }, () => {
  it('when a photo on a report becomes available, then the records system fetches it with its own identity, files it against the report, and staff see its records id', async () => {
    const who = resident();
    let requestId = '';
    const photo = await uploaded(who, 'photo', async (id) => {
      const created = await call('POST', 'requests', { as: who, body: aServiceRequest({ photos: [id] }) });
      expect(created.status).toBe(201);
      requestId = ((await created.json()) as { id: string }).id;
    });

    const record = await filed(photo);
    expect(record.caseKey).toBe(`request:${requestId}`);
    const view = await staffSees(photo, (v) => v.recordsDocumentId !== undefined);
    expect(view.recordsDocumentId).toBe(record.recordsDocumentId);
    // The resident's own view is not the records system's business.
    const own = (await (await call('GET', `documents/${photo}`, { as: who })).json()) as StaffDocView;
    expect(own.recordsDocumentId).toBeUndefined();

    // Only the records system's own identity may fetch this way; anyone else is refused.
    for (const other of [who, staff] as const) {
      const res = await call('GET', `records/documents/${photo}`, { as: other });
      expect(res.status).toBe(403);
    }
    // A resident-issuer token naming the records system's subject is still not the records system.
    const lookalike = await fetch(`${inject('hostUrl')}/api/records/documents/${photo}`, {
      headers: { authorization: `Bearer ${await tokenFor(recordsSystemId)}` },
    });
    expect(lookalike.status).toBe(403);
  });

  it('when a token is not the records system’s own app-only token with Records.Fetch, then the records endpoints refuse it', async () => {
    const doc = await uploaded(resident(), 'evidence');
    const settings = inject('appSettings');
    const workforce = settings.WORKFORCE_OIDC_ISSUER ?? '';
    const fetchWith = (token: string) =>
      fetch(`${inject('hostUrl')}/api/records/documents/${doc}`, { headers: { authorization: `Bearer ${token}` } });
    // The records system itself: served, with the file's metadata, once the file is checked (409 before).
    const own = await waitFor(
      async () => {
        const res = await fetchWith(await recordsSystemToken());
        return res.status === 409 ? undefined : res;
      },
      { what: `document ${doc} to be available` },
    );
    expect(own.status).toBe(200);
    expect(((await own.json()) as { documentId: string }).documentId).toBe(doc);

    const refused: [string, Promise<string>, 401 | 403][] = [
      // A person's token naming the records system's object (what the old check let through).
      ['a workforce person token with its subject', tokenFrom('workforce', recordsSystemId, []), 403],
      // The records system's object calling as an app, but without the app role granted.
      ['an app token without Records.Fetch', requestDevToken(workforce, recordsSystemId, [], { app: true }), 403],
      // Another app of the directory that was granted the role.
      [
        'another app with Records.Fetch',
        requestDevToken(workforce, 'another-app', ['Records.Fetch'], { app: true }),
        403,
      ],
      // The resident directory's app tokens are never accepted, whatever they name and claim.
      [
        'a resident-issuer app token',
        requestDevToken(settings.OIDC_ISSUER ?? '', recordsSystemId, ['Records.Fetch'], { app: true }),
        401,
      ],
    ];
    for (const [what, token, status] of refused)
      expect([what, (await fetchWith(await token)).status]).toEqual([what, status]);
    // Staff routes are for people: the records system's app token is not staff, nor a resident.
    const asApp = { authorization: `Bearer ${await recordsSystemToken()}` };
    expect((await fetch(`${inject('hostUrl')}/api/staff/requests`, { headers: asApp })).status).toBe(403);
    expect((await fetch(`${inject('hostUrl')}/api/me/consents`, { headers: asApp })).status).toBe(403);
  });

  it('when the same document.available is delivered twice, then it is filed once and the one receipt is applied once', async () => {
    const who = resident();
    const doc = await uploaded(who, 'evidence');
    const first = await filed(doc);
    expect(first.caseKey).toBe(`person:${who}`);
    await staffSees(doc, (v) => v.recordsDocumentId === first.recordsDocumentId);

    // At-least-once: the same event again (a redelivery, or a replay from the dead-letter queue).
    const sender = bus.createSender('events');
    await sender.sendMessages({
      messageId: randomUUID(),
      subject: 'uk.gov.doorstep.document.available',
      contentType: 'application/cloudevents+json; charset=utf-8',
      body: {
        specversion: '1.0',
        id: randomUUID(),
        source: '/doorstep/documents',
        type: 'uk.gov.doorstep.document.available',
        subject: doc,
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: await availableData(doc),
      },
    });
    await sender.close();
    await waitFor(
      async () => {
        await fileAvailableDocuments(bus, recordsSystem, 50, (line) => filingLog.push(line));
        return filingLog.filter((l) => l.startsWith(`${doc} filed`)).length >= 2;
      },
      { what: 'the repeated event to be handled', timeout: 60_000 },
    );
    expect([...cabinet.keys()].filter((k) => k === doc)).toHaveLength(1);
    // The receipt went again, with the same id: Doorstep keeps the one records id, and refuses nothing.
    await timer('records-inbound');
    expect((await staffDoc(doc)).recordsDocumentId).toBe(first.recordsDocumentId);
    expect(await deadLettered(`filed:${doc}:${first.recordsDocumentId}`)).toBe(false);
  });

  it('when filing fails, then the event is delivered again and the document is filed on a later delivery', async () => {
    const who = resident();
    let id = '';
    await uploaded(who, 'evidence', (documentId) => {
      id = documentId;
      failing.set(documentId, 2);
      return Promise.resolve();
    });
    const record = await filed(id);
    expect(failing.get(id)).toBe(0);
    expect(filingLog.filter((l) => l.startsWith(`${id} not filed`))).toHaveLength(2);
    // Delivered again by Service Bus, not sent again: a later delivery of the same message (its count says so).
    const done = filingLog.find((l) => l.startsWith(`${id} filed as ${record.recordsDocumentId}`));
    expect(Number(/\(delivery (\d+)\)/.exec(done ?? '')?.[1])).toBeGreaterThanOrEqual(2);
    await staffSees(id, (v) => v.recordsDocumentId === record.recordsDocumentId);
  });

  it('when the records system places a legal hold, then erasing the resident keeps the document and its file; a receipt under another id is refused', async () => {
    const who = resident();
    const doc = await uploaded(who, 'evidence');
    const record = await filed(doc);
    await staffSees(doc, (v) => v.recordsDocumentId === record.recordsDocumentId);

    const sender = bus.createSender(partnerInboundQueue(recordsSystemId));
    await sender.sendMessages(recordsMessage({ kind: 'legal-hold', documentId: doc, reference: 'LEGAL/2026/0193' }));
    const conflicting = recordsMessage({ kind: 'filed', documentId: doc, recordsDocumentId: 'EDRMS/9999/000001' });
    await sender.sendMessages(conflicting);
    await sender.close();
    const held = await staffSees(doc, (v) => v.legalHold !== undefined);
    expect(held.legalHold?.reference).toBe('LEGAL/2026/0193');
    await waitFor(() => deadLettered(String(conflicting.messageId)), { what: 'the second receipt to be refused' });

    const erase = await call('DELETE', 'me', { as: who });
    expect([200, 202]).toContain(erase.status);
    await waitFor(
      async () => {
        const res = await call('GET', `admin/residents/${encodeURIComponent(who)}/erasure`, { as: admin });
        if (((await res.json()) as { state: string }).state === 'completed') return true;
        await timer('privacy-jobs');
        return false;
      },
      { what: 'the erasure to finish', timeout: 60_000, interval: 250 },
    );
    expect((await staffDoc(doc)).legalHold?.reference).toBe('LEGAL/2026/0193');
    const blobs = BlobServiceClient.fromConnectionString(inject('appSettings').Storage ?? '');
    expect(await blobs.getContainerClient('documents').getBlockBlobClient(`evidence/${doc}`).exists()).toBe(true);
  });
});

/** The data the platform published for `id`, as the records system would have read it. */
async function availableData(id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${inject('hostUrl')}/api/records/documents/${id}`, {
    headers: { authorization: `Bearer ${await recordsSystemToken()}` },
  });
  const meta = (await res.json()) as { contentType: string; size: number; sha256: string; purpose: string };
  return {
    documentId: id,
    purpose: meta.purpose,
    status: 'available',
    contentType: meta.contentType,
    size: meta.size,
    sha256: meta.sha256,
    links: { metadata: `/api/records/documents/${id}`, content: `/api/records/documents/${id}/content` },
  };
}
