import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { badRequest, validationFailed } from '../shared/errors.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import { idempotencyKey, parseJson, parseQuery, readBody } from '../shared/http/request.js';
import { json, publicJson } from '../shared/http/response.js';
import { logEvent } from '../shared/observability/log.js';
import {
  newPaymentSchema,
  penaltyNoticeReference,
  refundDecisionSchema,
  refundSchema,
  toPaymentView,
} from '../shared/payments/model.js';
import {
  applyWebhook,
  decideRefund,
  getPayment,
  listMyPayments,
  listPayableItems,
  lookUpPenaltyNotice,
  refundPayment,
  startPayment,
  sweepRefunds,
  sweepUnfinished,
} from '../shared/payments/payments.js';
import { depsFor } from '../shared/platform/deps.js';
import { config } from '../shared/config.js';
import { listMineQuery } from '../shared/service-requests/schemas.js';
import { pageBody } from '../shared/http/page.js';
import { accessReasonHeader, recordStaffAccess } from '../shared/audit/access-log.js';

export async function getPayableItems(): Promise<HttpResponseInit> {
  return publicJson({ items: await listPayableItems(await depsFor.payments()) }, 60);
}

export async function createPayment(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.payments();
  const key = idempotencyKey(request);
  const body = await parseJson(request, newPaymentSchema, 4 * 1024);
  const { payment, replay } = await startPayment({ body, idempotencyKey: key }, principal, deps);
  return json(201, toPaymentView(payment), {
    location: `/api/payments/${payment.id}`,
    ...(replay ? { 'idempotent-replayed': 'true' } : {}),
  });
}

export async function getOnePayment(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const payment = await getPayment(request.params.id ?? '', principal, await depsFor.payments());
  await recordStaffAccess(
    await depsFor.accessLog(),
    principal,
    payment.ownerId,
    { type: 'payment', id: payment.id },
    'payment.read',
    request.headers.get(accessReasonHeader),
  );
  return json(200, toPaymentView(payment));
}

/** GOV.UK Pay webhooks: the signature is checked over the raw body, before anything is parsed. */
export async function paymentWebhook(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const deps = await depsFor.payments();
  const raw = await readBody(request, 64 * 1024);
  const outcome = await applyWebhook(raw, request.headers.get('pay-signature'), deps);
  logEvent(context, 'info', 'payment.webhook', outcome);
  return { status: 200 };
}

export async function createRefund(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the body: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'finance');
  const deps = await depsFor.payments();
  const key = idempotencyKey(request);
  if (!key) throw badRequest('Send an Idempotency-Key header with every refund.');
  const body = await parseJson(request, refundSchema, 4 * 1024);
  const { payment, refund } = await refundPayment(
    { id: request.params.id ?? '', amount: body.amount, reason: body.reason, idempotencyKey: key },
    principal,
    deps,
  );
  // 202: held for a second finance approver.
  return json(refund.status === 'awaiting-approval' ? 202 : 201, {
    ...toPaymentView(payment),
    refund: { id: refund.id, amount: refund.amount, status: refund.status },
  });
}

export async function approveRefund(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the body: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'finance');
  const deps = await depsFor.payments();
  const body = await parseJson(request, refundDecisionSchema, 4 * 1024);
  const { payment, refund } = await decideRefund(
    { id: request.params.id ?? '', refundId: request.params.refundId ?? '', ...body },
    principal,
    deps,
  );
  return json(200, {
    ...toPaymentView(payment),
    refund: { id: refund.id, amount: refund.amount, status: refund.status },
  });
}

export async function getMyPayments(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = await depsFor.payments();
  const page = await listMyPayments(parseQuery(request, listMineQuery), principal, deps);
  return json(
    200,
    pageBody(page, (e) => ({ id: e.paymentId, at: e.at, ...e.summary })),
  );
}

/**
 * Timer: webhooks can be lost; payments unfinished after PAYMENT_SWEEP_AFTER_MINUTES are asked
 * about, and refunds are followed to their end (failures send no webhook).
 */
export async function sweepPayments(_timer: Timer, context: InvocationContext): Promise<void> {
  const deps = await depsFor.payments();
  const changed = await sweepUnfinished(config().payments.sweepAfterMs, deps);
  const refundsChanged = await sweepRefunds(deps);
  logEvent(context, 'info', 'payments.swept', { changed, refundsChanged });
}

/** What is owed on a penalty charge notice (a signed-in resident; bounded per resident against guessing). */
export async function getPenaltyNotice(request: HttpRequest): Promise<HttpResponseInit> {
  await authenticate(request, depsFor.tokens());
  const deps = await depsFor.payments();
  const reference = penaltyNoticeReference.safeParse(request.params.reference ?? '');
  if (!reference.success)
    throw validationFailed([
      { pointer: '/reference', detail: reference.error.issues[0]?.message ?? 'Invalid reference' },
    ]);
  return json(200, await lookUpPenaltyNotice(reference.data, deps));
}
