/**
 * What residents may upload, per purpose. HEIC is not accepted: its metadata
 * cannot yet be stripped reliably here, and browsers (iOS Safari included)
 * convert HEIC photos to JPEG on upload.
 */
export const purposes = ['photo', 'evidence'] as const;
export type Purpose = (typeof purposes)[number];

export const fileTypes = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type FileType = (typeof fileTypes)[number];

export interface PurposePolicy {
  readonly types: readonly FileType[];
  readonly maxBytes: number;
  /** Folder in the documents container; lifecycle rules (shared/data/retention.ts) key on it. */
  readonly folder: string;
  readonly stripMetadata: boolean;
}

const MB = 1024 * 1024;

export const uploadPolicies: Readonly<Record<Purpose, PurposePolicy>> = {
  photo: { types: ['image/jpeg', 'image/png'], maxBytes: 10 * MB, folder: 'photos', stripMetadata: true },
  evidence: {
    types: ['application/pdf', 'image/jpeg', 'image/png'],
    maxBytes: 20 * MB,
    folder: 'evidence',
    stripMetadata: true,
  },
};

/** How long an upload URL can be used: long enough for a 20 MB upload on a slow phone. */
export const uploadUrlTtlMs = 10 * 60_000;
/** How long a download link lasts once handed out. */
export const downloadUrlTtlMs = 5 * 60_000;
