import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import {
  dispatchChanged,
  listDispatches,
  resendDispatch,
  retryDue,
  type DispatchDeps,
} from '../shared/dispatch/dispatch.js';
import { dispatchListQuery, toDispatchView } from '../shared/dispatch/model.js';
import { parseQuery } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { authenticate } from '../shared/identity/principal.js';
import { logEvent } from '../shared/observability/log.js';
import { appDeps, type AppDeps } from '../shared/platform/deps.js';
import { pageBody } from '../shared/http/page.js';

async function dispatchDeps(d: AppDeps): Promise<DispatchDeps> {
  const sender = await d.platform.sender('work-orders');
  return {
    dispatches: d.dispatches,
    getRequest: async (id) => {
      const request = await d.requests.get(id);
      if (!request) return undefined;
      // A service the public never sees is one whose place is a home (its address goes to the crew).
      const service = await d.catalogue.get(request.serviceCode);
      return { ...request, atHome: service?.public === false };
    },
    sendWorkOrder: (message) => sender.sendMessages(message),
    now: d.now,
  };
}

const count = (results: readonly string[]) =>
  Object.fromEntries(['sent', 'retrying', 'failed'].map((r) => [r, results.filter((x) => x === r).length]));

/** Change feed of `requests`: a new (or resent) dispatch goes out at once. */
export async function dispatchRequests(documents: unknown[], context: InvocationContext): Promise<void> {
  const results = await dispatchChanged(documents, await dispatchDeps(await appDeps()));
  if (results.some((r) => r !== 'skipped')) logEvent(context, 'info', 'dispatch.attempted', count(results));
}

/** Retries the dispatches whose back-off has passed. */
export async function retryDispatches(_timer: Timer, context: InvocationContext): Promise<void> {
  const results = await retryDue(await dispatchDeps(await appDeps()));
  if (results.length > 0) logEvent(context, 'info', 'dispatch.retried', count(results));
  if (results.includes('failed')) logEvent(context, 'warn', 'dispatch.gave-up', { failed: count(results).failed });
}

export async function getDispatches(request: HttpRequest): Promise<HttpResponseInit> {
  const deps = await appDeps();
  const principal = await authenticate(request, deps.verify);
  const page = await listDispatches(parseQuery(request, dispatchListQuery), principal, deps);
  return json(200, pageBody(page, toDispatchView));
}

export async function resendRequestDispatch(request: HttpRequest): Promise<HttpResponseInit> {
  const deps = await appDeps();
  const principal = await authenticate(request, deps.verify);
  const saved = await resendDispatch(request.params.id ?? '', principal, deps);
  return json(202, toDispatchView(saved));
}
