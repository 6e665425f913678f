/**
 * Dispatch: sending a new request to the back office responsible for it, and
 * keeping its send state (see model.ts).
 *
 * The change feed attempts a pending dispatch as soon as it is written; a timer
 * retries the ones whose back-off has passed. Two attempts racing send the same
 * message id, which Service Bus duplicate detection drops.
 */
import type { ServiceBusMessage } from '@azure/service-bus';
import type { Page } from '../data/page-token.js';
import { AppError, conflict, notFound } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import {
  isDispatchDoc,
  maxDispatchAttempts,
  backOffMs,
  moveDispatch,
  type DispatchDoc,
  type DispatchState,
} from './model.js';
import type { DispatchStore } from './store.js';
import { workOrderMessage, type WorkOrderSource } from './work-order.js';

export interface DispatchDeps {
  readonly dispatches: DispatchStore;
  readonly getRequest: (id: string) => Promise<WorkOrderSource | undefined>;
  readonly sendWorkOrder: (message: ServiceBusMessage) => Promise<void>;
  readonly now: () => Date;
}

/** Errors stored for staff: a code and a short message, never a payload. */
const describe = (error: unknown) => {
  const e = error as { code?: unknown; message?: unknown; name?: unknown };
  const code =
    typeof e.code === 'string' || typeof e.code === 'number'
      ? String(e.code)
      : typeof e.name === 'string'
        ? e.name
        : 'Error';
  const message = typeof e.message === 'string' ? e.message.slice(0, 200) : '';
  return `${code}: ${message}`;
};

export type AttemptResult = 'sent' | 'retrying' | 'failed' | 'skipped';

/** Sends the work order if the dispatch is pending and due; records the outcome. */
export async function attemptDispatch(doc: DispatchDoc, deps: DispatchDeps): Promise<AttemptResult> {
  const now = deps.now();
  if (doc.state !== 'pending' || (doc.nextAttemptAt !== null && doc.nextAttemptAt > now.toISOString()))
    return 'skipped';
  const request = await deps.getRequest(doc.requestId);
  if (!request) return 'skipped';
  const attempts = doc.attempts + 1;
  let next: DispatchDoc;
  let result: AttemptResult;
  try {
    await deps.sendWorkOrder(workOrderMessage(request, doc));
    next = moveDispatch(
      doc,
      'sent',
      { attempts, sentAt: now.toISOString(), nextAttemptAt: null, lastError: null },
      now,
    );
    result = 'sent';
  } catch (error) {
    const failed = attempts >= maxDispatchAttempts;
    next = moveDispatch(
      doc,
      failed ? 'failed' : 'pending',
      {
        attempts,
        lastError: describe(error),
        nextAttemptAt: failed ? null : new Date(now.getTime() + backOffMs(attempts)).toISOString(),
      },
      now,
    );
    result = failed ? 'failed' : 'retrying';
  }
  // Stale: another attempt recorded first; the message id makes the second send harmless.
  const saved = await deps.dispatches.replace(next, doc._etag ?? '');
  return saved === 'stale' ? 'skipped' : result;
}

/** The change feed's part: attempt every pending, due dispatch among the changed documents. */
export async function dispatchChanged(changed: readonly unknown[], deps: DispatchDeps): Promise<AttemptResult[]> {
  return Promise.all(changed.filter(isDispatchDoc).map((d) => attemptDispatch(d, deps)));
}

/** The timer's part: retry every dispatch whose back-off has passed. */
export async function retryDue(deps: DispatchDeps, limit = 100): Promise<AttemptResult[]> {
  const due = await deps.dispatches.due(deps.now(), limit);
  const results: AttemptResult[] = [];
  for (const d of due) results.push(await attemptDispatch(d, deps));
  return results;
}

/** Staff send a failed (or lost) work order again: a new generation, attempts from zero. */
export async function resendDispatch(
  requestId: string,
  principal: Principal,
  deps: Pick<DispatchDeps, 'dispatches' | 'now'>,
): Promise<DispatchDoc> {
  requireRole(principal, 'staff');
  const current = await deps.dispatches.get(requestId);
  if (!current) throw notFound('The dispatch of this request');
  if (current.state === 'pending') throw conflict('This request is already waiting to be sent.');
  const now = deps.now();
  const next = moveDispatch(
    current,
    'pending',
    { generation: current.generation + 1, attempts: 0, nextAttemptAt: now.toISOString(), lastError: null },
    now,
  );
  const saved = await deps.dispatches.replace(next, current._etag ?? '');
  if (saved === 'stale') throw new AppError('precondition-failed', 'The dispatch changed meanwhile. Try again.');
  return saved;
}

/** Where a request was sent and how that went, for staff; undefined if it was never dispatched. */
export async function dispatchOf(
  requestId: string,
  principal: Principal,
  deps: Pick<DispatchDeps, 'dispatches'>,
): Promise<DispatchDoc | undefined> {
  requireRole(principal, 'staff');
  return deps.dispatches.get(requestId);
}

export async function listDispatches(
  query: { state?: DispatchState | undefined; pageSize: number; continuation?: string | undefined },
  principal: Principal,
  deps: Pick<DispatchDeps, 'dispatches'>,
): Promise<Page<DispatchDoc>> {
  requireRole(principal, 'staff');
  return deps.dispatches.list(query.state, query.pageSize, query.continuation);
}
