/**
 * The blob's own legal hold follows the document record (decision 1104): the record first,
 * then `setLegalHold` on the blob, idempotent and retried by redelivery until Storage has it.
 * Plain fakes for the document store and for Storage's hold (Azurite cannot set one: see
 * test/local/blob-legal-hold.test.ts); the Service Bus and Cosmos paths are covered by
 * test/integration/records-system.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { handleRecordsMessage, syncBlobHold } from '../../shared/records/records.js';
import { recordsMessageSchemaId } from '../../shared/records/contract.js';
import { isOnLegalHold, type BlobLegalHolds } from '../../shared/uploads/legal-hold.js';
import type { DocumentDoc } from '../../shared/uploads/model.js';

const id = '5b1d3c2e-8f4a-4b6c-9d0e-1f2a3b4c5d6e';

function documents(initial: Partial<DocumentDoc> = {}) {
  let version = 1;
  let doc: DocumentDoc = {
    id,
    pk: id,
    type: 'document',
    ownerId: 'alice',
    purpose: 'evidence',
    fileName: 'tenancy.pdf',
    declaredType: 'application/pdf',
    declaredSize: 10,
    status: 'available',
    quarantineBlob: `evidence/${id}`,
    blobName: `evidence/${id}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    uploadExpiresAt: '2026-01-01T00:15:00.000Z',
    _etag: '"1"',
    ...initial,
  };
  return {
    current: () => doc,
    get: (docId: string) => Promise.resolve(docId === id ? doc : undefined),
    replace: (next: DocumentDoc, ifMatch: string) => {
      if (ifMatch !== doc._etag) return Promise.resolve('stale' as const);
      doc = { ...next, _etag: `"${String(++version)}"` };
      return Promise.resolve(doc);
    },
  };
}

/** Storage's hold: refuses the first `failures` calls, as Storage does when it is unreachable. */
function storage(failures = 0) {
  const calls: [string, boolean][] = [];
  const held = new Set<string>();
  let left = failures;
  const holds: BlobLegalHolds = {
    set(blobName, on) {
      calls.push([blobName, on]);
      if (left > 0) {
        left--;
        return Promise.reject(Object.assign(new Error('Storage unavailable'), { statusCode: 503 }));
      }
      if (on) held.add(blobName);
      else held.delete(blobName);
      return Promise.resolve();
    },
  };
  return { holds, calls, held };
}

const message = (kind: 'legal-hold' | 'hold-released', reference = 'LEGAL/2026/0193') => ({
  schema: recordsMessageSchemaId,
  kind,
  documentId: id,
  sentAt: '2026-11-30T05:00:00.000Z',
  reference,
});
const now = () => new Date('2026-11-30T05:00:00.000Z');

describe('the blob legal hold follows the record', () => {
  it('when the records system places a hold, then the record is written and the blob is held, and the record says so', async () => {
    const docs = documents();
    const blob = storage();
    const settled = await handleRecordsMessage(message('legal-hold'), { documents: docs, now, blobHolds: blob.holds });
    expect(settled).toEqual({ action: 'complete', outcome: 'applied' });
    expect(blob.held.has(`evidence/${id}`)).toBe(true);
    expect(docs.current()).toMatchObject({ legalHold: { reference: 'LEGAL/2026/0193' }, blobHold: 'set' });
  });

  it('when Storage refuses, then the record still holds the file, the message is delivered again, and the repeat sets the blob hold once Storage answers', async () => {
    const docs = documents();
    const blob = storage(2);
    const deps = { documents: docs, now, blobHolds: blob.holds };
    // The record first: retention and erasure already keep the file while the blob step fails.
    expect((await handleRecordsMessage(message('legal-hold'), deps)).action).toBe('abandon');
    expect(docs.current()).toMatchObject({ legalHold: { reference: 'LEGAL/2026/0193' }, blobHold: 'set-pending' });
    expect(isOnLegalHold(docs.current())).toBe(true);
    expect((await handleRecordsMessage(message('legal-hold'), deps)).action).toBe('abandon');
    // The third delivery of the same message: a duplicate for the record, and the blob step done.
    expect(await handleRecordsMessage(message('legal-hold'), deps)).toEqual({
      action: 'complete',
      outcome: 'duplicate',
    });
    expect(docs.current().blobHold).toBe('set');
    expect(blob.held.has(`evidence/${id}`)).toBe(true);
    // Once done, a further repeat asks Storage nothing more.
    const before = blob.calls.length;
    await handleRecordsMessage(message('legal-hold'), deps);
    expect(blob.calls.length).toBe(before);
  });

  it('when the hold is released, then the blob hold is cleared, and until Storage has cleared it retention still keeps the file', async () => {
    const docs = documents({ legalHold: { by: 'records-system', at: now().toISOString(), reference: 'R1' } });
    const blob = storage();
    await handleRecordsMessage(message('legal-hold', 'R1'), { documents: docs, now, blobHolds: blob.holds });
    expect(docs.current().blobHold).toBe('set');

    const failing = storage(1);
    const deps = { documents: docs, now, blobHolds: failing.holds };
    expect((await handleRecordsMessage(message('hold-released', 'R1'), deps)).action).toBe('abandon');
    expect(docs.current().legalHold).toBeUndefined();
    expect(docs.current().blobHold).toBe('clear-pending');
    // Released in the record, but Storage may still hold the blob: nothing deletes the file yet.
    expect(isOnLegalHold(docs.current())).toBe(true);
    expect(await handleRecordsMessage(message('hold-released', 'R1'), deps)).toEqual({
      action: 'complete',
      outcome: 'duplicate',
    });
    expect(docs.current().blobHold).toBeUndefined();
    expect(failing.calls.at(-1)).toEqual([`evidence/${id}`, false]);
    expect(isOnLegalHold(docs.current())).toBe(false);
  });

  it('when the hold is released before Storage ever held the blob, then the blob is cleared anyway and a new hold sets it again', async () => {
    const docs = documents();
    const down = storage(1);
    await handleRecordsMessage(message('legal-hold', 'R1'), { documents: docs, now, blobHolds: down.holds });
    expect(docs.current().blobHold).toBe('set-pending');
    const up = storage();
    const deps = { documents: docs, now, blobHolds: up.holds };
    await handleRecordsMessage(message('hold-released', 'R1'), deps);
    expect(docs.current().blobHold).toBeUndefined();
    await handleRecordsMessage(message('legal-hold', 'R2'), deps);
    expect(up.calls).toEqual([
      [`evidence/${id}`, false],
      [`evidence/${id}`, true],
    ]);
    expect(docs.current()).toMatchObject({ legalHold: { reference: 'R2' }, blobHold: 'set' });
  });

  it('when blob holds are off (LEGAL_HOLD_ON_BLOBS=off, as on Azurite), then the record alone holds the file and Storage is never asked', async () => {
    const docs = documents();
    const settled = await handleRecordsMessage(message('legal-hold'), { documents: docs, now, blobHolds: undefined });
    expect(settled).toEqual({ action: 'complete', outcome: 'applied' });
    expect(docs.current().blobHold).toBeUndefined();
    expect(isOnLegalHold(docs.current())).toBe(true);
  });

  it('when the document changes between Storage’s answer and the record’s write, then the blob is brought to the newer wish', async () => {
    const docs = documents({ blobHold: 'set-pending' });
    const blob = storage();
    const racing: BlobLegalHolds = {
      async set(name, on) {
        await blob.holds.set(name, on);
        // A release lands while Storage is answering the hold.
        if (on) {
          const d = docs.current();
          await docs.replace({ ...d, blobHold: 'clear-pending' }, d._etag ?? '');
        }
      },
    };
    expect(await syncBlobHold(id, { documents: docs, blobHolds: racing })).toBeUndefined();
    expect(blob.calls).toEqual([
      [`evidence/${id}`, true],
      [`evidence/${id}`, false],
    ]);
    expect(blob.held.size).toBe(0);
  });
});
