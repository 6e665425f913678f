/**
 * Refunds as GOV.UK Pay reports them, folded into the payment: pure functions,
 * so the rules are unit-tested without Cosmos or GOV.UK Pay.
 *
 * GOV.UK Pay's refunds start `submitted` and end `success` or `error`; only
 * `success` produces a webhook (`card_payment_refunded`, pay-webhooks'
 * EventMapper: REFUND_SUCCEEDED), so failures and refunds made in GOV.UK Pay's
 * admin tool are found by reading the payment's refunds (webhook and sweep).
 */
import { randomUUID } from 'node:crypto';
import { outboxEvent, type OutboxDoc } from '../events/cloud-event.js';
import type { AuditEntry, PaymentDoc, RefundEntry } from './model.js';
import { providerRefundStatus, refundMovesTo, refundOpen, type RefundStatus } from './status.js';

export interface ReportedRefund {
  readonly refund_id: string;
  readonly amount: number;
  readonly status: string;
}

/** A refund Doorstep asked for that GOV.UK Pay still has no record of after this long never reached it. */
export const unansweredRefundMs = 24 * 60 * 60_000;

const eventName: Partial<Record<RefundStatus, string>> = {
  'awaiting-approval': 'refund-requested',
  declined: 'refund-declined',
  submitted: 'refunded',
  success: 'refund-succeeded',
  error: 'refund-failed',
};

/** The audited event of a refund reaching `entry.status`. */
export function refundEvent(p: PaymentDoc, entry: RefundEntry, now: Date): OutboxDoc | undefined {
  const name = eventName[entry.status];
  if (!name) return undefined;
  return outboxEvent({
    partition: p.pk,
    family: 'payment',
    name,
    subject: p.id,
    now,
    routing: { itemCode: p.itemCode },
    data: {
      paymentId: p.id,
      refundId: entry.id,
      providerRefundId: entry.providerRefundId,
      amount: entry.amount,
      status: entry.status,
      source: entry.source,
      requestedBy: entry.by,
      approvedBy: entry.approvedBy,
      noticeReference: p.noticeReference,
      at: now.toISOString(),
    },
  });
}

export interface RefundChange {
  readonly refunds: readonly RefundEntry[];
  readonly events: readonly OutboxDoc[];
  readonly audit: readonly AuditEntry[];
}

/**
 * Brings the payment's refunds up to what GOV.UK Pay reports: known refunds move
 * forward only; a refund Doorstep asked for with an unclear answer is matched by
 * amount; any other is one made in GOV.UK Pay's admin tool, recorded as such.
 * Undefined when nothing changes.
 */
export function reconcileRefunds(
  p: PaymentDoc,
  reported: readonly ReportedRefund[],
  now: Date,
): RefundChange | undefined {
  const refunds = [...p.refunds];
  const events: OutboxDoc[] = [];
  const audit: AuditEntry[] = [];
  const at = now.toISOString();
  const moveTo = (index: number, status: RefundStatus, extra: Partial<RefundEntry>) => {
    const before = refunds[index];
    if (!before) return;
    const entry: RefundEntry = { ...before, ...extra, status, updatedAt: at };
    refunds[index] = entry;
    const event = refundEvent(p, entry, now);
    if (event) events.push(event);
    audit.push({ at, by: 'govuk-pay', action: `refund-${status}`, detail: `${entry.id}: ${entry.amount} pence` });
  };
  for (const r of reported) {
    const status = providerRefundStatus(r.status);
    const known = refunds.findIndex((e) => e.providerRefundId === r.refund_id);
    if (known >= 0) {
      const entry = refunds[known];
      if (entry && entry.status !== status && refundMovesTo(entry.status, status)) moveTo(known, status, {});
      continue;
    }
    const unclear = refunds.findIndex((e) => e.status === 'requested' && !e.providerRefundId && e.amount === r.amount);
    if (unclear >= 0) {
      moveTo(unclear, status, { providerRefundId: r.refund_id });
      continue;
    }
    const entry: RefundEntry = {
      id: randomUUID(),
      providerRefundId: r.refund_id,
      amount: r.amount,
      status,
      source: 'govuk-pay',
      reason: 'Made in GOV.UK Pay',
      by: 'govuk-pay',
      at,
      updatedAt: at,
    };
    refunds.push(entry);
    // A refund found already settled is still announced as made, then settled.
    const made = refundEvent(p, { ...entry, status: 'submitted' }, now);
    if (made) events.push(made);
    if (status !== 'submitted') {
      const settled = refundEvent(p, entry, now);
      if (settled) events.push(settled);
    }
    audit.push({ at, by: 'govuk-pay', action: 'refund-found', detail: `${entry.id}: ${entry.amount} pence` });
  }
  refunds.forEach((e, i) => {
    if (e.status === 'requested' && !e.providerRefundId && now.getTime() - Date.parse(e.updatedAt) > unansweredRefundMs)
      moveTo(i, 'error', {});
  });
  return events.length > 0 ? { refunds, events, audit } : undefined;
}

export const hasOpenRefunds = (refunds: readonly RefundEntry[]) => refunds.some((r) => refundOpen(r.status));

export const hasRefundsAwaitingApproval = (refunds: readonly RefundEntry[]) =>
  refunds.some((r) => r.status === 'awaiting-approval');

/** Pence refunded and settled (`success`): a notice refunded in full is owed again. */
export const settledRefundPence = (refunds: readonly RefundEntry[]) =>
  refunds.reduce((n, r) => n + (r.status === 'success' ? r.amount : 0), 0);
