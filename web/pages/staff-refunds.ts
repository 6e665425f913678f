/**
 * Refunds for the finance role (decision 0401: never one's own payment; above the
 * threshold a second finance user approves). Finance finds a payment by its payment
 * reference, the random id the resident has on their receipt (decision 1030): never by
 * a name, email or notice number, so no personal data is in a URL or a log line.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, ok } from '../api/client.js';
import type { StaffPageHandler, StaffPageRequest, StaffPageResult } from '../staff/staff-page.js';
import { refundsAwaitingView, staffPaymentView, type RefundStatus, type StaffPaymentView } from '../staff/ops-views.js';
import { formErrorData, type FormError } from '../staff/form-errors.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const pounds = (pence: number) => `£${(pence / 100).toFixed(2)}`;
const paymentPath = (id: string) => `/staff/payments/${encodeURIComponent(id)}`;

const paymentStatusNames: Record<string, string> = {
  creating: 'Starting',
  created: 'Not paid yet',
  started: 'Not paid yet',
  submitted: 'Not paid yet',
  capturable: 'Not paid yet',
  success: 'Paid',
  failed: 'Not paid',
  cancelled: 'Cancelled',
  error: 'Not paid',
};
export const refundStatusNames: Record<RefundStatus, string> = {
  'awaiting-approval': 'Waiting for a second approver',
  declined: 'Declined',
  requested: 'Asked of GOV.UK Pay',
  submitted: 'With GOV.UK Pay',
  success: 'Refunded',
  error: 'Failed',
};

/**
 * One page of the refunds waiting for a second approver (decision 1031). `after` is the
 * API's opaque continuation: it names no person, so it may ride in the URL.
 */
async function awaitingApproval(page: StaffPageRequest) {
  const after = page.query.get('after') ?? undefined;
  const result = await page.api('Refunds: awaiting approval').GET('/staff/refunds/awaiting-approval', {
    params: { query: { pageSize: 20, ...(after ? { continuation: after } : {}) } },
  });
  if (result.response.status === 400) return { items: [], firstPage: true };
  const list = refundsAwaitingView.parse(ok(result));
  return {
    items: list.items.map((r) => ({
      ...r,
      amountText: pounds(r.amount),
      paymentAmountText: pounds(r.paymentAmount),
      href: paymentPath(r.paymentId),
    })),
    ...(list.continuation ? { next: `/staff/payments?after=${encodeURIComponent(list.continuation)}` } : {}),
    firstPage: after === undefined,
  };
}

/** Finding a payment: a GET form, as the reference is a random id and nothing personal. */
export const findPayment: StaffPageHandler = async (page) => {
  const reference = (page.query.get('reference') ?? '').trim().toLowerCase();
  if (!page.query.has('reference'))
    return {
      view: 'staff-payments',
      data: { values: {}, ...formErrorData([]), awaiting: await awaitingApproval(page) },
    };
  const error = async (text: string): Promise<StaffPageResult> => ({
    view: 'staff-payments',
    status: 400,
    data: {
      values: { reference },
      ...formErrorData([{ field: 'reference', text }]),
      awaiting: await awaitingApproval(page),
    },
  });
  if (reference === '') return error('Enter the payment reference');
  if (!uuid.test(reference))
    return error('Enter the payment reference as it is on the receipt, like 0b8e4c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b');
  const result = await page
    .api('Refunds: find a payment')
    .GET('/payments/{id}', { params: { path: { id: reference } } });
  if (result.response.status === 404) return error('No payment has that reference. Check it and try again');
  ok(result);
  return { redirect: paymentPath(reference) };
};

async function paymentPage(
  page: StaffPageRequest,
  id: string,
  extra: { errors?: readonly FormError[]; values?: Record<string, string> } = {},
): Promise<StaffPageResult> {
  const payment = staffPaymentView.parse(
    ok(await page.api('Refunds: payment page').GET('/payments/{id}', { params: { path: { id } } })),
  );
  const errors = extra.errors ?? [];
  return {
    view: 'staff-payment',
    status: errors.length > 0 ? 400 : 200,
    data: {
      payment,
      statusName: paymentStatusNames[payment.status] ?? payment.status,
      amount: pounds(payment.amount),
      refunded: pounds(payment.refunded),
      refunds: payment.refunds.map((r) => ({
        ...r,
        amountText: pounds(r.amount),
        statusName: refundStatusNames[r.status],
        waiting: r.status === 'awaiting-approval',
      })),
      refundable: payment.status === 'success' && payment.refunded < payment.amount,
      // A fresh key each time the form is drawn: sending the same form twice refunds once.
      idempotencyKey: randomUUID(),
      ...formErrorData(errors),
      values: extra.values ?? {},
    },
  };
}

export const onePayment: StaffPageHandler = (page) => paymentPage(page, page.request.params.id ?? '');

/** Pounds as typed ("120", "£120.50") in pence, or undefined. */
export function pence(text: string): number | undefined {
  const match = /^£?\s*(\d{1,6})(?:\.(\d{2}))?$/.exec(text.replace(/,/g, ''));
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number(match[2] ?? '0');
}

const problemOf = (result: { error?: unknown }) =>
  (result.error ?? {}) as ApiError['problem'] & { readonly detail?: string };
const field = (form: URLSearchParams, name: string) => (form.get(name) ?? '').trim();

export const raiseRefund: StaffPageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const amountText = field(page.form, 'amount');
  const reason = field(page.form, 'reason');
  const key = field(page.form, 'idempotencyKey');
  const values = { amount: amountText, reason };
  const amount = pence(amountText);
  const errors: FormError[] = [];
  if (amountText === '') errors.push({ field: 'amount', text: 'Enter the amount to refund' });
  else if (amount === undefined || amount < 1)
    errors.push({ field: 'amount', text: 'Enter the amount in pounds and pence, like 12.50' });
  if (reason === '') errors.push({ field: 'reason', text: 'Enter why the payment is being refunded' });
  else if (reason.length > 500) errors.push({ field: 'reason', text: 'The reason must be 500 characters or fewer' });
  if (errors.length > 0 || amount === undefined) return paymentPage(page, id, { errors, values });
  const result = await page.api('Refunds: raise').POST('/staff/payments/{id}/refunds', {
    params: { path: { id }, header: { 'Idempotency-Key': uuid.test(key) ? key : randomUUID() } },
    body: { amount, reason },
  });
  const status = result.response.status;
  if (status === 403)
    // The page admits finance only, so the API's refusal here is its rule on one's own payment.
    return paymentPage(page, id, {
      errors: [{ field: 'amount', text: 'You cannot refund a payment you made yourself' }],
      values,
    });
  if (status === 409 || status === 422)
    return paymentPage(page, id, {
      errors: [
        {
          field: 'amount',
          text: problemOf(result).errors?.[0]?.detail ?? problemOf(result).detail ?? 'Check the amount',
        },
      ],
      values,
    });
  const done = staffPaymentView.parse(ok(result));
  page.session = {
    ...page.session,
    flash:
      status === 202
        ? `The refund of ${pounds(amount)} is waiting for a second finance user to approve it. Ask them to open payment reference ${id}.`
        : `The refund of ${pounds(amount)} has been asked of GOV.UK Pay`,
  };
  return { redirect: paymentPath(done.id) };
};

export const decideRefund: StaffPageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const refundId = page.request.params.refundId ?? '';
  const decision = field(page.form, 'decision');
  const reason = field(page.form, 'decisionReason');
  const values = { refundId, decision, decisionReason: reason };
  const errors: FormError[] = [];
  if (decision !== 'approve' && decision !== 'decline')
    errors.push({ field: 'decision', text: 'Select whether to approve or decline the refund' });
  if (reason.length > 500) errors.push({ field: 'decisionReason', text: 'The reason must be 500 characters or fewer' });
  if (errors.length > 0) return paymentPage(page, id, { errors, values });
  const result = await page.api('Refunds: decide').POST('/staff/payments/{id}/refunds/{refundId}/approval', {
    params: { path: { id, refundId } },
    body: { decision: decision as 'approve' | 'decline', ...(reason ? { reason } : {}) },
  });
  if (result.response.status === 403)
    return paymentPage(page, id, {
      errors: [{ field: 'decision', text: 'You asked for this refund, so a different finance user must approve it' }],
      values,
    });
  if (result.response.status === 409) {
    page.session = {
      ...page.session,
      flash: problemOf(result).detail ?? 'Someone has already decided this refund.',
    };
    return { redirect: paymentPath(id) };
  }
  const decided = staffPaymentView.parse(ok(result));
  page.session = {
    ...page.session,
    flash:
      decision === 'approve'
        ? `Refund approved: ${pounds(decided.refund?.amount ?? 0)} has been asked of GOV.UK Pay`
        : 'Refund declined',
  };
  return { redirect: paymentPath(id) };
};

export type { StaffPaymentView };
