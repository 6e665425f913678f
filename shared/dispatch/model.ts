/**
 * A dispatch: FixMyStreet's "send state" of one request to its back office, kept
 * beside the request (same partition, created in the request's own batch):
 * attempts, back-off, the last error and the partner's reference. The closed set
 * of states, their transitions, and the view staff see.
 */
import { z } from 'zod';
import { conflict } from '../errors.js';
import type { BackOfficeId } from '../catalogue/back-offices.js';

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

/** The dispatch a new request is created with (only its id and partition matter here). */
export function newDispatch(
  request: { readonly id: string; readonly pk: string },
  backOffice: BackOfficeId,
  now: Date,
): DispatchDoc {
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

export function moveDispatch(
  doc: DispatchDoc,
  to: DispatchState,
  changes: Partial<DispatchDoc>,
  now: Date,
): DispatchDoc {
  if (!dispatchTransitions[doc.state].includes(to))
    throw conflict(`A dispatch that is ${doc.state} cannot become ${to}.`);
  return { ...doc, ...changes, state: to, updatedAt: now.toISOString() };
}

/** A back office confirms it has the job, giving its own reference. */
export function acknowledge(doc: DispatchDoc, partnerReference: string, now: Date): DispatchDoc {
  return moveDispatch(doc, 'acknowledged', { partnerReference, acknowledgedAt: now.toISOString() }, now);
}

/**
 * Whether a partner may (still) give this dispatch a reference. Once acknowledged,
 * the reference is the job's name in both systems: only staff change it (a resend
 * sends a new work order, which the back office acknowledges afresh).
 */
export const referenceIsOpen = (doc: DispatchDoc) => doc.state !== 'acknowledged' || doc.partnerReference === null;

export function isDispatchDoc(doc: unknown): doc is DispatchDoc {
  return typeof doc === 'object' && doc !== null && (doc as { type?: unknown }).type === 'dispatch';
}

export const dispatchListQuery = z.strictObject({
  state: z.enum(dispatchStates).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  continuation: z.string().min(1).max(4000).optional(),
});

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
