/**
 * GOV.UK Pay's payment states, as a closed set. A state only moves forward: a
 * late or replayed webhook, or a stale read, can never take a payment back.
 */
export const paymentStatuses = [
  'creating',
  'created',
  'started',
  'submitted',
  'capturable',
  'success',
  'failed',
  'cancelled',
  'error',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** `creating`: recorded by Doorstep, not yet confirmed by GOV.UK Pay. */
const rank: Readonly<Record<PaymentStatus, number>> = {
  creating: 0,
  created: 1,
  started: 2,
  submitted: 3,
  capturable: 4,
  success: 9,
  failed: 9,
  cancelled: 9,
  error: 9,
};

export const isFinal = (s: PaymentStatus) => rank[s] === 9;

/** Whether a report of `next` may replace `current`. */
export const movesForward = (current: PaymentStatus, next: PaymentStatus) =>
  !isFinal(current) && rank[next] > rank[current];

export function providerStatus(value: unknown): PaymentStatus {
  return typeof value === 'string' && (paymentStatuses as readonly string[]).includes(value) && value !== 'creating'
    ? (value as PaymentStatus)
    : 'error';
}

/** The final states, for queries that must leave them out. */
export const finalStatuses: readonly PaymentStatus[] = paymentStatuses.filter(isFinal);

/**
 * A refund's states. Doorstep records a refund before asking GOV.UK Pay for it
 * (`requested`), or holds it for a second finance approver (`awaiting-approval`);
 * GOV.UK Pay's own refunds start `submitted` and end `success` or `error`.
 */
export const refundStatuses = ['awaiting-approval', 'declined', 'requested', 'submitted', 'success', 'error'] as const;
export type RefundStatus = (typeof refundStatuses)[number];

const refundNext: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  'awaiting-approval': ['requested', 'declined'],
  declined: [],
  requested: ['submitted', 'success', 'error'],
  submitted: ['success', 'error'],
  success: [],
  error: [],
};

export const refundMovesTo = (current: RefundStatus, next: RefundStatus) => refundNext[current].includes(next);

/** Whether the money of a refund in this state is, or may be, on its way back to the payer. */
export const refundCommitted = (s: RefundStatus) => s === 'requested' || s === 'submitted' || s === 'success';

export const refundOpen = (s: RefundStatus) => s === 'requested' || s === 'submitted';

export function providerRefundStatus(value: string): 'submitted' | 'success' | 'error' {
  return value === 'submitted' || value === 'success' ? value : 'error';
}
