import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { listFollowingQuery } from '../shared/following/model.js';
import { followRequest, getFollowable, listFollowing, unfollowRequest } from '../shared/following/following.js';
import { toFollowingItemView, toPublicRequestView } from '../shared/following/views.js';
import { authenticate } from '../shared/identity/principal.js';
import { pageBody } from '../shared/http/page.js';
import { parseQuery } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { depsFor } from '../shared/platform/deps.js';

export async function putFollowing(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.following();
  await followRequest(request.params.requestId ?? '', principal, deps);
  return { status: 204, headers: { 'cache-control': 'no-store' } };
}

export async function deleteFollowing(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.following();
  await unfollowRequest(request.params.requestId ?? '', principal, deps);
  return { status: 204, headers: { 'cache-control': 'no-store' } };
}

export async function getFollowingList(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.following();
  const query = parseQuery(request, listFollowingQuery);
  return json(200, pageBody(await listFollowing(query, principal, deps), toFollowingItemView));
}

export async function getFollowingOne(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.following();
  const {
    request: found,
    follow,
    reportedByYou,
  } = await getFollowable(request.params.requestId ?? '', principal, deps);
  return json(200, {
    following: follow !== undefined,
    ...(follow ? { since: follow.at } : {}),
    reportedByYou,
    request: toPublicRequestView(found),
  });
}
