/** The staff single view of a resident: a thin handler over shared/residents/single-view.ts. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { accessReasonHeader } from '../shared/audit/access-log.js';
import { parseQuery, validate } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import { depsFor } from '../shared/platform/deps.js';
import {
  residentIdParam,
  residentSingleView,
  singleViewQuery,
  toSingleViewResponse,
} from '../shared/residents/single-view.js';

export async function getResidentSingleView(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the input: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'staff');
  const { residentId } = validate(residentIdParam, { ...request.params });
  const query = parseQuery(request, singleViewQuery);
  const view = await residentSingleView(
    residentId,
    query,
    principal,
    await depsFor.singleView(),
    request.headers.get(accessReasonHeader),
  );
  return json(200, toSingleViewResponse(view));
}
