/** Where the records system fetches a document: API paths, never a credential (decision 1100). */
export const recordsLinks = (documentId: string) => ({
  metadata: `/api/records/documents/${documentId}`,
  content: `/api/records/documents/${documentId}/content`,
});
