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
import {
  confirmCodeSchema,
  confirmContact,
  newEmailSchema,
  newPhoneSchema,
  startContactVerification,
} from '../shared/residents/contact-verification.js';
import type { ContactChannel } from '../shared/residents/profile.js';

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

/** POST /me/contact/{email|phone}: a security code to the new address; the contact in use stays until it is confirmed. */
async function postMyContact(request: HttpRequest, channel: ContactChannel): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.contactVerification();
  const address =
    channel === 'email'
      ? (await parseJson(request, newEmailSchema, 2 * 1024)).email
      : (await parseJson(request, newPhoneSchema, 2 * 1024)).phone;
  const sent = await startContactVerification(channel, address, principal, deps);
  return json(202, sent);
}

/** POST /me/contact/{email|phone}/confirm: the code back; the address becomes the verified contact. */
async function confirmMyContact(request: HttpRequest, channel: ContactChannel): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.contactVerification();
  const { code } = await parseJson(request, confirmCodeSchema, 1024);
  const profile = await confirmContact(channel, code, principal, deps);
  return json(200, toProfileView(profile), { etag: etagOf(profile) });
}

export const postMyEmail = (request: HttpRequest) => postMyContact(request, 'email');
export const postMyPhone = (request: HttpRequest) => postMyContact(request, 'sms');
export const confirmMyEmail = (request: HttpRequest) => confirmMyContact(request, 'email');
export const confirmMyPhone = (request: HttpRequest) => confirmMyContact(request, 'sms');
