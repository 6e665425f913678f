/**
 * Legal holds: the council's records system can hold a document (litigation, an
 * inquiry, a complaint to the Ombudsman); while held, retention and erasure keep its
 * file whatever their own rules say. Every step that deletes a document's file asks here.
 *
 * In Azure the hold is also set on the blob itself (decision 1104), so that Storage's own
 * lifecycle rules, which cannot read Cosmos DB, cannot delete it either. The document record
 * is written first and is the truth; the blob's hold follows it (`blobHold`), applied
 * idempotently and retried until Storage has it.
 */
import type { BlobServiceClient } from '@azure/storage-blob';
import { documentContainers } from '../data/blob-containers.js';
import type { BlobHoldState, DocumentDoc, LegalHold } from './model.js';

/**
 * True while the document is under a legal hold, or its blob's hold is not yet known to be
 * lifted: its file must not be deleted (in Azure a delete of a held blob would fail anyway).
 */
export const isOnLegalHold = (doc: {
  readonly legalHold?: LegalHold | undefined;
  readonly blobHold?: BlobHoldState | undefined;
}): boolean => doc.legalHold !== undefined || doc.blobHold !== undefined;

/** Sets or clears a blob's legal hold in the documents container. */
export interface BlobLegalHolds {
  set(blobName: string, held: boolean): Promise<void>;
}

/**
 * `BlobClient.setLegalHold` (Set Legal Hold, REST 2020-10-02 and later). The container needs
 * version-level immutability support (infra); Azurite 3.37 answers 501 APINotImplemented, so the
 * local stack runs with LEGAL_HOLD_ON_BLOBS=off and tests use a plain fake for the state machine.
 */
export function azureBlobLegalHolds(
  service: BlobServiceClient,
  container: string = documentContainers.documents,
): BlobLegalHolds {
  const documents = service.getContainerClient(container);
  return {
    async set(blobName, held) {
      await documents.getBlobClient(blobName).setLegalHold(held);
    },
  };
}

/**
 * The blob hold a document wants after its legal hold was placed (`held`) or lifted, from
 * what it has now. Only a document whose file is in the documents container has a blob to hold.
 */
export function blobHoldAfter(doc: DocumentDoc, held: boolean): BlobHoldState | undefined {
  if (held) return doc.blobName ? (doc.blobHold === 'set' ? 'set' : 'set-pending') : doc.blobHold;
  return doc.blobHold === undefined ? undefined : 'clear-pending';
}

export type { BlobHoldState, DocumentDoc, LegalHold };
