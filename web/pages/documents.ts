/**
 * Sending the council a document (evidence) from My Account, then following its
 * check: pending → available, or rejected with the reason. The file goes to a
 * create-only upload link as photos do (upload-steps.ts); the document then
 * shows in My Account's timeline once checked.
 */
import { documentFileUrl, documentItem, getDocument, uploadRules } from '../api/uploads.js';
import type { PageHandler } from '../http/page.js';
import { claim, link, receiveFile } from './upload-steps.js';

const noun = 'file';

export const newDocument: PageHandler = async (page) => {
  let error: string | undefined;
  if (page.request.method === 'POST') {
    const claimed = page.form.has('documentId') ? await claim(page, 'evidence') : undefined;
    const received = claimed ? { id: claimed } : await receiveFile(page, 'evidence', noun);
    if (received && 'id' in received) return { redirect: `/my-account/documents/${encodeURIComponent(received.id)}` };
    error = received?.error ?? `Select a ${noun}`;
  }
  return {
    view: 'document-new',
    status: error ? 400 : 200,
    data: {
      maxMb: uploadRules.evidence.maxBytes / 1024 / 1024,
      accept: uploadRules.evidence.types.join(','),
      errors: error ? [{ text: error, href: '#document' }] : [],
      documentError: error ? { text: error } : undefined,
    },
  };
};

/** The enhancement script's upload link for one document. */
export const documentLink: PageHandler = (page) => link(page, 'evidence', noun);

export const oneDocument: PageHandler = async (page) => {
  const document = documentItem(await getDocument(page.api(), page.request.params.id ?? ''));
  return { view: 'document', data: { document } };
};

/** A checked document of the resident's (or a photo on their report), from its short-lived read link. */
export const documentFile: PageHandler = async (page) => {
  const url = await documentFileUrl(page.api(), page.request.params.id ?? '');
  return url ? { redirect: url } : { view: 'not-found', status: 404 };
};
