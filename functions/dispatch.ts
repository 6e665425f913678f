import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { dispatchChanged, listDispatches, resendDispatch, retryDue } from '../shared/dispatch/dispatch.js';
import { dispatchListQuery, toDispatchView } from '../shared/dispatch/model.js';
import { parseQuery } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import { logEvent } from '../shared/observability/log.js';
import { depsFor } from '../shared/platform/deps.js';
import { pageBody } from '../shared/http/page.js';

const count = (results: readonly string[]) =>
  Object.fromEntries(['sent', 'retrying', 'failed'].map((r) => [r, results.filter((x) => x === r).length]));

/** Change feed of `requests`: a new (or resent) dispatch goes out at once. */
export async function dispatchRequests(documents: unknown[], context: InvocationContext): Promise<void> {
  const results = await dispatchChanged(documents, await depsFor.dispatch());
  if (results.some((r) => r !== 'skipped')) logEvent(context, 'info', 'dispatch.attempted', count(results));
}

/** Retries the dispatches whose back-off has passed. */
export async function retryDispatches(_timer: Timer, context: InvocationContext): Promise<void> {
  const results = await retryDue(await depsFor.dispatch());
  if (results.length > 0) logEvent(context, 'info', 'dispatch.retried', count(results));
  if (results.includes('failed')) logEvent(context, 'warn', 'dispatch.gave-up', { failed: count(results).failed });
}

export async function getDispatches(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the query: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'staff');
  const page = await listDispatches(parseQuery(request, dispatchListQuery), principal, await depsFor.dispatch());
  return json(200, pageBody(page, toDispatchView));
}

export async function resendRequestDispatch(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const saved = await resendDispatch(request.params.id ?? '', principal, await depsFor.dispatch());
  return json(202, toDispatchView(saved));
}
