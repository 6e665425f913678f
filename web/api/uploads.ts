/**
 * Uploads as the site uses them: a create-only upload link from the API
 * (`POST /uploads`), the file put to it (by the browser, or streamed through
 * the site when JavaScript is off), then the document's check read back.
 */
import { z } from 'zod';
import { ApiError, ok, type DoorstepApi } from './client.js';
import type { StreamedFile } from '../http/multipart.js';

export type UploadPurpose = 'photo' | 'evidence';

const MB = 1024 * 1024;

/** What the API accepts for each purpose (shared/uploads/policy.ts), said to residents before they try. */
export const uploadRules: Readonly<
  Record<UploadPurpose, { readonly types: readonly string[]; readonly maxBytes: number; readonly typeNames: string }>
> = {
  photo: { types: ['image/jpeg', 'image/png'], maxBytes: 10 * MB, typeNames: 'a JPG or PNG' },
  evidence: {
    types: ['application/pdf', 'image/jpeg', 'image/png'],
    maxBytes: 20 * MB,
    typeNames: 'a PDF, JPG or PNG',
  },
};

/** The most photos one report may carry (the API's `photos` array). */
export const maxReportPhotos = 5;

export const documentView = z.object({
  id: z.string(),
  purpose: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  status: z.enum(['pending', 'available', 'rejected']),
  rejection: z.object({ reason: z.string(), detail: z.string() }).optional(),
  size: z.number(),
  createdAt: z.string(),
  checkedAt: z.string().nullable(),
});
export type DocumentView = z.infer<typeof documentView>;

const uploadLinkView = z.object({
  document: documentView,
  upload: z.object({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()) }),
});
export type UploadLink = z.infer<typeof uploadLinkView>;

/** The check, as residents read it. */
export const checkNames: Record<DocumentView['status'], string> = {
  pending: 'Checking',
  available: 'Ready',
  rejected: 'Not accepted',
};
const checkTags: Record<DocumentView['status'], string> = {
  pending: 'govuk-tag--light-blue',
  available: 'govuk-tag--green',
  rejected: 'govuk-tag--red',
};

/** A document for a template: its name, its check and, once available, where the site shows it. */
export function documentItem(d: DocumentView) {
  return {
    id: d.id,
    fileName: d.fileName,
    status: d.status,
    statusName: checkNames[d.status],
    tagClass: checkTags[d.status],
    reason: d.rejection?.detail,
    fileUrl: d.status === 'available' ? `/my-account/documents/${encodeURIComponent(d.id)}/file` : undefined,
    isImage: d.contentType.startsWith('image/'),
  };
}
export type DocumentItem = ReturnType<typeof documentItem>;

/** The message a resident sees when the file is not one the API takes; undefined when it is. */
export function refusal(
  purpose: UploadPurpose,
  file: { fileName: string; contentType: string; size: number },
  noun: string,
): string | undefined {
  const rules = uploadRules[purpose];
  if (file.fileName === '' && file.size === 0) return `Select a ${noun}`;
  if (file.size === 0) return `The selected ${noun} is empty`;
  if (!rules.types.includes(file.contentType)) return `The selected ${noun} must be ${rules.typeNames}`;
  if (file.size > rules.maxBytes) return `The selected ${noun} must be smaller than ${rules.maxBytes / MB}MB`;
  return undefined;
}

/**
 * Asks the API for an upload link. A 422 (a name, type or size the API refuses) comes back
 * as its message for the resident; anything else is thrown.
 */
export async function uploadLink(
  api: DoorstepApi,
  purpose: UploadPurpose,
  file: { fileName: string; contentType: string; size: number },
): Promise<UploadLink | { refused: string }> {
  const result = await api.POST('/uploads', {
    body: {
      purpose,
      // The API refuses path-like names: a plain name is kept, anything else is replaced.
      fileName: plainName(file.fileName, purpose),
      contentType: file.contentType as 'image/jpeg',
      size: file.size,
    },
  });
  try {
    return uploadLinkView.parse(ok(result));
  } catch (error) {
    if (error instanceof ApiError && error.status === 422)
      return { refused: error.problem.errors?.[0]?.detail ?? error.problem.title ?? 'The file cannot be uploaded' };
    throw error;
  }
}

function plainName(name: string, purpose: UploadPurpose): string {
  const base = name.split(/[/\\]/).pop()?.trim() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/\.{2,}/g, '.')
    .replace(/^\.+/, '');
  return (clean === '' ? purpose : clean).slice(0, 200);
}

/** Puts a file streamed through the site to its upload link, as one Put Blob of its exact length. */
export async function putStreamed(link: UploadLink, file: StreamedFile): Promise<void> {
  const response = await fetch(link.upload.url, {
    method: 'PUT',
    headers: { ...link.upload.headers, 'content-length': String(file.size) },
    body: file.stream(),
    duplex: 'half',
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the upload link answered ${response.status}`);
}

export async function getDocument(api: DoorstepApi, id: string): Promise<DocumentView> {
  return documentView.parse(ok(await api.GET('/documents/{id}', { params: { path: { id } } })));
}

/** The documents the resident owns among `ids` (others, and ones gone, are left out). */
export async function documentsOf(api: DoorstepApi, ids: readonly string[]): Promise<DocumentView[]> {
  const found = await Promise.all(
    ids.map((id) =>
      getDocument(api, id).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 404) return undefined;
        throw error;
      }),
    ),
  );
  return found.filter((d): d is DocumentView => d !== undefined);
}

/** The short-lived read link the API hands out for an available document. */
export async function documentFileUrl(api: DoorstepApi, id: string): Promise<string | undefined> {
  // openapi-fetch has read the (empty) body already.
  const { response } = await api.GET('/documents/{id}/content', { params: { path: { id } }, redirect: 'manual' });
  if (response.status === 404) throw new ApiError(404, {});
  if (response.status === 401) throw new ApiError(401, {});
  const location = response.headers.get('location');
  return response.status === 302 && location ? location : undefined;
}
