/**
 * The queues of the staff roles that have no triage queue (decisions 1031, 1032):
 * refunds awaiting a second finance approver, and what awaits a moderator, with the
 * moderator's own read of one report.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { accessReasonHeader, recordStaffAccess, type AccessEntry } from '../shared/audit/access-log.js';
import { pageBody } from '../shared/http/page.js';
import { parseQuery } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { authenticate, requireRole, type Principal } from '../shared/identity/principal.js';
import { readForModeration, readPhotoForModeration, toModerationView } from '../shared/open311/moderation.js';
import { moderationQueue } from '../shared/open311/moderation-queue.js';
import { listRefundsAwaitingApproval } from '../shared/payments/payments.js';
import { depsFor } from '../shared/platform/deps.js';
import { listMineQuery } from '../shared/service-requests/schemas.js';
import type { ServiceRequestDoc } from '../shared/service-requests/model.js';
import { etagOf } from '../shared/service-requests/views.js';
import { publicPhotoUrl } from '../shared/uploads/uploads.js';

export async function getRefundsAwaitingApproval(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the query: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'finance');
  const page = await listRefundsAwaitingApproval(
    parseQuery(request, listMineQuery),
    principal,
    await depsFor.payments(),
  );
  return json(
    200,
    pageBody(page, (r) => r),
  );
}

export async function getModerationQueue(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'moderator');
  const page = await moderationQueue(parseQuery(request, listMineQuery), principal, await depsFor.moderationQueue());
  return json(
    200,
    pageBody(page, (r) => r),
  );
}

/**
 * What the reporter wrote or sent is theirs: each moderator's read is audited before it is
 * answered, naming the report, or the photo when that is what was opened.
 */
const auditModeration = async (
  request: HttpRequest,
  principal: Principal,
  found: ServiceRequestDoc,
  what: AccessEntry['what'] = { type: 'request', id: found.id },
) =>
  recordStaffAccess(
    await depsFor.accessLog(),
    principal,
    found.residentId,
    what,
    'request.moderate',
    request.headers.get(accessReasonHeader),
  );

export async function getForModeration(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'moderator');
  const found = await readForModeration(request.params.id ?? '', principal, await depsFor.moderationQueue());
  await auditModeration(request, principal, found);
  return json(200, toModerationView(found), { etag: etagOf(found) });
}

/**
 * One of a report's stored photos for a moderator, who may hold no staff role and so cannot
 * read documents: only a photo of that report, audited as moderation before the link is given.
 */
export async function getPhotoForModeration(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'moderator');
  const found = await readPhotoForModeration(
    { id: request.params.id ?? '', photoId: request.params.photoId ?? '' },
    principal,
    await depsFor.moderationQueue(),
  );
  const photoId = request.params.photoId ?? '';
  await auditModeration(request, principal, found, { type: 'document', id: photoId });
  const url = await publicPhotoUrl(photoId, await depsFor.uploads());
  return { status: 302, headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
}
