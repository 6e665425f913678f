/**
 * Dispatch: sending a new request to the back office responsible for it, with
 * FixMyStreet's "send state" kept beside the request (same partition, created in
 * the same batch): attempts, back-off, the last error and the partner's reference.
 *
 * The change feed attempts a pending dispatch as soon as it is written; a timer
 * retries the ones whose back-off has passed. Two attempts racing send the same
 * message id, which Service Bus duplicate detection drops.
 */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { ServiceBusMessage } from '@azure/service-bus';
import { z } from 'zod';
import { AppError, conflict, notFound } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import { decodeToken, encodeToken, type Page } from '../residents/my-account.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { workOrderSchemaId, type WorkOrder } from '../partners/contract.js';
import type { BackOfficeId } from './back-offices.js';

export const dispatchStates = ['pending', 'sent', 'acknowledged', 'failed'] as const;
export type DispatchState = (typeof dispatchStates)[number];

/** `pending` → `pending` is a failed attempt waiting for its back-off. */
export const dispatchTransitions: Readonly<Record<DispatchState, readonly DispatchState[]>> = {
  // A back office may acknowledge before our own "sent" is recorded.
  pending: ['pending', 'sent', 'failed', 'acknowledged'],
  sent: ['acknowledged', 'pending'],
  acknowledged: ['acknowledged', 'pending'],
  failed: ['pending', 'acknowledged'],
};

export interface DispatchDoc {
  readonly id: string;
  /** The request's partition: the dispatch is written in the request's own batch. */
  readonly pk: string;
  readonly type: 'dispatch';
  readonly requestId: string;
  readonly backOffice: BackOfficeId;
  readonly state: DispatchState;
  /** Bumped by a resend, so the new work order is not dropped as a duplicate. */
  readonly generation: number;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastError: string | null;
  readonly partnerReference: string | null;
  readonly sentAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly _etag?: string;
}

export const maxDispatchAttempts = 10;

/** 1, 2, 4 … minutes, capped at an hour: ten attempts span about seven hours. */
export const backOffMs = (attempts: number) => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

export const dispatchId = (requestId: string) => `dispatch:${requestId}`;

export function newDispatch(request: ServiceRequestDoc, backOffice: BackOfficeId, now: Date): DispatchDoc {
  const at = now.toISOString();
  return {
    id: dispatchId(request.id),
    pk: request.pk,
    type: 'dispatch',
    requestId: request.id,
    backOffice,
    state: 'pending',
    generation: 1,
    attempts: 0,
    nextAttemptAt: at,
    lastError: null,
    partnerReference: null,
    sentAt: null,
    acknowledgedAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

function move(doc: DispatchDoc, to: DispatchState, changes: Partial<DispatchDoc>, now: Date): DispatchDoc {
  if (!dispatchTransitions[doc.state].includes(to))
    throw conflict(`A dispatch that is ${doc.state} cannot become ${to}.`);
  return { ...doc, ...changes, state: to, updatedAt: now.toISOString() };
}

export function workOrderMessage(request: ServiceRequestDoc, dispatch: DispatchDoc): ServiceBusMessage {
  const workOrderId = `${request.id}.${dispatch.generation}`;
  const body: WorkOrder = {
    schema: workOrderSchemaId,
    workOrderId,
    requestId: request.id,
    backOffice: dispatch.backOffice,
    serviceCode: request.serviceCode,
    serviceName: request.serviceName,
    serviceGroup: request.serviceGroup,
    description: request.description,
    attributes: request.attributes,
    location: request.location,
    photoPaths: request.photos.map((_, i) => `/api/media/requests/${request.id}/photos/${i}`),
    reportedAt: request.createdAt,
    expectedAt: request.expectedAt ?? null,
    replyTo: 'partner-inbound',
  };
  return {
    messageId: `work-order:${workOrderId}`,
    to: dispatch.backOffice,
    subject: 'uk.gov.doorstep.work-order',
    correlationId: request.id,
    contentType: 'application/json',
    body,
    applicationProperties: { serviceCode: request.serviceCode, serviceGroup: request.serviceGroup },
  };
}

export interface DispatchStore {
  get(requestId: string): Promise<DispatchDoc | undefined>;
  replace(doc: DispatchDoc, ifMatch: string): Promise<DispatchDoc | 'stale'>;
  /** Pending dispatches whose next attempt is due. */
  due(now: Date, limit: number): Promise<DispatchDoc[]>;
  list(state: DispatchState | undefined, pageSize: number, continuation?: string): Promise<Page<DispatchDoc>>;
  byPartnerReference(backOffice: BackOfficeId, reference: string): Promise<DispatchDoc | undefined>;
  /** Records which request a back office's reference names (before the dispatch says so). */
  rememberPartnerReference(backOffice: BackOfficeId, reference: string, requestId: string): Promise<void>;
}

export interface DispatchDeps {
  readonly dispatches: DispatchStore;
  readonly getRequest: (id: string) => Promise<ServiceRequestDoc | undefined>;
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
    next = move(doc, 'sent', { attempts, sentAt: now.toISOString(), nextAttemptAt: null, lastError: null }, now);
    result = 'sent';
  } catch (error) {
    const failed = attempts >= maxDispatchAttempts;
    next = move(
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

export function isDispatchDoc(doc: unknown): doc is DispatchDoc {
  return typeof doc === 'object' && doc !== null && (doc as { type?: unknown }).type === 'dispatch';
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
  const next = move(
    current,
    'pending',
    { generation: current.generation + 1, attempts: 0, nextAttemptAt: now.toISOString(), lastError: null },
    now,
  );
  const saved = await deps.dispatches.replace(next, current._etag ?? '');
  if (saved === 'stale') throw new AppError('precondition-failed', 'The dispatch changed meanwhile. Try again.');
  return saved;
}

/** A back office confirms it has the job, giving its own reference. */
export function acknowledge(doc: DispatchDoc, partnerReference: string, now: Date): DispatchDoc {
  return move(doc, 'acknowledged', { partnerReference, acknowledgedAt: now.toISOString() }, now);
}

export const dispatchListQuery = z.strictObject({
  state: z.enum(dispatchStates).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  continuation: z.string().min(1).max(4000).optional(),
});

export async function listDispatches(
  query: { state?: DispatchState | undefined; pageSize: number; continuation?: string | undefined },
  principal: Principal,
  deps: Pick<DispatchDeps, 'dispatches'>,
): Promise<Page<DispatchDoc>> {
  requireRole(principal, 'staff');
  return deps.dispatches.list(query.state, query.pageSize, query.continuation);
}

export const toDispatchView = (d: DispatchDoc) => ({
  requestId: d.requestId,
  backOffice: d.backOffice,
  state: d.state,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt,
  lastError: d.lastError,
  partnerReference: d.partnerReference,
  sentAt: d.sentAt,
  acknowledgedAt: d.acknowledgedAt,
  updatedAt: d.updatedAt,
});

const partnerReferenceKey = (backOffice: BackOfficeId, reference: string) => `partner-ref:${backOffice}:${reference}`;

export function cosmosDispatchStore(requests: Container): DispatchStore {
  const query = async (text: string, parameters: SqlParameter[], limit: number) => {
    const { resources } = await requests.items
      .query<DispatchDoc>({ query: text, parameters }, { maxItemCount: limit })
      .fetchNext();
    return resources;
  };
  const get = async (requestId: string) => {
    try {
      const { resource } = await requests.item(dispatchId(requestId), requestId).read<DispatchDoc>();
      return resource;
    } catch (error) {
      if ((error as { code?: unknown }).code === 404) return undefined;
      throw error;
    }
  };
  return {
    get,
    async replace(doc, ifMatch) {
      try {
        const { resource } = await requests
          .item(doc.id, doc.pk)
          .replace(doc, { accessCondition: { type: 'IfMatch', condition: ifMatch } });
        return resource ?? doc;
      } catch (error) {
        if ((error as { code?: unknown }).code === 412) return 'stale';
        throw error;
      }
    },
    due: (now, limit) =>
      query(
        "SELECT * FROM c WHERE c.type = 'dispatch' AND c.state = 'pending' AND c.nextAttemptAt <= @now",
        [{ name: '@now', value: now.toISOString() }],
        limit,
      ),
    async list(state, pageSize, continuation) {
      const where = ["c.type = 'dispatch'"];
      const parameters: SqlParameter[] = [];
      if (state) {
        where.push('c.state = @state');
        parameters.push({ name: '@state', value: state });
      }
      const page = await requests.items
        .query<DispatchDoc>(
          { query: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.updatedAt DESC`, parameters },
          { maxItemCount: pageSize, continuationToken: decodeToken(continuation) },
        )
        .fetchNext();
      return { items: page.resources, continuation: encodeToken(page.continuationToken) };
    },
    // A point read of a small pointer document (its own partition), not a cross-partition query:
    // most partner messages name the job by the partner's reference.
    async byPartnerReference(backOffice, reference) {
      const pk = partnerReferenceKey(backOffice, reference);
      let requestId: string | undefined;
      try {
        requestId = (await requests.item('partner-ref', pk).read<{ requestId: string }>()).resource?.requestId;
      } catch (error) {
        if ((error as { code?: unknown }).code !== 404) throw error;
      }
      if (!requestId) return undefined;
      const dispatch = await get(requestId);
      // The pointer is written first: until the dispatch records the same reference, it is not known.
      return dispatch?.partnerReference === reference && dispatch.backOffice === backOffice ? dispatch : undefined;
    },
    async rememberPartnerReference(backOffice, reference, requestId) {
      await requests.items.upsert({
        id: 'partner-ref',
        pk: partnerReferenceKey(backOffice, reference),
        type: 'partner-ref',
        requestId,
      });
    },
  };
}
