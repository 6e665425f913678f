/**
 * The records system hand-off (#18 item 1, decision 1100). The records system hears
 * `document.available` on its own subscription and fetches the file with its own
 * identity from the API (each read recorded as a partner's access); it answers on
 * its own queue with its own document id, and may place or release a legal hold,
 * which retention and erasure honour (legal-hold.ts).
 */
import { conflict, forbidden, notFound } from '../errors.js';
import type { AccessLog } from '../audit/access-log.js';
import { accessPurposes } from '../audit/access-log.js';
import { recordsSystemId } from '../catalogue/partners.js';
import { isUuid } from '../data/ids.js';
import { retryWhileStale } from '../data/retry-stale.js';
import { AppError } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import type { UploadBlobs } from '../uploads/blob-store.js';
import { blobHoldAfter, type BlobLegalHolds } from '../uploads/legal-hold.js';
import type { BlobHoldState, DocumentDoc } from '../uploads/model.js';
import type { DocumentStore } from '../uploads/store.js';
import { jsonBody } from '../messaging/message-body.js';
import { recordsMessageSchema, type RecordsDocumentView, type RecordsMessage } from './contract.js';

/** A minute: the records system follows the redirect at once; a replayed event fetches again. */
export const recordsReadLinkTtlMs = 60_000;

export interface RecordsDeps {
  readonly documents: Pick<DocumentStore, 'get' | 'replace'>;
  readonly blobs: Pick<UploadBlobs, 'downloadUrl'>;
  readonly accessLog: Pick<AccessLog, 'record'>;
  /** The reports a photo is attached to (the case it is filed against). */
  requestsWithPhoto(photoId: string): Promise<string[]>;
  /** The records system's subject (config RECORDS_SYSTEM_PRINCIPAL); undefined: nobody is. */
  readonly recordsPrincipal: string | undefined;
  /**
   * Sets the file's own hold in Blob Storage (decision 1104); undefined where Storage cannot
   * (LEGAL_HOLD_ON_BLOBS=off: Azurite), and then the document record alone holds the file.
   */
  readonly blobHolds: BlobLegalHolds | undefined;
  readonly now: () => Date;
}

/**
 * The app role the Doorstep API's registration defines for the records system and an
 * administrator grants to its service principal (an application permission, decision 1103).
 */
export const recordsAppRole = 'Records.Fetch';

/**
 * The records system is an application of the council's own directory calling as itself
 * (decision 1103): an app-only token from the workforce issuer (never the resident issuer,
 * whatever it names), whose `oid` is the records system's service principal, holding the
 * Records.Fetch app role. A person's token is refused even when it names that object or was
 * issued to the records system's client: the records system acts for no one person.
 */
function requireRecordsSystem(principal: Principal, deps: Pick<RecordsDeps, 'recordsPrincipal'>): void {
  if (
    !deps.recordsPrincipal ||
    principal.issuer !== 'workforce' ||
    !principal.app ||
    principal.sub !== deps.recordsPrincipal ||
    !principal.app.appRoles.has(recordsAppRole)
  )
    throw forbidden('Only the council’s records system may fetch documents this way.');
}

async function availableDocument(id: string, deps: Pick<RecordsDeps, 'documents'>): Promise<DocumentDoc> {
  const doc = isUuid(id) ? await deps.documents.get(id) : undefined;
  if (!doc) throw notFound('The document');
  if (doc.status !== 'available' || !doc.blobName)
    throw conflict(
      doc.status === 'pending' ? 'The file is still being checked.' : 'The file was rejected and is not kept.',
    );
  return doc;
}

/** Recorded before anything is returned: a partner's read of a resident's file is audited like staff's. */
async function recordRead(
  doc: DocumentDoc,
  principal: Principal,
  purpose: 'records.metadata' | 'records.content',
  deps: RecordsDeps,
) {
  await deps.accessLog.record({
    residentId: doc.ownerId,
    actor: { sub: principal.sub, roles: [recordsSystemId], kind: 'partner' },
    what: { type: 'document', id: doc.id },
    why: accessPurposes[purpose],
  });
}

export async function documentForRecords(
  id: string,
  principal: Principal,
  deps: RecordsDeps,
): Promise<RecordsDocumentView> {
  requireRecordsSystem(principal, deps);
  const doc = await availableDocument(id, deps);
  const requestIds = doc.purpose === 'photo' ? await deps.requestsWithPhoto(doc.id) : [];
  await recordRead(doc, principal, 'records.metadata', deps);
  return {
    documentId: doc.id,
    purpose: doc.purpose,
    fileName: doc.fileName,
    contentType: doc.declaredType,
    size: doc.size ?? doc.declaredSize,
    sha256: doc.sha256 ?? '',
    uploadedAt: doc.createdAt,
    checkedAt: doc.checkedAt ?? doc.createdAt,
    case: { residentId: doc.ownerId, requestIds },
    recordsDocumentId: doc.records?.documentId ?? null,
    legalHold: doc.legalHold ? { reference: doc.legalHold.reference, at: doc.legalHold.at } : null,
  };
}

/** A read link valid for a minute, minted when the records system asks (never carried in a message). */
export async function documentContentForRecords(id: string, principal: Principal, deps: RecordsDeps): Promise<string> {
  requireRecordsSystem(principal, deps);
  const doc = await availableDocument(id, deps);
  await recordRead(doc, principal, 'records.content', deps);
  return deps.blobs.downloadUrl(
    doc.blobName ?? '',
    doc.fileName,
    new Date(deps.now().getTime() + recordsReadLinkTtlMs),
  );
}

export const recordsRejectReasons = [
  'InvalidJson',
  'SchemaValidationFailed',
  'UnknownDocument',
  'DocumentNotAvailable',
  'AlreadyFiled',
  'HoldReferenceMismatch',
] as const;
export type RecordsRejectReason = (typeof recordsRejectReasons)[number];

export type RecordsOutcome =
  | { readonly outcome: 'applied' | 'duplicate' }
  | { readonly outcome: 'rejected'; readonly reason: RecordsRejectReason; readonly description: string };

const reject = (reason: RecordsRejectReason, description: string): RecordsOutcome => ({
  outcome: 'rejected',
  reason,
  description,
});

/**
 * Applies one message from the records system's own queue. A repeat has no second
 * effect (the same receipt, the same hold); a thrown error is a dependency failing,
 * and the message is delivered again.
 */
export async function applyRecordsMessage(
  m: RecordsMessage,
  deps: Pick<RecordsDeps, 'documents' | 'now' | 'blobHolds'>,
): Promise<RecordsOutcome> {
  const outcome = await retryWhileStale(
    5,
    async (): Promise<RecordsOutcome | 'stale'> => {
      const doc = await deps.documents.get(m.documentId);
      if (!doc) return reject('UnknownDocument', '/documentId: no document has that id.');
      const next = change(doc, m, deps.now(), deps.blobHolds !== undefined);
      if ('outcome' in next) return next;
      const saved = await deps.documents.replace(next, doc._etag ?? '', []);
      return saved === 'stale' ? 'stale' : { outcome: 'applied' };
    },
    () => new AppError('conflict', 'The document kept changing; the message will be delivered again.'),
  );
  // The record first, then the blob: a repeat of the message (redelivered because the blob
  // step threw) finds the record done and finishes the blob step.
  if (outcome.outcome !== 'rejected' && m.kind !== 'filed' && deps.blobHolds)
    await syncBlobHold(m.documentId, { ...deps, blobHolds: deps.blobHolds });
  return outcome;
}

/**
 * Brings the blob's legal hold to what the document record wants (decision 1104), then records
 * that it did. Setting a hold Storage already has, or clearing one it has not, is harmless, so
 * a step interrupted anywhere is simply done again. Throws while Storage refuses.
 */
export async function syncBlobHold(
  documentId: string,
  deps: Pick<RecordsDeps, 'documents'> & { readonly blobHolds: BlobLegalHolds },
): Promise<BlobHoldState | undefined> {
  return retryWhileStale(
    5,
    async (): Promise<BlobHoldState | undefined | 'stale'> => {
      const doc = await deps.documents.get(documentId);
      if (!doc?.blobName || (doc.blobHold !== 'set-pending' && doc.blobHold !== 'clear-pending')) return doc?.blobHold;
      const held = doc.blobHold === 'set-pending';
      await deps.blobHolds.set(doc.blobName, held);
      const { blobHold: _done, ...rest } = doc;
      const saved = await deps.documents.replace(held ? { ...rest, blobHold: 'set' } : rest, doc._etag ?? '', []);
      // Changed meanwhile (another hold or release): read again and bring the blob to that.
      return saved === 'stale' ? 'stale' : saved.blobHold;
    },
    () => new AppError('conflict', 'The document kept changing; the message will be delivered again.'),
  );
}

function change(doc: DocumentDoc, m: RecordsMessage, now: Date, onBlobs: boolean): DocumentDoc | RecordsOutcome {
  switch (m.kind) {
    case 'filed':
      if (doc.records?.documentId === m.recordsDocumentId) return { outcome: 'duplicate' };
      if (doc.records)
        return reject('AlreadyFiled', '/recordsDocumentId: the document was already filed under another id.');
      if (doc.status !== 'available')
        return reject('DocumentNotAvailable', '/documentId: the document is not available to file.');
      return { ...doc, records: { documentId: m.recordsDocumentId, filedAt: now.toISOString() } };
    case 'legal-hold':
      if (doc.legalHold?.reference === m.reference) {
        // The same hold again; only a hold placed before blob holds were turned on has more to do.
        const want = onBlobs ? blobHoldAfter(doc, true) : doc.blobHold;
        return want === doc.blobHold ? { outcome: 'duplicate' } : withBlobHold(doc, want);
      }
      // A second hold with another reference replaces the first: still held, under the newer case.
      return withBlobHold(
        { ...doc, legalHold: { by: recordsSystemId, at: now.toISOString(), reference: m.reference } },
        onBlobs ? blobHoldAfter(doc, true) : doc.blobHold,
      );
    case 'hold-released': {
      if (!doc.legalHold) return { outcome: 'duplicate' };
      if (doc.legalHold.reference !== m.reference)
        return reject('HoldReferenceMismatch', '/reference: the document is held under another reference.');
      const { legalHold: _released, ...rest } = doc;
      return withBlobHold(rest, onBlobs ? blobHoldAfter(doc, false) : doc.blobHold);
    }
  }
}

function withBlobHold(doc: DocumentDoc, blobHold: BlobHoldState | undefined): DocumentDoc {
  const { blobHold: _was, ...rest } = doc;
  return blobHold === undefined ? rest : { ...rest, blobHold };
}

/** How one received message ends: complete, dead-letter with a reason, or abandon to be delivered again. */
export type RecordsSettlement =
  | { readonly action: 'complete'; readonly outcome: 'applied' | 'duplicate' }
  | { readonly action: 'dead-letter'; readonly reason: RecordsRejectReason; readonly description: string }
  | { readonly action: 'abandon'; readonly error: string };

/** Parses and applies one message body from `partner-inbound-records-system`. */
export async function handleRecordsMessage(
  body: unknown,
  deps: Pick<RecordsDeps, 'documents' | 'now' | 'blobHolds'>,
): Promise<RecordsSettlement> {
  const json = jsonBody(body);
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { action: 'dead-letter', reason: 'InvalidJson', description: 'The body must be a JSON object.' };
  const parsed = recordsMessageSchema.safeParse(json);
  if (!parsed.success)
    return {
      action: 'dead-letter',
      reason: 'SchemaValidationFailed',
      description: parsed.error.issues
        .map((i) => `/${i.path.map(String).join('/')}: ${i.message}`)
        .join('; ')
        .slice(0, 1000),
    };
  try {
    const result = await applyRecordsMessage(parsed.data, deps);
    return result.outcome === 'rejected'
      ? { action: 'dead-letter', reason: result.reason, description: result.description }
      : { action: 'complete', outcome: result.outcome };
  } catch (error) {
    return { action: 'abandon', error: error instanceof Error ? error.name : 'unknown' };
  }
}
