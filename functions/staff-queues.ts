/**
 * The queues of the staff roles that have no triage queue (decisions 1031, 1032):
 * refunds awaiting a second finance approver, and what awaits a moderator, with the
 * moderator's own read of one report.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { accessReasonHeader, recordStaffAccess } from '../shared/audit/access-log.js';
import { pageBody } from '../shared/http/page.js';
import { parseQuery } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import { readForModeration, toModerationView } from '../shared/open311/moderation.js';
import { moderationQueue } from '../shared/open311/moderation-queue.js';
import { listRefundsAwaitingApproval } from '../shared/payments/payments.js';
import { depsFor } from '../shared/platform/deps.js';
import { listMineQuery } from '../shared/service-requests/schemas.js';
import { etagOf } from '../shared/service-requests/views.js';

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

export async function getForModeration(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'moderator');
  const found = await readForModeration(request.params.id ?? '', principal, await depsFor.moderationQueue());
  // What the reporter wrote is theirs: the read is audited as moderation, before it is answered.
  await recordStaffAccess(
    await depsFor.accessLog(),
    principal,
    found.residentId,
    { type: 'request', id: found.id },
    'request.moderate',
    request.headers.get(accessReasonHeader),
  );
  return json(200, toModerationView(found), { etag: etagOf(found) });
}
