/**
 * What a payment is to Doorstep: the request a resident sends, the document kept
 * in Cosmos DB (one per payment, with its refunds and audit trail), and the views
 * residents and staff see.
 */
import { z } from 'zod';
import type { MyAccountEntry } from '../residents/my-account.js';
import { myAccountEntry } from '../residents/my-account-entry.js';
import { isFinal, refundCommitted, type PaymentStatus, type RefundStatus } from './status.js';

/** A penalty charge notice's reference, as printed on the notice. */
export const penaltyNoticeReference = z
  .string()
  .trim()
  .regex(/^[A-Z]{2}\d{8}$/, 'A PCN reference is two letters and eight digits, like BS12345678');

export const newPaymentSchema = z.strictObject({
  itemCode: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  quantity: z.int().min(1).max(100).optional(),
  /** The penalty notice (PCN) reference, for items priced by notice. */
  reference: penaltyNoticeReference.optional(),
});
export type NewPayment = z.output<typeof newPaymentSchema>;

export const refundSchema = z.strictObject({
  amount: z.int().min(1).max(10_000_000),
  reason: z.string().trim().min(1).max(500),
});
export type NewRefund = z.output<typeof refundSchema>;

export const refundDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'decline']),
  reason: z.string().trim().min(1).max(500).optional(),
});
export type RefundDecision = z.output<typeof refundDecisionSchema>;

export interface RefundEntry {
  /** Doorstep's id for the refund (GOV.UK Pay's is `providerRefundId`, once it has one). */
  readonly id: string;
  readonly providerRefundId?: string;
  readonly amount: number;
  readonly status: RefundStatus;
  /** `govuk-pay`: made in GOV.UK Pay's own admin tool, found by reconciliation. */
  readonly source: 'doorstep' | 'govuk-pay';
  readonly reason?: string;
  /** Who asked for it (staff `sub`), or `govuk-pay`. */
  readonly by: string;
  readonly approvedBy?: string;
  /** The Idempotency-Key it was asked with. */
  readonly key?: string;
  /** GOV.UK Pay's `amount_available` when the refund was asked of it: sent again on a retry, so a refund that already landed is refused (412) rather than made twice. */
  readonly availableBefore?: number;
  readonly at: string;
  readonly updatedAt: string;
}

export interface AuditEntry {
  readonly at: string;
  readonly by: string;
  readonly action: string;
  readonly detail?: string;
}

export interface PaymentDoc {
  readonly id: string;
  readonly pk: string;
  readonly type: 'payment';
  readonly ownerId: string;
  readonly itemCode: string;
  readonly description: string;
  readonly amount: number;
  readonly noticeReference?: string;
  readonly status: PaymentStatus;
  readonly providerId?: string;
  readonly nextUrl?: string;
  readonly providerCode?: string;
  /** Lease on calling GOV.UK Pay: while it runs, only its holder may create the provider payment. */
  readonly attempt: number;
  readonly leaseUntil?: string | null;
  readonly refunds: readonly RefundEntry[];
  /** Whether a refund is still on its way (`requested`/`submitted`): the sweep follows these. */
  readonly openRefunds?: boolean;
  /** Whether a refund waits for a second finance approver: finance's list reads only these (decision 1031). */
  readonly awaitingApproval?: boolean;
  /** When a read last asked GOV.UK Pay about this payment (reads ask at most every PAYMENT_REFRESH_SECONDS). */
  readonly checkedAt?: string;
  readonly audit: readonly AuditEntry[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly _etag?: string;
}

export interface MyPaymentEntry extends MyAccountEntry {
  readonly paymentId: string;
  readonly summary: {
    readonly description: string;
    readonly amount: number;
    readonly status: string;
    readonly refunded: number;
    readonly failureReason?: FailureReason;
  };
}

/**
 * Why a payment did not go through, from GOV.UK Pay's `state.code` (pay-publicapi's
 * documented codes): the return page and My Account tell the resident which it was.
 */
export type FailureReason = 'declined' | 'expired' | 'cancelled' | 'cancelled-by-council' | 'error';

export function failureReason(p: Pick<PaymentDoc, 'status' | 'providerCode'>): FailureReason | undefined {
  if (p.status === 'cancelled') return 'cancelled-by-council';
  if (p.status === 'error') return 'error';
  if (p.status !== 'failed') return undefined;
  switch (p.providerCode) {
    case 'P0010':
      return 'declined';
    case 'P0020':
      return 'expired';
    case 'P0030':
      return 'cancelled';
    case 'P0040':
      return 'cancelled-by-council';
    default:
      return 'error';
  }
}

/** Refunded, or on its way back to the payer. */
export const refundedPence = (p: PaymentDoc) =>
  p.refunds.reduce((n, r) => n + (refundCommitted(r.status) ? r.amount : 0), 0);

export const toPaymentView = (p: PaymentDoc) => ({
  id: p.id,
  itemCode: p.itemCode,
  description: p.description,
  amount: p.amount,
  status: p.status,
  finished: isFinal(p.status),
  ...(p.noticeReference ? { noticeReference: p.noticeReference } : {}),
  ...(p.nextUrl && !isFinal(p.status) ? { nextUrl: p.nextUrl } : {}),
  ...(failureReason(p) ? { failureReason: failureReason(p) } : {}),
  refunded: refundedPence(p),
  refunds: p.refunds.map((r) => ({ id: r.id, amount: r.amount, status: r.status, at: r.at })),
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/** The resident's My Account entry for a payment. */
export const toMyPaymentEntry = (p: PaymentDoc): MyPaymentEntry =>
  myAccountEntry(
    'payment',
    { id: p.id, residentId: p.ownerId, createdAt: p.createdAt },
    {
      description: p.description,
      amount: p.amount,
      status: p.status,
      refunded: refundedPence(p),
      ...(failureReason(p) ? { failureReason: failureReason(p) } : {}),
    },
  );
