/**
 * Legal hold (agreed contract with records-care, who owns the feature): a document
 * record may carry `legalHold`, set by staff when litigation, an inquiry or an
 * ombudsman case needs it kept. While it is there no retention or erasure step
 * deletes the document or its file; the hold names who set it and why, so lifting
 * it is an accountable act too.
 */
export interface LegalHold {
  readonly by: string;
  readonly at: string;
  readonly reference: string;
}

export const isOnLegalHold = (doc: { readonly legalHold?: LegalHold | null }): boolean =>
  doc.legalHold !== undefined && doc.legalHold !== null;
