import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { giveConsent, listConsents, withdrawConsent } from '../shared/consents/consents.js';
import { partnerIdParam } from '../shared/consents/model.js';
import { notFound } from '../shared/errors.js';
import { authenticate } from '../shared/identity/principal.js';
import { json } from '../shared/http/response.js';
import { depsFor } from '../shared/platform/deps.js';

const partnerOf = (request: HttpRequest) => {
  const parsed = partnerIdParam.safeParse(request.params.partnerId);
  if (!parsed.success) throw notFound('The care partner');
  return parsed.data;
};

const noStore = { 'cache-control': 'no-store' };

export async function getMyConsents(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  return json(200, { items: await listConsents(principal, await depsFor.consents()) }, noStore);
}

export async function getMyConsent(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const partnerId = partnerOf(request);
  const all = await listConsents(principal, await depsFor.consents());
  return json(
    200,
    all.find((c) => c.partnerId === partnerId),
    noStore,
  );
}

export async function putMyConsent(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  return json(200, await giveConsent(partnerOf(request), principal, await depsFor.consents()), noStore);
}

export async function deleteMyConsent(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  return json(200, await withdrawConsent(partnerOf(request), principal, await depsFor.consents()), noStore);
}
