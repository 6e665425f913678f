/**
 * Taking payments through GOV.UK Pay without ever losing or double-taking one.
 *
 * The payment is recorded (`creating`) before GOV.UK Pay is called, with its own
 * id as GOV.UK Pay's `reference`. Only the holder of a short lease on the record
 * may call GOV.UK Pay, and any attempt after the first looks the payment up by
 * reference before creating one, so concurrent or retried requests, provider
 * timeouts and 5xx all end in exactly one payment, here and at the provider.
 * States only move forward, whoever reports them (return, webhook, sweep).
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError, conflict, notFound, validationFailed } from '../errors.js';
import { outboxEvent, type OutboxDoc } from '../events/cloud-event.js';
import { claimIdempotencyKey, type IdempotencyStore } from '../idempotency/idempotency.js';
import { isStaff, requireRole, type Principal } from '../identity/principal.js';
import {
  ProviderRejected,
  providerPaymentSchema,
  type PaymentProvider,
  type ProviderPayment,
} from './govuk-pay-client.js';
import { toMyPaymentEntry, type MyPaymentEntry, type NewPayment, type PaymentDoc } from './model.js';
import type { PayableItem, PenaltyNotice } from './payable-items.js';
import { isFinal, movesForward, providerStatus } from './status.js';
import type { Page, PayableItemStore, PaymentStore } from './store.js';

export interface PaymentDeps {
  readonly payments: PaymentStore;
  readonly payableItems: PayableItemStore;
  readonly idempotency: IdempotencyStore;
  readonly provider: PaymentProvider;
  readonly returnUrl: string;
  readonly webhookSecret: string;
  /** How long an unclear GOV.UK Pay call might still take effect (the call's own timeout). */
  readonly coolOffMs: number;
  readonly now: () => Date;
}

const leaseMs = 30_000;
const leased = (p: PaymentDoc, now: Date) => p.leaseUntil != null && Date.parse(p.leaseUntil) > now.getTime();

async function priceOf(
  body: NewPayment,
  deps: PaymentDeps,
): Promise<{ item: PayableItem; amount: number; notice?: PenaltyNotice }> {
  const item = await deps.payableItems.item(body.itemCode);
  if (!item)
    throw validationFailed([{ pointer: '/itemCode', detail: 'Choose something to pay for from /api/payable-items.' }]);
  switch (item.pricing.kind) {
    case 'fixed':
      if (body.quantity !== undefined && body.quantity !== 1)
        throw validationFailed([{ pointer: '/quantity', detail: 'This is bought one at a time.' }]);
      return { item, amount: item.pricing.amountPence };
    case 'per-unit': {
      const quantity = body.quantity ?? 1;
      if (quantity > item.pricing.maxUnits)
        throw validationFailed([{ pointer: '/quantity', detail: `At most ${item.pricing.maxUnits}.` }]);
      return { item, amount: item.pricing.unitPence * quantity };
    }
    case 'penalty-notice': {
      if (!body.reference)
        throw validationFailed([
          { pointer: '/reference', detail: 'Enter the reference on the penalty charge notice.' },
        ]);
      const notice = await deps.payableItems.notice(body.reference);
      if (!notice || notice.paid)
        throw validationFailed([{ pointer: '/reference', detail: 'There is nothing to pay on this reference.' }]);
      return { item, amount: notice.amountPence, notice };
    }
  }
}

async function save(
  doc: PaymentDoc,
  next: PaymentDoc,
  deps: PaymentDeps,
  events: OutboxDoc[] = [],
): Promise<PaymentDoc | 'stale'> {
  return deps.payments.replace(next, doc._etag ?? '', events);
}

const finalEvent = (p: PaymentDoc, now: Date): OutboxDoc =>
  outboxEvent({
    partition: p.pk,
    family: 'payment',
    name: 'finished',
    subject: p.id,
    now,
    routing: { itemCode: p.itemCode },
    data: {
      paymentId: p.id,
      itemCode: p.itemCode,
      amount: p.amount,
      status: p.status,
      providerId: p.providerId,
      providerCode: p.providerCode,
      at: p.updatedAt,
    },
  });

async function project(p: PaymentDoc, deps: PaymentDeps): Promise<void> {
  await deps.payments.putMyEntry(toMyPaymentEntry(p));
}

/** A paid penalty notice cannot be paid again (the parking system hears of it through the event). */
async function markNoticePaid(reference: string, deps: PaymentDeps): Promise<void> {
  const notice = await deps.payableItems.notice(reference);
  if (notice && !notice.paid) await deps.payableItems.putNotice({ ...notice, paid: true });
}

/** Applies what GOV.UK Pay reports, if it moves the payment forward. */
async function applyProvider(doc: PaymentDoc, provider: ProviderPayment, deps: PaymentDeps): Promise<PaymentDoc> {
  let current = doc;
  for (let attempt = 0; attempt < 5; attempt++) {
    const status = providerStatus(provider.state.status);
    const adopt = current.providerId === undefined;
    if (!adopt && (current.providerId !== provider.payment_id || !movesForward(current.status, status))) return current;
    const now = deps.now();
    const next: PaymentDoc = {
      ...current,
      status: movesForward(current.status, status) ? status : current.status,
      providerId: provider.payment_id,
      ...(provider._links?.next_url?.href ? { nextUrl: provider._links.next_url.href } : {}),
      ...(provider.state.code ? { providerCode: provider.state.code } : {}),
      leaseUntil: null,
      updatedAt: now.toISOString(),
    };
    const saved = await save(
      current,
      next,
      deps,
      isFinal(next.status) && !isFinal(current.status) ? [finalEvent(next, now)] : [],
    );
    if (saved !== 'stale') {
      await project(saved, deps);
      if (saved.status === 'success' && saved.noticeReference) await markNoticePaid(saved.noticeReference, deps);
      return saved;
    }
    const reread = await deps.payments.get(doc.id);
    if (!reread) throw notFound('The payment');
    current = reread;
  }
  throw new AppError('dependency-unavailable', 'The payment is being updated; try again.', { retryAfterSeconds: 1 });
}

/** Calls GOV.UK Pay for a recorded payment, if this caller holds the lease. */
async function ensureProviderPayment(doc: PaymentDoc, deps: PaymentDeps, alreadyLeased: boolean): Promise<PaymentDoc> {
  let current = doc;
  if (!alreadyLeased) {
    const now = deps.now();
    if (leased(current, now)) return waitForProvider(current, deps);
    const next: PaymentDoc = {
      ...current,
      attempt: current.attempt + 1,
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      updatedAt: now.toISOString(),
    };
    const saved = await save(current, next, deps);
    if (saved === 'stale') {
      const reread = await deps.payments.get(doc.id);
      return reread?.providerId ? reread : waitForProvider(reread ?? doc, deps);
    }
    current = saved;
  }
  try {
    // After any earlier attempt the outcome may be unclear: look before creating again.
    const existing = current.attempt > 1 ? await deps.provider.findByReference(current.id) : undefined;
    const provider =
      existing ??
      (await deps.provider.create({
        amount: current.amount,
        reference: current.id,
        description: current.description,
        returnUrl: `${deps.returnUrl}${deps.returnUrl.includes('?') ? '&' : '?'}payment=${current.id}`,
        metadata: { doorstepPaymentId: current.id, itemCode: current.itemCode },
      }));
    return await applyProvider(current, provider, deps);
  } catch (error) {
    // A refusal is definite: release the lease. A timeout or 5xx is not: GOV.UK Pay may still
    // create the payment, so the lease runs on for a cool-off before anyone looks it up again.
    const definite = error instanceof ProviderRejected;
    const until = definite ? null : new Date(deps.now().getTime() + deps.coolOffMs).toISOString();
    const reread = await deps.payments.get(doc.id);
    if (reread && !reread.providerId) await save(reread, { ...reread, leaseUntil: until }, deps).catch(() => undefined);
    if (definite) throw new AppError('internal', 'GOV.UK Pay refused the payment request.', { cause: error });
    throw new AppError(
      'dependency-unavailable',
      'GOV.UK Pay did not answer clearly. Try again shortly: the payment will not be taken twice.',
      {
        retryAfterSeconds: Math.ceil(deps.coolOffMs / 1000),
        cause: error,
      },
    );
  }
}

async function waitForProvider(doc: PaymentDoc, deps: PaymentDeps): Promise<PaymentDoc> {
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const reread = await deps.payments.get(doc.id);
    if (reread?.providerId) return reread;
    if (reread && !leased(reread, deps.now())) return ensureProviderPayment(reread, deps, false);
  }
  throw new AppError('dependency-unavailable', 'The payment is still being set up with GOV.UK Pay; try again.', {
    retryAfterSeconds: 5,
  });
}

export async function startPayment(
  input: { body: NewPayment; idempotencyKey: string | undefined },
  principal: Principal,
  deps: PaymentDeps,
): Promise<{ payment: PaymentDoc; replay: boolean }> {
  const { item, amount, notice } = await priceOf(input.body, deps);
  const { resourceId, replay } = await claimIdempotencyKey(
    deps.idempotency,
    `payments:${principal.sub}`,
    input.idempotencyKey,
    input.body,
    randomUUID,
  );
  const now = deps.now();
  const doc: PaymentDoc = {
    id: resourceId,
    pk: resourceId,
    type: 'payment',
    ownerId: principal.sub,
    itemCode: item.code,
    description: notice ? `${item.name} ${notice.reference}` : item.name,
    amount,
    ...(notice ? { noticeReference: notice.reference } : {}),
    status: 'creating',
    attempt: 1,
    leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    refunds: [],
    audit: [{ at: now.toISOString(), by: principal.sub, action: 'created', detail: `${amount} pence` }],
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const created = await deps.payments.create(doc);
  if (created !== 'exists') {
    await project(created, deps);
    return { payment: await ensureProviderPayment(created, deps, true), replay };
  }
  const existing = await deps.payments.get(resourceId);
  if (!existing) throw new AppError('internal', 'The payment could not be read back.');
  if (existing.ownerId !== principal.sub) throw notFound('The payment');
  return { payment: existing.providerId ? existing : await ensureProviderPayment(existing, deps, false), replay: true };
}

/** The payment, refreshed from GOV.UK Pay while it is not final (the resident's return). */
export async function getPayment(id: string, principal: Principal, deps: PaymentDeps): Promise<PaymentDoc> {
  const doc = /^[0-9a-f-]{36}$/.test(id) ? await deps.payments.get(id) : undefined;
  if (doc?.type !== 'payment' || (doc.ownerId !== principal.sub && !isStaff(principal))) throw notFound('The payment');
  return refresh(doc, deps);
}

async function refresh(doc: PaymentDoc, deps: PaymentDeps): Promise<PaymentDoc> {
  if (isFinal(doc.status)) return doc;
  if (!doc.providerId) return ensureProviderPayment(doc, deps, false);
  return applyProvider(doc, await deps.provider.get(doc.providerId), deps);
}

/** A GOV.UK Pay webhook message (pay-webhooks' `WebhookMessageBody`). */
const webhookMessageSchema = z.object({
  resource_type: z.string(),
  event_type: z.string().optional(),
  resource: providerPaymentSchema,
});

export function verifyPaySignature(rawBody: string, signature: string | null, secret: string): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature.trim())) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'));
}

/** A GOV.UK Pay webhook: only with a valid signature; duplicates and late arrivals change nothing. */
export async function applyWebhook(
  rawBody: string,
  signature: string | null,
  deps: PaymentDeps,
): Promise<'applied' | 'unchanged'> {
  if (!verifyPaySignature(rawBody, signature, deps.webhookSecret))
    throw new AppError('unauthorized', 'The Pay-Signature header is missing or wrong.');
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new AppError('bad-request', 'The webhook body is not JSON.');
  }
  const message = webhookMessageSchema.safeParse(body);
  if (!message.success || message.data.resource_type !== 'payment')
    throw new AppError('bad-request', 'Not a payment webhook.');
  const resource = message.data.resource;
  const doc = /^[0-9a-f-]{36}$/.test(resource.reference) ? await deps.payments.get(resource.reference) : undefined;
  if (doc?.type !== 'payment' || (doc.providerId !== undefined && doc.providerId !== resource.payment_id))
    throw notFound('The payment');
  const after = await applyProvider(doc, resource, deps);
  return after.status !== doc.status ? 'applied' : 'unchanged';
}

/** Timer: payments still unfinished after `olderThanMs` are asked about (webhooks can be lost). */
export async function sweepUnfinished(olderThanMs: number, deps: PaymentDeps): Promise<number> {
  const before = new Date(deps.now().getTime() - olderThanMs).toISOString();
  const resources = await deps.payments.unfinishedBefore(before);
  let changed = 0;
  for (const doc of resources) {
    const after = await refresh(doc, deps).catch(() => doc);
    if (after.status !== doc.status) changed++;
  }
  return changed;
}

/** Staff refunds: never more than is still available, idempotent per key, audited. */
export async function refundPayment(
  input: { id: string; amount: number; reason: string; idempotencyKey: string },
  principal: Principal,
  deps: PaymentDeps,
): Promise<PaymentDoc> {
  requireRole(principal, 'staff');
  let doc = await getPayment(input.id, principal, deps);
  const done = doc.refunds.find((r) => r.key === input.idempotencyKey);
  if (done) return doc;
  if (doc.status !== 'success' || !doc.providerId) throw conflict('Only a successful payment can be refunded.');
  const provider = await deps.provider.get(doc.providerId);
  const available = provider.refund_summary?.amount_available ?? 0;
  if (input.amount > available)
    throw validationFailed([{ pointer: '/amount', detail: `At most ${available} pence can still be refunded.` }]);
  const refund = await deps.provider.refund(doc.providerId, input.amount, available);
  if (refund === 'available-changed')
    throw conflict('Another refund changed the amount available; read the payment again.');
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = deps.now();
    const next: PaymentDoc = {
      ...doc,
      refunds: [
        ...doc.refunds,
        {
          id: refund.refund_id,
          amount: refund.amount,
          status: refund.status,
          at: now.toISOString(),
          by: principal.sub,
          key: input.idempotencyKey,
        },
      ],
      audit: [
        ...doc.audit,
        {
          at: now.toISOString(),
          by: principal.sub,
          action: 'refunded',
          detail: `${refund.amount} pence: ${input.reason}`,
        },
      ],
      updatedAt: now.toISOString(),
    };
    const event = outboxEvent({
      partition: doc.pk,
      family: 'payment',
      name: 'refunded',
      subject: doc.id,
      now,
      routing: { itemCode: doc.itemCode },
      data: { paymentId: doc.id, refundId: refund.refund_id, amount: refund.amount },
    });
    const saved = await save(doc, next, deps, [event]);
    if (saved !== 'stale') {
      await project(saved, deps);
      return saved;
    }
    const reread = await deps.payments.get(doc.id);
    if (!reread) throw notFound('The payment');
    doc = reread;
  }
  throw new AppError(
    'dependency-unavailable',
    'The refund was made but could not be recorded yet; it will be on the next read.',
  );
}

export async function listMyPayments(
  query: { pageSize: number; continuation?: string | undefined },
  principal: Principal,
  deps: Pick<PaymentDeps, 'payments'>,
): Promise<Page<MyPaymentEntry>> {
  return deps.payments.listMine(principal.sub, query.pageSize, query.continuation);
}

export async function listPayableItems(deps: Pick<PaymentDeps, 'payableItems'>): Promise<PayableItem[]> {
  return deps.payableItems.activeItems();
}
