/** Councillors' casework, wards and managers' reports: thin handlers over shared/casework, shared/wards, shared/reporting. */
import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { accessReasonHeader } from '../shared/audit/access-log.js';
import {
  assignWards,
  councillorNotifications,
  getEnquiry,
  listAwaitingResponse,
  listMyEnquiries,
  raiseEnquiry,
  requestsInMyWards,
  sendEnquiryReminders,
  setCouncillorNotifications,
} from '../shared/casework/casework.js';
import {
  councillorNotificationsSchema,
  councillorWardsSchema,
  newEnquirySchema,
  toEnquirySummary,
  toEnquiryView,
  toNotificationsView,
  wardRequestsQuery,
} from '../shared/casework/model.js';
import { idempotencyKey, parseJson, parseQuery } from '../shared/http/request.js';
import { json, publicJson } from '../shared/http/response.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import { logEvent } from '../shared/observability/log.js';
import { depsFor } from '../shared/platform/deps.js';
import { reportQuery } from '../shared/reporting/model.js';
import { indexRequests, reportFor } from '../shared/reporting/reporting.js';
import { ukDate, workingDaysUntil } from '../shared/casework/working-days.js';
import { etagOf, toResidentView } from '../shared/service-requests/views.js';
import { toWardView } from '../shared/wards/ward-set.js';
import { wardsOfCouncillor } from '../shared/casework/councillor-wards.js';
import { wards } from '../shared/wards/wards.js';

export function getWards(): Promise<HttpResponseInit> {
  return Promise.resolve(publicJson({ items: wards().map(toWardView) }, 3600));
}

export async function postEnquiry(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // Authorisation before validation: nobody else learns the schema.
  requireRole(principal, 'councillor');
  const body = await parseJson(request, newEnquirySchema, 24 * 1024);
  const {
    enquiry,
    request: created,
    replay,
  } = await raiseEnquiry({ body, idempotencyKey: idempotencyKey(request) }, principal, await depsFor.casework());
  return json(
    201,
    { ...toEnquiryView(enquiry), request: toResidentView(created) },
    {
      etag: etagOf(created),
      location: `/api/councillor/enquiries/${enquiry.id}`,
      ...(replay ? { 'idempotent-replayed': 'true' } : {}),
    },
  );
}

export async function getMyEnquiries(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const items = await listMyEnquiries(principal, await depsFor.casework());
  return json(200, { items: items.map(toEnquirySummary) });
}

async function oneEnquiry(request: HttpRequest, as: 'councillor' | 'staff'): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const enquiry = await getEnquiry(
    request.params.id ?? '',
    principal,
    as,
    await depsFor.casework(),
    request.headers.get(accessReasonHeader),
  );
  return json(200, toEnquiryView(enquiry));
}

/** A councillor's own enquiry. */
export const getOneEnquiry = (request: HttpRequest) => oneEnquiry(request, 'councillor');

/** Any enquiry, for staff answering it (audited). */
export const getStaffEnquiry = (request: HttpRequest) => oneEnquiry(request, 'staff');

export async function getStaffEnquiries(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.casework();
  const items = await listAwaitingResponse(principal, deps);
  const today = ukDate(deps.now());
  return json(200, {
    today,
    items: items.map((e) => ({
      ...toEnquirySummary(e),
      remindOn: e.remindOn,
      workingDaysLeft: workingDaysUntil(today, e.respondBy),
    })),
  });
}

export async function getWardRequests(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'councillor');
  const query = parseQuery(request, wardRequestsQuery);
  return json(200, await requestsInMyWards(query, principal, await depsFor.casework()));
}

export async function putCouncillorWards(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'admin');
  const body = await parseJson(request, councillorWardsSchema, 4 * 1024);
  const saved = await assignWards(request.params.sub ?? '', body.wards, principal, await depsFor.casework());
  return json(200, { councillor: saved.councillor, wards: saved.wards, updatedAt: saved.updatedAt });
}

export async function getReports(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'staff');
  const query = parseQuery(request, reportQuery);
  return json(200, {
    from: query.from,
    to: query.to,
    ...(await reportFor(query, principal, await depsFor.reporting())),
  });
}

export async function remindEnquiries(_timer: Timer, context: InvocationContext): Promise<void> {
  const result = await sendEnquiryReminders(await depsFor.enquiryReminders());
  if (result.reminded + result.responded + result.skipped > 0) logEvent(context, 'info', 'casework.reminders', result);
  if (result.skipped > 0) logEvent(context, 'warn', 'casework.reminders-not-configured', { skipped: result.skipped });
}

export async function indexRequestsForReports(documents: unknown[], context: InvocationContext): Promise<void> {
  const indexed = await indexRequests(documents, await depsFor.reporting());
  if (indexed > 0) logEvent(context, 'debug', 'reports.indexed', { requests: indexed });
}

/** Where the councillor is told of their enquiries: their directory's address, and whether (decision 1052). */
export async function getCouncillorNotifications(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  return json(200, toNotificationsView(await councillorNotifications(principal, await depsFor.casework())));
}

export async function putCouncillorNotifications(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'councillor');
  const body = await parseJson(request, councillorNotificationsSchema, 1024);
  return json(200, toNotificationsView(await setCouncillorNotifications(body, principal, await depsFor.casework())));
}

/** The wards a councillor serves, for the admin's page that changes them. */
export async function getCouncillorWards(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  return json(200, await wardsOfCouncillor(request.params.sub ?? '', principal, await depsFor.casework()));
}
