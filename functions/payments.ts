import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { badRequest } from '../shared/errors.js';
import { authenticate } from '../shared/identity/principal.js';
import { idempotencyKey, parseJson, parseQuery, readBody } from '../shared/http/request.js';
import { json, publicJson } from '../shared/http/response.js';
import { logEvent } from '../shared/observability/log.js';
import { newPaymentSchema, refundDecisionSchema, refundSchema, toPaymentView } from '../shared/payments/model.js';
import {
  applyWebhook,
  decideRefund,
  getPayment,
  listMyPayments,
  listPayableItems,
  refundPayment,
  startPayment,
  sweepRefunds,
  sweepUnfinished,
} from '../shared/payments/payments.js';
import { appDeps } from '../shared/platform/deps.js';
import { listMineQuery } from '../shared/service-requests/schemas.js';
import { pageBody } from '../shared/http/page.js';
import { accessReasonHeader, recordStaffAccess } from '../shared/audit/access-log.js';

export async function getPayableItems(): Promise<HttpResponseInit> {
  const { paymentDeps } = await appDeps();
  return publicJson({ items: await listPayableItems(paymentDeps) }, 60);
}

export async function createPayment(request: HttpRequest): Promise<HttpResponseInit> {
  const { verify, paymentDeps: deps } = await appDeps();
  const principal = await authenticate(request, verify);
  const key = idempotencyKey(request);
  const body = await parseJson(request, newPaymentSchema, 4 * 1024);
  const { payment, replay } = await startPayment({ body, idempotencyKey: key }, principal, deps);
  return json(201, toPaymentView(payment), {
    location: `/api/payments/${payment.id}`,
    ...(replay ? { 'idempotent-replayed': 'true' } : {}),
  });
}

export async function getOnePayment(request: HttpRequest): Promise<HttpResponseInit> {
  const { verify, paymentDeps: deps, accessLog } = await appDeps();
  const principal = await authenticate(request, verify);
  const payment = await getPayment(request.params.id ?? '', principal, deps);
  await recordStaffAccess(
    accessLog,
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
  const { paymentDeps: deps } = await appDeps();
  const raw = await readBody(request, 64 * 1024);
  const outcome = await applyWebhook(raw, request.headers.get('pay-signature'), deps);
  logEvent(context, 'info', 'payment.webhook', outcome);
  return { status: 200 };
}

export async function createRefund(request: HttpRequest): Promise<HttpResponseInit> {
  const { verify, paymentDeps: deps } = await appDeps();
  const principal = await authenticate(request, verify);
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
  const { verify, paymentDeps: deps } = await appDeps();
  const principal = await authenticate(request, verify);
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
  const { verify, paymentDeps: deps } = await appDeps();
  const principal = await authenticate(request, verify);
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
  const { platform, paymentDeps: deps } = await appDeps();
  const changed = await sweepUnfinished(platform.config.payments.sweepAfterMs, deps);
  const refundsChanged = await sweepRefunds(deps);
  logEvent(context, 'info', 'payments.swept', { changed, refundsChanged });
}
