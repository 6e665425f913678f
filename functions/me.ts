import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { authenticate } from '../shared/identity/principal.js';
import { parseJson, parseQuery } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { depsFor } from '../shared/platform/deps.js';
import { getOrCreateProfile, profilePatchSchema, toProfileView, updateProfile } from '../shared/residents/profile.js';
import { listMineQuery } from '../shared/service-requests/schemas.js';
import { listMyRequests } from '../shared/service-requests/service-requests.js';
import { etagOf } from '../shared/service-requests/views.js';
import { pageBody } from '../shared/http/page.js';

export async function getMe(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const profile = await getOrCreateProfile(principal, await depsFor.profiles());
  return json(200, { ...toProfileView(profile), roles: [...principal.roles] }, { etag: etagOf(profile) });
}

export async function patchMe(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const patch = await parseJson(request, profilePatchSchema, 8 * 1024);
  const ifMatch = request.headers.get('if-match') ?? undefined;
  const profile = await updateProfile(patch, ifMatch, principal, await depsFor.profiles());
  return json(200, toProfileView(profile), { etag: etagOf(profile) });
}

export async function getMyRequests(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const query = parseQuery(request, listMineQuery);
  const page = await listMyRequests(query, principal, await depsFor.serviceRequests());
  return json(
    200,
    pageBody(page, (e) => ({ id: e.requestId, reportedAt: e.at, ...e.summary })),
  );
}
