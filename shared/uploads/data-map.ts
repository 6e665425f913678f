/** The data map of uploaded documents and photos (see shared/data-map/classification.ts). */
import type { FieldMap, RecordMap } from '../data-map/classification.js';
import type { DocumentDoc, MyDocumentEntry } from './model.js';
import { myAccountEntryDataMap } from '../residents/my-account-entry.js';

export const documentDataMap: RecordMap<DocumentDoc> = {
  record: 'document',
  retention: ['document-photo', 'document-evidence', 'records-document-id', 'document-legal-hold'],
  title: 'Uploaded document or photo (its record)',
  kind: 'cosmos',
  where: 'Cosmos DB `documents` (type `document`, pk = document id)',
  purpose: 'Take evidence for applications and photos of reported problems, checked for malware before use.',
  basis: ['public-task'],
  recipients: ['resident', 'staff', 'records-system'],
  fields: {
    id: { class: 'none' },
    pk: { class: 'none' },
    type: { class: 'none' },
    ownerId: { class: 'personal', note: 'the resident who uploaded it' },
    purpose: { class: 'none' },
    fileName: { class: 'free-text', note: 'the name the resident’s file had, which may name them' },
    declaredType: { class: 'none' },
    declaredSize: { class: 'none' },
    status: { class: 'none' },
    rejection: { class: 'none' },
    quarantineBlob: { class: 'none' },
    blobName: { class: 'none' },
    size: { class: 'none' },
    sha256: { class: 'none' },
    createdAt: { class: 'none' },
    uploadExpiresAt: { class: 'none' },
    checkedAt: { class: 'none' },
    records: { class: 'none', note: 'the records system’s own document id and when it filed the file' },
    legalHold: { class: 'none', note: 'the records system’s id, a time and its case reference' },
    blobHold: { class: 'none', note: 'whether Blob Storage holds the file too (decision 1104)' },
    _etag: { class: 'none' },
  },
};

export const myDocumentEntryDataMap = myAccountEntryDataMap<MyDocumentEntry>({
  kind: 'document',
  purpose: 'List a resident’s own uploads in My Account.',
  basis: ['public-task'],
  fields: {
    documentId: { class: 'none' },
    summary: { class: 'free-text', note: 'purpose, status and the file’s name' },
  },
});

/** A stored file: its content is whatever the resident uploaded. */
export interface StoredFile {
  readonly content: unknown;
}

const fileFields: FieldMap<StoredFile> = {
  content: { class: 'free-text', note: 'the file itself; photos stripped of location and camera metadata (0702)' },
};

export const photoBlobDataMap: RecordMap<StoredFile> = {
  record: 'photo',
  retention: ['document-photo', 'quarantine-upload'],
  title: 'Photo file',
  kind: 'blob',
  where: 'Blob Storage `documents/photos/` (and `quarantine/` until checked)',
  purpose: 'Show the problem to staff, the back office doing the job and (unless a moderator hides it) the public.',
  basis: ['public-task'],
  recipients: ['resident', 'staff', 'work-orders', 'open311-public', 'records-system'],
  fields: fileFields,
};

export const evidenceBlobDataMap: RecordMap<StoredFile> = {
  record: 'document',
  retention: ['document-evidence', 'quarantine-upload'],
  title: 'Evidence file',
  kind: 'blob',
  where: 'Blob Storage `documents/evidence/` (and `quarantine/` until checked)',
  purpose:
    'Evidence for an application (blue badge, council tax): read by the resident, staff and the council’s records system.',
  basis: ['public-task'],
  recipients: ['resident', 'staff', 'records-system'],
  fields: fileFields,
};

/** The data of `uk.gov.doorstep.document.*` events (uploads.ts `finish`). */
export interface DocumentEventData {
  readonly documentId: string;
  readonly purpose: string;
  readonly status: string;
  readonly reason?: string;
  readonly contentType?: string;
  readonly size?: number;
  readonly sha256?: string;
  readonly links?: { readonly metadata: string; readonly content: string };
}

export const documentEventDataMap: RecordMap<DocumentEventData> = {
  record: 'document',
  title: 'Document events (available, rejected)',
  kind: 'event',
  where: 'Service Bus topic `events`, type `uk.gov.doorstep.document.*`',
  purpose: 'Tell the resident their file was checked; let council systems know.',
  basis: ['public-task'],
  recipients: ['events'],
  fields: {
    documentId: { class: 'none' },
    purpose: { class: 'none' },
    status: { class: 'none' },
    reason: { class: 'none', note: 'a rejection code' },
    contentType: { class: 'none' },
    size: { class: 'none' },
    sha256: { class: 'none' },
    links: { class: 'none', note: 'API paths the records system fetches with its own token (no credential)' },
  },
};
