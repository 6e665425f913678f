/**
 * Residents follow public reports they did not make, and hear about their public
 * progress (status changes and the council's own updates) through the channels
 * they chose: FixMyStreet's `new_updates` alerts (perllib/FixMyStreet/Script/Alerts.pm).
 * Following is idempotent both ways and bounded both ways: per resident and per report.
 */
import type { CatalogueStore } from '../catalogue/catalogue.js';
import { conflict, notFound } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import { isPublicService } from '../open311/public-view.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import type { RequestStore } from '../service-requests/store.js';
import type { Page } from '../data/page-token.js';
import { followingId, maxFollowedPerResident, maxFollowersPerRequest, requestIdParam } from './model.js';
import type { FollowingDoc, ListFollowingQuery } from './model.js';
import type { FollowingStore } from './store.js';

export interface FollowingDeps {
  readonly following: FollowingStore;
  readonly requests: Pick<RequestStore, 'get'>;
  readonly catalogue: Pick<CatalogueStore, 'get'>;
  readonly now: () => Date;
}

/** A report anyone may follow: it exists and its service is public (as the Open311 public view). */
async function followable(requestId: string, deps: Pick<FollowingDeps, 'requests' | 'catalogue'>) {
  const request = requestIdParam.safeParse(requestId).success ? await deps.requests.get(requestId) : undefined;
  if (!request || !isPublicService(await deps.catalogue.get(request.serviceCode))) throw notFound('The report');
  return request;
}

export async function followRequest(
  requestId: string,
  principal: Principal,
  deps: FollowingDeps,
): Promise<'started' | 'already-following'> {
  const request = await followable(requestId, deps);
  if (request.residentId === principal.sub)
    throw conflict('You made this report: you hear about its progress already.');
  if (await deps.following.get(principal.sub, request.id)) return 'already-following';
  // Counted before the write: residents following in parallel may pass the bound by the calls in flight.
  if ((await deps.following.countMine(principal.sub, maxFollowedPerResident)) >= maxFollowedPerResident)
    throw conflict(`You follow ${maxFollowedPerResident} reports already: stop following one to follow another.`);
  if ((await deps.following.followers(request.id, maxFollowersPerRequest)).length >= maxFollowersPerRequest)
    throw conflict('This report has as many followers as it can have.');
  const created = await deps.following.create({
    id: followingId(request.id),
    residentId: principal.sub,
    kind: 'following',
    requestId: request.id,
    at: deps.now().toISOString(),
  });
  return created === 'exists' ? 'already-following' : 'started';
}

/** Idempotent: not following (any more) is the outcome either way. */
export async function unfollowRequest(requestId: string, principal: Principal, deps: Pick<FollowingDeps, 'following'>) {
  if (!requestIdParam.safeParse(requestId).success) throw notFound('The report');
  await deps.following.delete(principal.sub, requestId);
}

export interface FollowedRequest {
  readonly follow: FollowingDoc;
  /** Undefined when the report is no longer there to see (removed, or its service made private). */
  readonly request: ServiceRequestDoc | undefined;
}

/** A page of what the resident follows, each with the report as it stands now (one point read each, page ≤ 50). */
export async function listFollowing(
  query: ListFollowingQuery,
  principal: Principal,
  deps: FollowingDeps,
): Promise<Page<FollowedRequest>> {
  const page = await deps.following.listMine(principal.sub, query.pageSize, query.continuation);
  const items = await Promise.all(
    page.items.map(async (follow): Promise<FollowedRequest> => {
      const request = await deps.requests.get(follow.requestId);
      const visible = request && isPublicService(await deps.catalogue.get(request.serviceCode));
      return { follow, request: visible ? request : undefined };
    }),
  );
  return { items, ...(page.continuation ? { continuation: page.continuation } : {}) };
}

/** One public report as a resident may see it, and whether they follow it. */
export async function getFollowable(requestId: string, principal: Principal, deps: FollowingDeps) {
  const request = await followable(requestId, deps);
  const follow = await deps.following.get(principal.sub, request.id);
  return { request, follow, reportedByYou: request.residentId === principal.sub };
}
