/**
 * Legal holds: the council's records system can hold a document (litigation, an
 * inquiry, a complaint to the Ombudsman); while held, retention and erasure keep its
 * file whatever their own rules say. Every step that deletes a document's file asks here.
 */
import type { DocumentDoc, LegalHold } from './model.js';

/** True while the document is under a legal hold, so its file must not be deleted. */
export const isOnLegalHold = (doc: { readonly legalHold?: LegalHold | undefined }): boolean =>
  doc.legalHold !== undefined;

export type { DocumentDoc, LegalHold };
