/**
 * Messages from partners and back offices, applied through the same use case as
 * staff updates. Each message ends in one of three ways, which the receiving
 * function turns into a Service Bus settlement:
 * - applied, or a duplicate with no second effect → complete;
 * - rejected (it can never apply) → dead-letter, with the reason and a description
 *   naming fields, never echoing their values;
 * - a thrown error (a dependency is down) → abandon, so it is delivered again.
 */
import { AppError } from '../errors.js';
import { jsonBody } from '../messaging/message-body.js';
import { acknowledge, type DispatchDoc, type DispatchStore } from '../dispatch/dispatch.js';
import { applyUpdate, type ServiceRequestDeps } from '../service-requests/service-requests.js';
import type { StaffUpdate } from '../service-requests/schemas.js';
import { partnerMessageSchema, type PartnerMessage } from './contract.js';

export const rejectReasons = [
  'InvalidJson',
  'SchemaValidationFailed',
  'UnknownRequest',
  'NotSentToThisPartner',
  'TransitionNotAllowed',
] as const;
export type RejectReason = (typeof rejectReasons)[number];

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

export async function handlePartnerMessage(
  message: { readonly messageId: string; readonly body: unknown; readonly deliveryCount: number },
  deps: InboundDeps,
): Promise<InboundOutcome> {
  const body = jsonBody(message.body);
  if (body === undefined || typeof body !== 'object' || body === null)
    return reject('InvalidJson', 'The body must be a JSON object.');
  const parsed = partnerMessageSchema.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `/${i.path.join('/')}: ${i.message}`);
    return reject('SchemaValidationFailed', fields.join('; '));
  }
  const m = parsed.data;
  return applyMessage(m, message, deps);
}

/** Messages about the same job must apply in order; this is the key they share. */
export function orderingKey(body: unknown): string {
  // Only grouping: the message is validated when it is handled.
  const m = (jsonBody(body) ?? {}) as { partner?: unknown; requestId?: unknown; partnerReference?: unknown };
  const key = typeof m.requestId === 'string' ? m.requestId : m.partnerReference;
  return typeof m.partner === 'string' && typeof key === 'string' ? `${m.partner}:${key}` : 'invalid';
}

async function applyMessage(
  m: PartnerMessage,
  message: { readonly messageId: string; readonly deliveryCount: number },
  deps: InboundDeps,
): Promise<InboundOutcome> {
  for (let attempt = 0; attempt < attemptsOnStale; attempt++) {
    const dispatch = m.requestId
      ? await deps.dispatches.get(m.requestId)
      : await deps.dispatches.byPartnerReference(m.partner, m.partnerReference ?? '');
    if (!dispatch) {
      if (!m.requestId && message.deliveryCount < deliveriesBeforeUnknown) return { outcome: 'later' };
      return reject('UnknownRequest', 'No request was sent with that requestId or partnerReference.');
    }
    if (dispatch.backOffice !== m.partner)
      return reject('NotSentToThisPartner', `The request was sent to ${dispatch.backOffice}, not ${m.partner}.`);
    const outcome =
      m.kind === 'acknowledged'
        ? await applyAcknowledgement(dispatch, m, deps)
        : await applyToRequest(dispatch, m, message.messageId, deps);
    if (outcome !== 'stale') return outcome;
  }
  throw new AppError('conflict', 'The request kept changing; the message will be delivered again.');
}

async function applyAcknowledgement(
  dispatch: DispatchDoc,
  m: Extract<PartnerMessage, { kind: 'acknowledged' }>,
  deps: InboundDeps,
): Promise<InboundOutcome | 'stale'> {
  if (dispatch.state === 'acknowledged' && dispatch.partnerReference === m.partnerReference)
    return { outcome: 'duplicate', requestId: dispatch.requestId };
  await deps.dispatches.rememberPartnerReference(m.partner, m.partnerReference, dispatch.requestId);
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
  messageId: string,
  deps: InboundDeps,
): Promise<InboundOutcome | 'stale'> {
  const current = await deps.requests.get(dispatch.requestId);
  if (!current) return reject('UnknownRequest', 'The request no longer exists.');
  const marker = `partner:${m.partner}:${m.updateId ?? messageId}`;
  if (current.externalUpdateIds?.includes(marker)) return { outcome: 'duplicate', requestId: current.id };
  const { update, photoUrl } = toUpdate(m);
  // A repeated status with nothing to say changes nothing: report it as the duplicate it is.
  if (update.status === current.status && !update.publicUpdate) return { outcome: 'duplicate', requestId: current.id };
  try {
    const saved = await applyUpdate(
      current,
      {
        update,
        by: 'partner',
        actor: m.partner,
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
