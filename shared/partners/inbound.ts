/**
 * Messages from partners and back offices, applied through the same use case as
 * staff updates. Each message ends in one of these ways, which the receiving
 * function turns into a Service Bus settlement:
 * - applied, or a duplicate with no second effect → complete;
 * - rejected (it can never apply) → dead-letter, with the reason and a description
 *   naming fields, never echoing their values;
 * - held back (not applicable yet), or a thrown error (a dependency is down) →
 *   abandon, so it is delivered again; so are the messages behind it in its job.
 *
 * Who sent a message is the queue it arrived on (`sender`), never its body.
 */
import type { BackOfficeId } from '../catalogue/back-offices.js';
import { acknowledge, referenceIsOpen, type DispatchDoc } from '../dispatch/model.js';
import type { DispatchStore } from '../dispatch/store.js';
import { AppError } from '../errors.js';
import { applyUpdate, type ServiceRequestDeps } from '../service-requests/service-requests.js';
import type { StaffUpdate } from '../service-requests/schemas.js';
import { partnerEntriesSince, partnerTimelineBounds } from '../service-requests/timeline.js';
import type { PartnerMessage } from './contract.js';
import { planBatch, type Received, type RejectReason } from './plan.js';
import { retryWhileStale } from '../data/retry-stale.js';

export { rejectReasons, type RejectReason } from './plan.js';

export type InboundOutcome =
  | { readonly outcome: 'applied' | 'duplicate'; readonly requestId: string }
  /** Not applicable yet (its acknowledgement has not landed): deliver it again later. */
  | { readonly outcome: 'later' }
  | { readonly outcome: 'rejected'; readonly reason: RejectReason; readonly description: string };

export interface InboundDeps extends Pick<ServiceRequestDeps, 'requests' | 'now'> {
  readonly dispatches: DispatchStore;
}

const reject = (reason: RejectReason, description: string): InboundOutcome => ({
  outcome: 'rejected',
  reason,
  description: description.slice(0, 1000),
});

/** Concurrent writers (staff, the dispatcher) can make a write stale: read again and retry. */
const attemptsOnStale = 5;

/**
 * Service Bus does not promise order: an update keyed by the partner's reference
 * can arrive before the acknowledgement that made the reference known. It is
 * delivered again this many times (about two per drain, every 10 s) before it is
 * dead-lettered as unknown; the queue's max delivery count is 10.
 */
export const deliveriesBeforeUnknown = 8;

/** Applies one valid message from `sender` (the back office whose queue it came from). */
export async function applyPartnerMessage(
  m: PartnerMessage,
  sender: BackOfficeId,
  message: { readonly messageId: string; readonly deliveryCount: number },
  deps: InboundDeps,
): Promise<InboundOutcome> {
  return retryWhileStale(
    attemptsOnStale,
    async (): Promise<InboundOutcome | 'stale'> => {
      const dispatch = m.requestId
        ? await deps.dispatches.get(m.requestId)
        : await deps.dispatches.byPartnerReference(sender, m.partnerReference ?? '');
      if (!dispatch) {
        if (!m.requestId && message.deliveryCount < deliveriesBeforeUnknown) return { outcome: 'later' };
        return reject('UnknownRequest', 'No request was sent with that requestId or partnerReference.');
      }
      if (dispatch.backOffice !== sender)
        return reject('NotSentToThisPartner', `The request was sent to another back office, not ${sender}.`);
      return m.kind === 'acknowledged'
        ? applyAcknowledgement(dispatch, m, sender, deps)
        : applyToRequest(dispatch, m, sender, message.messageId, deps);
    },
    () => new AppError('conflict', 'The request kept changing; the message will be delivered again.'),
  );
}

async function applyAcknowledgement(
  dispatch: DispatchDoc,
  m: Extract<PartnerMessage, { kind: 'acknowledged' }>,
  sender: BackOfficeId,
  deps: InboundDeps,
): Promise<InboundOutcome | 'stale'> {
  if (dispatch.state === 'acknowledged' && dispatch.partnerReference === m.partnerReference)
    return { outcome: 'duplicate', requestId: dispatch.requestId };
  if (!referenceIsOpen(dispatch))
    return reject(
      'ReferenceAlreadyAcknowledged',
      '/partnerReference: the job is already acknowledged with another reference; only the council changes it.',
    );
  await deps.dispatches.rememberPartnerReference(sender, m.partnerReference, dispatch.requestId);
  const saved = await deps.dispatches.replace(
    acknowledge(dispatch, m.partnerReference, deps.now()),
    dispatch._etag ?? '',
  );
  return saved === 'stale' ? 'stale' : { outcome: 'applied', requestId: dispatch.requestId };
}

function toUpdate(m: Exclude<PartnerMessage, { kind: 'acknowledged' }>): { update: StaffUpdate; photoUrl?: string } {
  switch (m.kind) {
    case 'status-change':
      return { update: { status: m.status, ...(m.publicUpdate ? { publicUpdate: m.publicUpdate } : {}) } };
    case 'public-update':
      return { update: { publicUpdate: m.text }, ...(m.photoUrl ? { photoUrl: m.photoUrl } : {}) };
    case 'completion':
      return { update: { status: m.outcome, publicUpdate: m.notes }, ...(m.photoUrl ? { photoUrl: m.photoUrl } : {}) };
  }
}

async function applyToRequest(
  dispatch: DispatchDoc,
  m: Exclude<PartnerMessage, { kind: 'acknowledged' }>,
  sender: BackOfficeId,
  messageId: string,
  deps: InboundDeps,
): Promise<InboundOutcome | 'stale'> {
  const current = await deps.requests.get(dispatch.requestId);
  if (!current) return reject('UnknownRequest', 'The request no longer exists.');
  const marker = `partner:${sender}:${m.updateId ?? messageId}`;
  if (current.externalUpdateIds?.includes(marker)) return { outcome: 'duplicate', requestId: current.id };
  const { update, photoUrl } = toUpdate(m);
  // A repeated status with nothing to say changes nothing: report it as the duplicate it is.
  if (update.status === current.status && !update.publicUpdate) return { outcome: 'duplicate', requestId: current.id };
  const now = deps.now();
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  if (partnerEntriesSince(current.timeline, dayAgo) >= partnerTimelineBounds.perDay)
    return reject(
      'TooManyUpdates',
      `This job already has ${partnerTimelineBounds.perDay} updates from the back office in the last 24 hours; send it again later.`,
    );
  try {
    const saved = await applyUpdate(
      current,
      {
        update,
        by: 'partner',
        actor: sender,
        externalUpdateId: marker,
        ...(photoUrl ? { photoUrl } : {}),
      },
      deps,
    );
    return saved === 'stale' ? 'stale' : { outcome: 'applied', requestId: current.id };
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict')
      return reject('TransitionNotAllowed', error.detail ?? error.message);
    throw error;
  }
}

/** What to do with one received message; `error` names a thrown error's class, never its text. */
export type Settlement<M> =
  | { readonly handle: M; readonly action: 'complete'; readonly outcome: 'applied' | 'duplicate' }
  | { readonly handle: M; readonly action: 'dead-letter'; readonly reason: RejectReason; readonly description: string }
  | {
      readonly handle: M;
      readonly action: 'abandon';
      readonly why: 'held' | 'released' | 'behind-held' | 'error';
      readonly messageId: string;
      readonly error?: string;
    };

/**
 * One received batch from `sender`'s queue: planned (see plan.ts), then applied
 * phase by phase, jobs in parallel, each job's messages in order. `settle` is
 * called as each message's fate is known, so locks are not held longer than needed.
 */
export async function processBatch<M>(
  batch: readonly Received<M>[],
  sender: BackOfficeId,
  heldThisRun: ReadonlySet<string>,
  deps: InboundDeps,
  settle: (settlement: Settlement<M>) => Promise<void>,
): Promise<void> {
  const plan = planBatch(batch, sender, heldThisRun);
  const messageIdOf = new Map(batch.map((r) => [r.handle, r.messageId]));
  for (const handle of plan.release)
    await settle({ handle, action: 'abandon', why: 'released', messageId: messageIdOf.get(handle) ?? '' });
  for (const r of plan.rejected)
    await settle({ handle: r.handle, action: 'dead-letter', reason: r.reason, description: r.description });
  for (const handle of plan.duplicates) await settle({ handle, action: 'complete', outcome: 'duplicate' });
  for (const phase of plan.phases) {
    await Promise.all(
      phase.map(async (job) => {
        for (const [i, planned] of job.entries()) {
          let held: Settlement<M> | undefined;
          try {
            const result = await applyPartnerMessage(planned.message, sender, planned, deps);
            if (result.outcome === 'later')
              held = { handle: planned.handle, action: 'abandon', why: 'held', messageId: planned.messageId };
            else if (result.outcome === 'rejected')
              await settle({
                handle: planned.handle,
                action: 'dead-letter',
                reason: result.reason,
                description: result.description,
              });
            else await settle({ handle: planned.handle, action: 'complete', outcome: result.outcome });
          } catch (error) {
            held = {
              handle: planned.handle,
              action: 'abandon',
              why: 'error',
              messageId: planned.messageId,
              error: error instanceof Error ? error.name : 'unknown',
            };
          }
          if (!held) continue;
          await settle(held);
          // Held back: so are the rest of its job's messages, to keep their order.
          for (const rest of job.slice(i + 1))
            await settle({ handle: rest.handle, action: 'abandon', why: 'behind-held', messageId: rest.messageId });
          return;
        }
      }),
    );
  }
}
