/**
 * Uploads: residents get a short-lived, create-only URL into quarantine; the bytes
 * never pass through a function. When the malware scanner's result for the blob
 * arrives, `processScanResult` checks the scanned version's real content (signature,
 * size, verdict), strips photo metadata, copies it to the private documents
 * container and marks it available, or rejects it and deletes the blob. Nothing
 * rejected, and nothing unchecked, is ever served.
 */
import { createHash, randomUUID } from 'node:crypto';
import { conflict, notFound, validationFailed } from '../errors.js';
import { outboxEvent } from '../events/cloud-event.js';
import { isStaff, type Principal } from '../identity/principal.js';
import type { Page } from '../data/page-token.js';
import type { UploadBlobs } from './blob-store.js';
import { sniffType } from './file-signature.js';
import type { DocumentDoc, MyDocumentEntry, NewUpload, RejectionReason } from './model.js';
import { downloadUrlTtlMs, uploadPolicies, uploadUrlTtlMs } from './policy.js';
import { scanVerdict, type MalwareScanResult } from './scan-result.js';
import type { DocumentStore } from './store.js';
import { stripJpeg, stripPng, UnreadableImageError } from './strip-metadata.js';
import { isUuid } from '../data/ids.js';
import { myAccountEntry } from '../residents/my-account-entry.js';
import { recordsLinks } from '../records/links.js';

export interface UploadDeps {
  readonly documents: DocumentStore;
  readonly blobs: UploadBlobs;
  readonly now: () => Date;
}

export async function requestUpload(
  input: NewUpload,
  principal: Principal,
  deps: UploadDeps,
): Promise<{ document: DocumentDoc; uploadUrl: string; expiresAt: string }> {
  const policy = uploadPolicies[input.purpose];
  if (!policy.types.includes(input.contentType)) {
    throw validationFailed([
      { pointer: '/contentType', detail: `A ${input.purpose} must be ${policy.types.join(' or ')}.` },
    ]);
  }
  if (input.size > policy.maxBytes) {
    throw validationFailed([
      { pointer: '/size', detail: `A ${input.purpose} can be at most ${policy.maxBytes / 1024 / 1024} MB.` },
    ]);
  }
  const now = deps.now();
  const id = randomUUID();
  const expires = new Date(now.getTime() + uploadUrlTtlMs);
  const document = await deps.documents.create({
    id,
    pk: id,
    type: 'document',
    ownerId: principal.sub,
    purpose: input.purpose,
    fileName: input.fileName,
    declaredType: input.contentType,
    declaredSize: input.size,
    status: 'pending',
    // The blob's name is ours alone: nothing the resident sends becomes part of a path.
    quarantineBlob: `${input.purpose}/${id}`,
    createdAt: now.toISOString(),
    uploadExpiresAt: expires.toISOString(),
  });
  const uploadUrl = await deps.blobs.uploadUrl(document.quarantineBlob, input.contentType, expires);
  return { document, uploadUrl, expiresAt: expires.toISOString() };
}

export type ProcessOutcome = 'available' | `rejected:${RejectionReason}` | 'ignored' | 'stale';

/**
 * Acts on a malware scan result (Defender for Storage's event, or the local stand-in's).
 * The verdict holds only for the version of the blob it names: the bytes are read
 * with If-Match on that ETag (and checked against the scanner's SHA-256 when it gives
 * one), so a blob that changed after its scan is never copied to documents; the newer
 * version gets its own result. Safe to run twice.
 */
export async function processScanResult(result: MalwareScanResult, deps: UploadDeps): Promise<ProcessOutcome> {
  const blobName = deps.blobs.quarantineBlobName(result.blobUri);
  // Not this account's quarantine: nothing to do, and nothing of anyone else's is deleted.
  if (!blobName) return 'ignored';
  const id = /^(photo|evidence)\/([0-9a-f-]{36})$/.exec(blobName)?.[2];
  const doc = id && isUuid(id) ? await deps.documents.get(id) : undefined;
  if (!doc || doc.quarantineBlob !== blobName || doc.status !== 'pending') {
    // Unknown, or a second upload to a finished document's URL: it is never served.
    await deps.blobs.deleteQuarantine(blobName);
    return 'ignored';
  }
  const reject = (reason: RejectionReason) =>
    finish(doc, { status: 'rejected', rejection: reason }, deps).then(() => `rejected:${reason}` as const);
  const verdict = scanVerdict(result);
  if (verdict === 'blob-changed') return 'stale';
  // Fail closed: anything malicious or unscannable uploaded through the link ends the document.
  if (verdict === 'malicious') return reject('malware');
  if (verdict === 'failed') return reject('unscanned');
  const policy = uploadPolicies[doc.purpose];
  const read = await deps.blobs.readQuarantine(blobName, result.eTag, policy.maxBytes);
  if (read === undefined) return 'ignored';
  if (read === 'changed') return 'stale';
  if (read === 'too-large') return reject('too-large');
  const scanned = result.scanResultDetails?.sha256?.toLowerCase();
  if (scanned && sha256(read.bytes) !== scanned) return 'stale';
  if (read.size === 0) return reject('empty');
  const actual = sniffType(read.bytes);
  if (actual !== doc.declaredType) return reject('type-mismatch');
  let clean: Buffer;
  try {
    clean = !policy.stripMetadata
      ? read.bytes
      : actual === 'image/jpeg'
        ? stripJpeg(read.bytes)
        : actual === 'image/png'
          ? stripPng(read.bytes)
          : read.bytes;
  } catch (error) {
    if (error instanceof UnreadableImageError) return reject('unreadable');
    throw error;
  }
  const blob = `${policy.folder}/${doc.id}`;
  await deps.blobs.putDocument(blob, clean, actual, doc.fileName);
  await finish(doc, { status: 'available', blobName: blob, size: clean.length, sha256: sha256(clean) }, deps);
  return 'available';
}

/** Past the upload window, a result can still be on its way for this long. */
export const uploadCheckGraceMs = 60 * 60_000;

/**
 * Ends uploads that never finished: documents still pending an hour after their link
 * expired are rejected (their quarantine blob, with any uncommitted blocks, deleted),
 * and quarantine blobs older than any live link, committed or not, are deleted. Bounded
 * per run; the timer comes back for the rest.
 */
export async function sweepUploads(deps: UploadDeps, max = 100): Promise<{ expired: number; deleted: number }> {
  const now = deps.now().getTime();
  const cutoff = new Date(now - uploadCheckGraceMs);
  let expired = 0;
  for (const doc of await deps.documents.pendingExpiredBefore(cutoff.toISOString(), max)) {
    await finish(doc, { status: 'rejected', rejection: 'expired' }, deps);
    expired++;
  }
  const stale = await deps.blobs.staleQuarantine(new Date(now - uploadUrlTtlMs - uploadCheckGraceMs), max);
  for (const name of stale) await deps.blobs.deleteQuarantine(name);
  return { expired, deleted: stale.length };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function finish(doc: DocumentDoc, change: Partial<DocumentDoc>, deps: UploadDeps): Promise<void> {
  const now = deps.now();
  const next: DocumentDoc = { ...doc, ...change, checkedAt: now.toISOString() };
  const event = outboxEvent({
    partition: doc.pk,
    family: 'document',
    name: next.status === 'available' ? 'available' : 'rejected',
    subject: doc.id,
    now,
    routing: { purpose: doc.purpose },
    data: {
      documentId: doc.id,
      purpose: doc.purpose,
      status: next.status,
      ...(next.rejection ? { reason: next.rejection } : {}),
      // What the records system needs to fetch and check it (contracts/document-available.v1.schema.json).
      ...(next.status === 'available' && next.size !== undefined && next.sha256
        ? { contentType: doc.declaredType, size: next.size, sha256: next.sha256, links: recordsLinks(doc.id) }
        : {}),
    },
  });
  const saved = await deps.documents.replace(next, doc._etag ?? '', [event]);
  // Stale: another delivery of the same event finished it first; that one's result stands.
  if (saved !== 'stale') {
    const entry: MyDocumentEntry = myAccountEntry(
      'document',
      { id: doc.id, residentId: doc.ownerId, createdAt: doc.createdAt },
      { purpose: doc.purpose, fileName: doc.fileName, status: saved.status },
    );
    await deps.documents.putMyEntry(entry);
  }
  await deps.blobs.deleteQuarantine(doc.quarantineBlob);
}

export async function getDocument(
  id: string,
  principal: Principal,
  deps: Pick<UploadDeps, 'documents'>,
): Promise<DocumentDoc> {
  const doc = isUuid(id) ? await deps.documents.get(id) : undefined;
  if (!doc || (doc.ownerId !== principal.sub && !isStaff(principal))) throw notFound('The document');
  return doc;
}

/** A read-only link valid for minutes, for the owner or staff, once the file is available. */
export async function documentDownloadUrl(id: string, principal: Principal, deps: UploadDeps): Promise<string> {
  const doc = await getDocument(id, principal, deps);
  if (doc.status !== 'available' || !doc.blobName)
    throw conflict(
      doc.status === 'pending' ? 'The file is still being checked.' : 'The file was rejected and is not kept.',
    );
  return deps.blobs.downloadUrl(doc.blobName, doc.fileName, new Date(deps.now().getTime() + downloadUrlTtlMs));
}

export async function listMyDocuments(
  query: { pageSize: number; continuation?: string | undefined },
  principal: Principal,
  deps: Pick<UploadDeps, 'documents'>,
): Promise<Page<MyDocumentEntry>> {
  return deps.documents.listMine(principal.sub, query.pageSize, query.continuation);
}

/** Checks photos a resident attaches to a report: theirs, photos, and not rejected. */
export async function checkPhotos(
  ids: readonly string[],
  principal: Principal,
  deps: Pick<UploadDeps, 'documents'>,
): Promise<{ pointer: string; detail: string }[]> {
  const docs = await Promise.all(ids.map((id) => deps.documents.get(id)));
  return docs.flatMap((doc, i) =>
    !doc || doc.ownerId !== principal.sub || doc.purpose !== 'photo' || doc.status === 'rejected'
      ? [
          {
            pointer: `/photos/${i}`,
            detail:
              doc?.status === 'rejected'
                ? 'This photo failed its checks; upload another.'
                : 'Upload the photo through /api/uploads first.',
          },
        ]
      : [],
  );
}

/** A photo on a report, for partners (Open311 media_url): only once checked and stripped. */
export async function publicPhotoUrl(id: string, deps: UploadDeps): Promise<string> {
  const doc = isUuid(id) ? await deps.documents.get(id) : undefined;
  if (!doc || doc.purpose !== 'photo' || doc.status !== 'available' || !doc.blobName) throw notFound('The photo');
  return deps.blobs.downloadUrl(doc.blobName, doc.fileName, new Date(deps.now().getTime() + downloadUrlTtlMs));
}
