import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { dispatchOf } from '../shared/dispatch/dispatch.js';
import { toDispatchView } from '../shared/dispatch/model.js';
import { authenticate, isStaff, requireRole } from '../shared/identity/principal.js';
import { idempotencyKey, parseJson, parseQuery, requireIfMatch } from '../shared/http/request.js';
import { json, publicJson } from '../shared/http/response.js';
import { depsFor } from '../shared/platform/deps.js';
import {
  nearbyQuery,
  newServiceRequestSchema,
  staffListQuery,
  staffUpdateSchema,
} from '../shared/service-requests/schemas.js';
import {
  findNearby,
  getServiceRequest,
  submitServiceRequest,
  updateByStaff,
} from '../shared/service-requests/service-requests.js';
import { etagOf, toResidentView, toStaffView } from '../shared/service-requests/views.js';
import { accessReasonHeader, recordStaffAccess } from '../shared/audit/access-log.js';
import { checkAssignment, listTeams, triageQueue } from '../shared/service-requests/triage.js';

export async function createServiceRequest(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.serviceRequests();
  const key = idempotencyKey(request);
  const body = await parseJson(request, newServiceRequestSchema, 16 * 1024);
  const { request: created, replay } = await submitServiceRequest({ body, idempotencyKey: key }, principal, deps);
  return json(201, toResidentView(created), {
    etag: etagOf(created),
    location: `/api/requests/${created.id}`,
    ...(replay ? { 'idempotent-replayed': 'true' } : {}),
  });
}

export async function getOneServiceRequest(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const found = await getServiceRequest(request.params.id ?? '', principal, await depsFor.serviceRequests());
  if (!isStaff(principal)) return json(200, toResidentView(found), { etag: etagOf(found) });
  await recordStaffAccess(
    await depsFor.accessLog(),
    principal,
    found.residentId,
    { type: 'request', id: found.id },
    'request.read',
    request.headers.get(accessReasonHeader),
  );
  // Staff also see where it was sent and how that went.
  const dispatch = await dispatchOf(found.id, principal, await depsFor.dispatch());
  return json(
    200,
    { ...toStaffView(found), dispatch: dispatch ? toDispatchView(dispatch) : null },
    { etag: etagOf(found) },
  );
}

export async function getNearby(request: HttpRequest): Promise<HttpResponseInit> {
  const query = parseQuery(request, nearbyQuery);
  return publicJson({ items: await findNearby(query, await depsFor.serviceRequests()) }, 30);
}

export async function getStaffRequests(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the query: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'staff');
  const query = parseQuery(request, staffListQuery);
  const queue = await triageQueue(query, principal, await depsFor.triage());
  const accessLog = await depsFor.accessLog();
  // One entry per report shown: each carries its reporter.
  await Promise.all(
    queue.items.map(({ request: r }) =>
      recordStaffAccess(
        accessLog,
        principal,
        r.residentId,
        { type: 'request', id: r.id },
        'request.list',
        request.headers.get(accessReasonHeader),
      ),
    ),
  );
  return json(200, {
    items: queue.items.map(({ request: r, overdue }) => ({ ...toStaffView(r), overdue })),
    ...(queue.continuation ? { continuation: queue.continuation } : {}),
    ...(queue.counts ? { counts: queue.counts } : {}),
  });
}

export async function getStaffTeams(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  return json(200, { items: listTeams(principal, await depsFor.triage()) });
}

export async function patchStaffRequest(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the body: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'staff');
  const ifMatch = requireIfMatch(request);
  const update = await parseJson(request, staffUpdateSchema, 16 * 1024);
  checkAssignment(update, await depsFor.triage());
  const saved = await updateByStaff(
    { id: request.params.id ?? '', ifMatch, update },
    principal,
    await depsFor.serviceRequests(),
  );
  await recordStaffAccess(
    await depsFor.accessLog(),
    principal,
    saved.residentId,
    { type: 'request', id: saved.id },
    'request.update',
    request.headers.get(accessReasonHeader),
  );
  return json(200, toStaffView(saved), { etag: etagOf(saved) });
}
