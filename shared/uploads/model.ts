/**
 * An uploaded document or photo, from the upload URL being issued to the file
 * being available (checked, stripped, private) or rejected.
 */
import { z } from 'zod';
import type { MyAccountEntry } from '../residents/my-account.js';
import { fileTypes, purposes, type FileType, type Purpose } from './policy.js';

export const documentStatuses = ['pending', 'available', 'rejected'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];

export const documentTransitions: Readonly<Record<DocumentStatus, readonly DocumentStatus[]>> = {
  pending: ['available', 'rejected'],
  available: [],
  rejected: [],
};

export type RejectionReason =
  'empty' | 'too-large' | 'type-mismatch' | 'malware' | 'unreadable' | 'unscanned' | 'expired';

export const rejectionText: Readonly<Record<RejectionReason, string>> = {
  empty: 'The file was empty.',
  'too-large': 'The file is larger than allowed for this purpose.',
  'type-mismatch': 'The file’s content is not the type it was declared as.',
  malware: 'The file failed the virus check.',
  unreadable: 'The image could not be read, so its location data could not be removed.',
  unscanned: 'The file could not be checked for viruses. Upload it again.',
  expired: 'The file did not arrive, or could not be checked, in time. Upload it again.',
};

export interface DocumentDoc {
  readonly id: string;
  readonly pk: string;
  readonly type: 'document';
  readonly ownerId: string;
  readonly purpose: Purpose;
  readonly fileName: string;
  readonly declaredType: FileType;
  readonly declaredSize: number;
  readonly status: DocumentStatus;
  readonly rejection?: RejectionReason;
  /** Blob name in the quarantine container, then in the documents container. */
  readonly quarantineBlob: string;
  readonly blobName?: string;
  readonly size?: number;
  readonly sha256?: string;
  readonly createdAt: string;
  readonly uploadExpiresAt: string;
  readonly checkedAt?: string;
  /** The records system's own id for the filed copy, once it says it filed it (shown to staff). */
  readonly records?: { readonly documentId: string; readonly filedAt: string };
  /** Set by the records system: while held, no retention or erasure step deletes the file. */
  readonly legalHold?: LegalHold;
  /**
   * The file's own legal hold in Blob Storage (decision 1104), when LEGAL_HOLD_ON_BLOBS is on:
   * `set-pending` until Storage has it, `set`, then `clear-pending` after release until Storage
   * has cleared it (absent again). While present the file is never deleted.
   */
  readonly blobHold?: BlobHoldState;
  readonly _etag?: string;
}

export type BlobHoldState = 'set-pending' | 'set' | 'clear-pending';

/** A legal hold placed by the council's records system (who, when, and its case reference). */
export interface LegalHold {
  readonly by: string;
  readonly at: string;
  readonly reference: string;
}

/** The owner's My Account entry for the document (residents container, pk = resident). */
export interface MyDocumentEntry extends MyAccountEntry {
  readonly kind: 'document';
  readonly documentId: string;
  readonly summary: { readonly purpose: string; readonly fileName: string; readonly status: string };
}

// Names are for people only: they never become a path. Anything path-like is refused.
const fileName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(
    (n) =>
      !/[/\\\u0000-\u001f\u007f]/.test(n) &&
      !n.split('.').every((p) => p === '') &&
      !n.startsWith('.') &&
      !n.includes('..'),
    'Use a plain file name, without folders',
  );

export const newUploadSchema = z.strictObject({
  purpose: z.enum(purposes),
  fileName,
  contentType: z.enum(fileTypes, { message: `Upload ${fileTypes.join(', ')}` }),
  size: z
    .int()
    .min(1, 'The file is empty')
    .max(100 * 1024 * 1024),
});
export type NewUpload = z.output<typeof newUploadSchema>;

export const toDocumentView = (d: DocumentDoc, forStaff = false) => ({
  id: d.id,
  purpose: d.purpose,
  fileName: d.fileName,
  contentType: d.declaredType,
  status: d.status,
  ...(d.rejection ? { rejection: { reason: d.rejection, detail: rejectionText[d.rejection] } } : {}),
  size: d.size ?? d.declaredSize,
  createdAt: d.createdAt,
  checkedAt: d.checkedAt ?? null,
  // Where staff find the filed copy, and why it cannot be deleted: the records system's business, not the resident's.
  ...(forStaff && d.records ? { recordsDocumentId: d.records.documentId } : {}),
  ...(forStaff && d.legalHold ? { legalHold: { reference: d.legalHold.reference, at: d.legalHold.at } } : {}),
});
