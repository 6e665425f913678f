/**
 * What every page that takes a file does, whichever way the file comes:
 * - without JavaScript, the form's file streamed through the site to the upload link;
 * - with JavaScript, `link` hands the browser an upload link, the browser puts the file
 *   there itself, then posts the form again with only the document's id (`claim`).
 * Error messages have one source: the enhancement script falls back to the plain form
 * whenever the site refuses, so the resident reads the same inline error either way.
 */
import type { PageRequest, PageResult } from '../http/page.js';
import { getDocument, putStreamed, refusal, uploadLink, type UploadPurpose } from '../api/uploads.js';
import { ApiError } from '../api/client.js';

export type Received = { readonly id: string } | { readonly error: string } | undefined;

/**
 * The file in a multipart POST, sent on to a new upload link: its document id, the
 * resident's error, or undefined when the form carried no file part at all.
 */
export async function receiveFile(page: PageRequest, purpose: UploadPurpose, noun: string): Promise<Received> {
  const file = page.file;
  if (!file) return undefined;
  // The size is known before a byte of the file is read: an over-size file is refused unread.
  const problem = refusal(purpose, file, noun);
  if (problem) {
    await file.discard();
    return { error: problem };
  }
  const link = await uploadLink(page.api(), purpose, file);
  if ('refused' in link) {
    await file.discard();
    return { error: link.refused };
  }
  try {
    await putStreamed(link, file);
  } catch {
    // Cut short or refused by storage: nothing was created under the link, so nothing is kept.
    return { error: `The ${noun} could not be sent. Try again` };
  }
  return { id: link.document.id };
}

/** The enhancement script's request for an upload link (same-origin, CSRF-checked). */
export async function link(
  page: PageRequest,
  purpose: UploadPurpose,
  noun: string,
  full?: string,
): Promise<PageResult> {
  if (page.request.method !== 'POST') return { json: { error: 'POST only' }, status: 405 };
  if (full) return { json: { error: full }, status: 400 };
  const file = {
    fileName: page.form.get('fileName') ?? '',
    contentType: page.form.get('contentType') ?? '',
    size: Number(page.form.get('size') ?? 0),
  };
  if (!Number.isSafeInteger(file.size) || file.size < 0) return { json: { error: `Select a ${noun}` }, status: 400 };
  const problem = refusal(purpose, file, noun);
  if (problem) return { json: { error: problem }, status: 400 };
  const made = await uploadLink(page.api(), purpose, file);
  if ('refused' in made) return { json: { error: made.refused }, status: 400 };
  return { json: { documentId: made.document.id, url: made.upload.url, headers: made.upload.headers } };
}

/** After the browser put the file to its link itself: the document, if it is the resident's and for this purpose. */
export async function claim(page: PageRequest, purpose: UploadPurpose): Promise<string | undefined> {
  const id = page.form.get('documentId') ?? '';
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  try {
    const document = await getDocument(page.api(), id);
    return document.purpose === purpose ? document.id : undefined;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}
