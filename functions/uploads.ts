import type { EventGridEvent, HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { authenticate, isStaff } from '../shared/identity/principal.js';
import { parseJson, parseQuery } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { logEvent } from '../shared/observability/log.js';
import { depsFor } from '../shared/platform/deps.js';
import { listMineQuery } from '../shared/service-requests/schemas.js';
import { newUploadSchema, toDocumentView } from '../shared/uploads/model.js';
import {
  documentDownloadUrl,
  getDocument,
  listMyDocuments,
  processScanResult,
  publicPhotoUrl,
  requestUpload,
  sweepUploads,
} from '../shared/uploads/uploads.js';
import { malwareScanResultEventSchema } from '../shared/uploads/scan-result.js';
import { publishedPhotoId } from '../shared/open311/open311.js';
import { pageBody } from '../shared/http/page.js';
import { accessReasonHeader, recordStaffAccess } from '../shared/audit/access-log.js';

export async function createUpload(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.uploads();
  const input = await parseJson(request, newUploadSchema, 4 * 1024);
  const { document, uploadUrl, expiresAt } = await requestUpload(input, principal, deps);
  return json(
    201,
    {
      document: toDocumentView(document),
      upload: {
        url: uploadUrl,
        method: 'PUT',
        headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': input.contentType },
        expiresAt,
      },
    },
    { location: `/api/documents/${document.id}` },
  );
}

/** The caller's document, its reading by staff recorded in the access audit before anything is returned. */
async function readDocument(request: HttpRequest, purpose: 'document.read' | 'document.download') {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.uploads();
  const doc = await getDocument(request.params.id ?? '', principal, deps);
  await recordStaffAccess(
    await depsFor.accessLog(),
    principal,
    doc.ownerId,
    { type: 'document', id: doc.id },
    purpose,
    request.headers.get(accessReasonHeader),
  );
  return { doc, principal, deps };
}

export async function getOneDocument(request: HttpRequest): Promise<HttpResponseInit> {
  const { doc, principal } = await readDocument(request, 'document.read');
  return json(200, toDocumentView(doc, isStaff(principal)));
}

export async function getDocumentContent(request: HttpRequest): Promise<HttpResponseInit> {
  const { doc, principal, deps } = await readDocument(request, 'document.download');
  const url = await documentDownloadUrl(doc.id, principal, deps);
  return { status: 302, headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
}

export async function getMyDocuments(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.uploads();
  const page = await listMyDocuments(parseQuery(request, listMineQuery), principal, deps);
  return json(
    200,
    pageBody(page, (e) => ({ id: e.documentId, uploadedAt: e.at, ...e.summary })),
  );
}

/** A report's photo for partners and Open311 clients: only once checked and stripped. */
export async function getRequestPhoto(request: HttpRequest): Promise<HttpResponseInit> {
  const photoId = await publishedPhotoId(
    request.params.id ?? '',
    Number(request.params.index),
    await depsFor.open311(),
  );
  return {
    status: 302,
    headers: {
      location: await publicPhotoUrl(photoId, await depsFor.uploads()),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
  };
}

/**
 * Event Grid: Defender for Storage's malware scan result for a quarantine blob. A thrown
 * error makes Event Grid deliver again; an event that is not a scan result never will be.
 */
export async function scanUpload(event: EventGridEvent, context: InvocationContext): Promise<void> {
  const parsed = malwareScanResultEventSchema.safeParse(event);
  if (!parsed.success) {
    logEvent(context, 'warn', 'upload.scan-result-unreadable', { eventType: event.eventType, eventId: event.id });
    return;
  }
  const outcome = await processScanResult(parsed.data.data, await depsFor.uploads());
  logEvent(context, 'info', 'upload.processed', { outcome, correlationId: parsed.data.data.correlationId });
}

/** Timer: uploads that never finished are ended, and what they left in quarantine deleted. */
export async function sweepUploadsTimer(_timer: Timer, context: InvocationContext): Promise<void> {
  const swept = await sweepUploads(await depsFor.uploads());
  logEvent(context, 'info', 'uploads.swept', swept);
}
