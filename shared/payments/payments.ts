/**
 * Taking payments through GOV.UK Pay without ever losing or double-taking one.
 *
 * The payment is recorded (`creating`) before GOV.UK Pay is called, with its own
 * id as GOV.UK Pay's `reference`. Only the holder of a short lease on the record
 * may call GOV.UK Pay, and any attempt after the first looks the payment up by
 * reference before creating one, so concurrent or retried requests, provider
 * timeouts and 5xx all end in exactly one payment, here and at the provider.
 * States only move forward, whoever reports them (return, webhook, sweep).
 *
 * Refunds are finance's: never by the payer, above a set amount only with a
 * second finance approver, recorded before GOV.UK Pay is asked, and followed to
 * their end (webhook and sweep), including refunds made in GOV.UK Pay itself.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../errors.js';
import { outboxEvent, type OutboxDoc } from '../events/cloud-event.js';
import { claimIdempotencyKey, type IdempotencyStore } from '../idempotency/idempotency.js';
import { isStaff, type Principal } from '../identity/principal.js';
import {
  ProviderRejected,
  providerPaymentSchema,
  type PaymentProvider,
  type ProviderPayment,
} from './govuk-pay-client.js';
import {
  toMyPaymentEntry,
  type AuditEntry,
  type MyPaymentEntry,
  type NewPayment,
  type NewRefund,
  type PaymentDoc,
  type RefundDecision,
  type RefundEntry,
} from './model.js';
import type { PayableItem, PenaltyNotice } from './payable-items.js';
import {
  hasOpenRefunds,
  hasRefundsAwaitingApproval,
  reconcileRefunds,
  refundEvent,
  settledRefundPence,
  type ReportedRefund,
} from './refunds.js';
import { isFinal, movesForward, providerRefundStatus, providerStatus } from './status.js';
import type { Page, PayableItemStore, PaymentStore } from './store.js';
import { isUuid } from '../data/ids.js';
import { retryWhileStale } from '../data/retry-stale.js';

export interface PaymentDeps {
  readonly payments: PaymentStore;
  readonly payableItems: PayableItemStore;
  readonly idempotency: IdempotencyStore;
  readonly provider: PaymentProvider;
  readonly returnUrl: string;
  readonly webhookSecret: string;
  /** How long an unclear GOV.UK Pay call might still take effect (the call's own timeout). */
  readonly coolOffMs: number;
  /** How long a payment GOV.UK Pay created may stay invisible to its search (it is eventually consistent). */
  readonly searchSettleMs: number;
  /** A read of an unfinished payment asks GOV.UK Pay at most this often. */
  readonly refreshMs: number;
  /** Refunds above this need a second finance approver. */
  readonly secondApprovalAbovePence: number;
  readonly now: () => Date;
}

const leaseMs = 30_000;
/** The longest a request waits for another caller's lease before answering 503. */
const waitForLeaseMs = 10_000;
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
  events: readonly OutboxDoc[] = [],
): Promise<PaymentDoc | 'stale'> {
  return deps.payments.replace(
    {
      ...next,
      openRefunds: hasOpenRefunds(next.refunds),
      awaitingApproval: hasRefundsAwaitingApproval(next.refunds),
    },
    doc._etag ?? '',
    events,
  );
}

/**
 * Applies `change` to the payment, re-reading and re-applying while another writer
 * got there first. `change` returns undefined when there is nothing to do.
 */
async function update(
  doc: PaymentDoc,
  deps: PaymentDeps,
  change: (current: PaymentDoc, now: Date) => { next: PaymentDoc; events: readonly OutboxDoc[] } | undefined,
): Promise<PaymentDoc> {
  let current = doc;
  return retryWhileStale(
    5,
    async () => {
      const now = deps.now();
      const changed = change(current, now);
      if (!changed) {
        // Nothing new, but a retry may be here because the notice's follow-up failed after the
        // payment was saved: bring the notice in line again (a read, and a write only if it differs).
        await followNotice(current, deps);
        return current;
      }
      const saved = await save(current, changed.next, deps, changed.events);
      if (saved !== 'stale') {
        await afterSave(current, saved, deps);
        return saved;
      }
      const reread = await deps.payments.get(doc.id);
      if (!reread) throw notFound('The payment');
      current = reread;
      return saved;
    },
    () => new AppError('dependency-unavailable', 'The payment is being updated; try again.', { retryAfterSeconds: 1 }),
  );
}

/** What follows a saved change: the resident's My Account entry, and a penalty notice's state. */
async function afterSave(before: PaymentDoc, after: PaymentDoc, deps: PaymentDeps): Promise<void> {
  await deps.payments.putMyEntry(toMyPaymentEntry(after));
  if (!after.noticeReference || after.status !== 'success') return;
  if (before.status === after.status && settledRefundPence(before.refunds) === settledRefundPence(after.refunds))
    return;
  await followNotice(after, deps);
}

/**
 * A penalty notice is paid while its payment stands: once refunded in full it is
 * owed again (the parking system hears of both through the payment's events).
 */
async function followNotice(p: PaymentDoc, deps: PaymentDeps): Promise<void> {
  if (!p.noticeReference) return;
  const notice = await deps.payableItems.notice(p.noticeReference);
  if (!notice) return;
  const refundedPence = settledRefundPence(p.refunds);
  const paid = p.status === 'success' && refundedPence < p.amount;
  if (notice.paid !== paid || (notice.refundedPence ?? 0) !== refundedPence)
    await deps.payableItems.putNotice({ ...notice, paid, refundedPence });
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

/** Applies what GOV.UK Pay reports, if it moves the payment forward. */
function applyProvider(doc: PaymentDoc, provider: ProviderPayment, deps: PaymentDeps): Promise<PaymentDoc> {
  return update(doc, deps, (current, now) => {
    const status = providerStatus(provider.state.status);
    const adopt = current.providerId === undefined;
    if (!adopt && (current.providerId !== provider.payment_id || !movesForward(current.status, status)))
      return undefined;
    const next: PaymentDoc = {
      ...current,
      status: movesForward(current.status, status) ? status : current.status,
      providerId: provider.payment_id,
      ...(provider._links?.next_url?.href ? { nextUrl: provider._links.next_url.href } : {}),
      ...(provider.state.code ? { providerCode: provider.state.code } : {}),
      leaseUntil: null,
      updatedAt: now.toISOString(),
    };
    return { next, events: isFinal(next.status) && !isFinal(current.status) ? [finalEvent(next, now)] : [] };
  });
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
    // After any earlier attempt the outcome may be unclear: look before creating again. A
    // search result has no `next_url`, so the payment found is read for its links.
    const found = current.attempt > 1 ? await deps.provider.findByReference(current.id) : undefined;
    const provider = found
      ? await deps.provider.get(found.payment_id)
      : await deps.provider.create({
          amount: current.amount,
          reference: current.id,
          description: current.description,
          returnUrl: `${deps.returnUrl}${deps.returnUrl.includes('?') ? '&' : '?'}payment=${current.id}`,
          metadata: { doorstepPaymentId: current.id, itemCode: current.itemCode },
        });
    return await applyProvider(current, provider, deps);
  } catch (error) {
    // A refusal is definite: release the lease. A timeout or 5xx is not: GOV.UK Pay may still
    // create the payment, and its search may not show it for a while, so the lease runs on
    // for the call's timeout plus the search's settling time before anyone looks again.
    const definite = error instanceof ProviderRejected;
    const unclearMs = deps.coolOffMs + deps.searchSettleMs;
    const until = definite ? null : new Date(deps.now().getTime() + unclearMs).toISOString();
    const reread = await deps.payments.get(doc.id);
    if (reread && !reread.providerId) await save(reread, { ...reread, leaseUntil: until }, deps).catch(() => undefined);
    if (definite) throw new AppError('internal', 'GOV.UK Pay refused the payment request.', { cause: error });
    throw new AppError(
      'dependency-unavailable',
      'GOV.UK Pay did not answer clearly. Try again shortly: the payment will not be taken twice.',
      { retryAfterSeconds: Math.ceil(unclearMs / 1000), cause: error },
    );
  }
}

async function waitForProvider(doc: PaymentDoc, deps: PaymentDeps): Promise<PaymentDoc> {
  const remainingMs = doc.leaseUntil ? Date.parse(doc.leaseUntil) - deps.now().getTime() : 0;
  // Longer than a caller's own lease: a cool-off after an unclear answer, not worth waiting out here.
  if (remainingMs > Math.max(waitForLeaseMs, leaseMs))
    throw new AppError('dependency-unavailable', 'The payment is still being set up with GOV.UK Pay; try again.', {
      retryAfterSeconds: Math.ceil(remainingMs / 1000),
    });
  for (let i = 0; i < waitForLeaseMs / 250; i++) {
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
    await deps.payments.putMyEntry(toMyPaymentEntry(created));
    return { payment: await ensureProviderPayment(created, deps, true), replay };
  }
  const existing = await deps.payments.get(resourceId);
  if (!existing) throw new AppError('internal', 'The payment could not be read back.');
  if (existing.ownerId !== principal.sub) throw notFound('The payment');
  return { payment: existing.providerId ? existing : await ensureProviderPayment(existing, deps, false), replay: true };
}

async function readPayment(id: string, principal: Principal, deps: PaymentDeps): Promise<PaymentDoc> {
  const doc = isUuid(id) ? await deps.payments.get(id) : undefined;
  if (!doc || (doc.ownerId !== principal.sub && !isStaff(principal) && !principal.roles.has('finance')))
    throw notFound('The payment');
  return doc;
}

/**
 * The payment, refreshed from GOV.UK Pay while it is not final (the resident's
 * return), but at most once every `refreshMs` per payment however often it is read.
 */
export async function getPayment(id: string, principal: Principal, deps: PaymentDeps): Promise<PaymentDoc> {
  return refresh(await readPayment(id, principal, deps), deps, false);
}

async function refresh(doc: PaymentDoc, deps: PaymentDeps, force: boolean): Promise<PaymentDoc> {
  if (isFinal(doc.status)) return doc;
  if (!doc.providerId) return ensureProviderPayment(doc, deps, false);
  let current = doc;
  if (!force) {
    const now = deps.now();
    if (current.checkedAt && now.getTime() - Date.parse(current.checkedAt) < deps.refreshMs) return current;
    // Claimed with the ETag: of concurrent readers, one asks GOV.UK Pay; the others show what is stored.
    const claimed = await save(current, { ...current, checkedAt: now.toISOString() }, deps);
    if (claimed === 'stale') return (await deps.payments.get(doc.id)) ?? doc;
    current = claimed;
  }
  return applyProvider(current, await deps.provider.get(doc.providerId), deps);
}

export function verifyPaySignature(rawBody: string, signature: string | null, secret: string): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature.trim())) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'));
}

/**
 * A GOV.UK Pay webhook message: pay-webhooks' `WebhookMessageBody`
 * (alphagov/pay-webhooks src/main/java/uk/gov/pay/webhooks/message/WebhookMessageBody.java),
 * whose `resource` is a `PaymentApiRepresentation` (no `_links`, null fields left out).
 */
const webhookMessageSchema = z.object({
  webhook_message_id: z.string().optional(),
  resource_id: z.string().optional(),
  resource_type: z.string(),
  event_type: z.string(),
  resource: providerPaymentSchema,
});

const noteText = z.string().max(100).optional().catch(undefined);
const webhookEnvelopeSchema = z.object({
  // Part of a Cosmos DB id: only characters an id may hold.
  webhook_message_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/)
    .optional()
    .catch(undefined),
  event_type: noteText,
  resource_type: noteText,
  resource_id: noteText,
});

export type WebhookOutcome =
  { readonly outcome: 'applied' | 'unchanged' } | { readonly outcome: 'ignored'; readonly reason: string };

/**
 * A GOV.UK Pay webhook: only with a valid signature; duplicates and late arrivals
 * change nothing. GOV.UK Pay retries any answer but 2xx for days, so a signed
 * message about a payment that is not Doorstep's (a payment link, a phone
 * payment) is acknowledged and noted as ignored.
 */
export async function applyWebhook(
  rawBody: string,
  signature: string | null,
  deps: PaymentDeps,
): Promise<WebhookOutcome> {
  if (!verifyPaySignature(rawBody, signature, deps.webhookSecret))
    throw new AppError('unauthorized', 'The Pay-Signature header is missing or wrong.');
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new AppError('bad-request', 'The webhook body is not JSON.');
  }
  const parsed = webhookMessageSchema.safeParse(body);
  // What can be noted of a message Doorstep does not act on: GOV.UK Pay's ids, never the payload.
  const envelope = webhookEnvelopeSchema.safeParse(body);
  const noted = envelope.success ? envelope.data : {};
  const ignore = async (reason: string): Promise<WebhookOutcome> => {
    await deps.payments.recordIgnoredWebhook({
      messageId: noted.webhook_message_id ?? randomUUID(),
      ...(noted.event_type ? { eventType: noted.event_type } : {}),
      ...(noted.resource_type ? { resourceType: noted.resource_type } : {}),
      ...(noted.resource_id ? { resourceId: noted.resource_id } : {}),
      reason,
      at: deps.now().toISOString(),
    });
    return { outcome: 'ignored', reason };
  };
  if (!parsed.success) return ignore('not a payment message Doorstep understands');
  const message = parsed.data;
  // The documentation shows `payment`; pay-webhooks sends ledger's transaction type, `PAYMENT`.
  if (message.resource_type.toLowerCase() !== 'payment') return ignore(`resource type ${message.resource_type}`);
  const resource = message.resource;
  const doc = isUuid(resource.reference) ? await deps.payments.get(resource.reference) : undefined;
  if (!doc) return ignore('not a payment Doorstep created');
  if (doc.providerId !== undefined && doc.providerId !== resource.payment_id)
    return ignore('another GOV.UK Pay payment with a Doorstep reference');
  let after = await applyProvider(doc, resource, deps);
  if (message.event_type === 'card_payment_refunded' && after.providerId)
    after = await applyRefunds(after, await deps.provider.refunds(after.providerId), deps);
  return { outcome: after._etag !== doc._etag ? 'applied' : 'unchanged' };
}

function applyRefunds(doc: PaymentDoc, reported: readonly ReportedRefund[], deps: PaymentDeps): Promise<PaymentDoc> {
  return update(doc, deps, (current, now) => {
    const change = reconcileRefunds(current, reported, now);
    if (!change) return undefined;
    return {
      next: {
        ...current,
        refunds: change.refunds,
        audit: [...current.audit, ...change.audit],
        updatedAt: now.toISOString(),
      },
      events: change.events,
    };
  });
}

/** Timer: payments still unfinished after `olderThanMs` are asked about (webhooks can be lost). */
export async function sweepUnfinished(olderThanMs: number, deps: PaymentDeps): Promise<number> {
  const before = new Date(deps.now().getTime() - olderThanMs).toISOString();
  const resources = await deps.payments.unfinishedBefore(before);
  let changed = 0;
  for (const doc of resources) {
    const after = await refresh(doc, deps, true).catch(() => doc);
    if (after.status !== doc.status) changed++;
  }
  return changed;
}

/** How far back the refund sweep reads GOV.UK Pay's refunds: past its last webhook retry (2 days). */
export const refundLookbackMs = 3 * 24 * 60 * 60_000;
/** A bound on the sweep's work: pages of 500 refunds. */
const maxRefundPages = 10;

/**
 * Timer: refunds still on their way are read again from GOV.UK Pay until they end
 * (`success` or `error`, which sends no webhook), and GOV.UK Pay's recent refunds
 * are read for any made in its admin tool whose webhook was lost.
 */
export async function sweepRefunds(deps: PaymentDeps): Promise<number> {
  let changed = 0;
  const track = async (doc: PaymentDoc, reported: readonly ReportedRefund[]) => {
    const after = await applyRefunds(doc, reported, deps).catch(() => doc);
    if (after._etag !== doc._etag) changed++;
  };
  // One payment GOV.UK Pay cannot answer for now must not stop the others: the next sweep asks again.
  for (const doc of await deps.payments.withOpenRefunds()) {
    const reported = doc.providerId ? await deps.provider.refunds(doc.providerId).catch(() => undefined) : undefined;
    if (reported) await track(doc, reported);
  }
  const from = new Date(deps.now().getTime() - refundLookbackMs);
  const byPayment = new Map<string, ReportedRefund[]>();
  for (let page = 1; page <= maxRefundPages; page++) {
    const found = await deps.provider.searchRefunds(from, page).catch(() => undefined);
    // A page that fails ends the search for this sweep; what the earlier pages said is still applied.
    if (!found) break;
    for (const r of found.refunds) byPayment.set(r.payment_id, [...(byPayment.get(r.payment_id) ?? []), r]);
    if (!found.more) break;
  }
  for (const doc of await deps.payments.byProviderIds([...byPayment.keys()])) {
    const reported = byPayment.get(doc.providerId ?? '') ?? [];
    const unknown = reported.some((r) => {
      const entry = doc.refunds.find((e) => e.providerRefundId === r.refund_id);
      return !entry || entry.status !== providerRefundStatus(r.status);
    });
    if (unknown) await track(doc, reported);
  }
  return changed;
}

/** Checked before the payment is read, so that nobody without the role learns whether it exists. */
function requireFinanceRole(principal: Principal): void {
  if (!principal.roles.has('finance')) throw forbidden('Refunds need the finance role.');
}

/** The payment a finance user is about to refund: never one they made themselves. */
async function readForRefund(id: string, principal: Principal, deps: PaymentDeps): Promise<PaymentDoc> {
  requireFinanceRole(principal);
  const doc = await readPayment(id, principal, deps);
  if (doc.ownerId === principal.sub) throw forbidden('Nobody may refund a payment they made.');
  return doc;
}

const audited = (doc: PaymentDoc, entry: AuditEntry): readonly AuditEntry[] => [...doc.audit, entry];

/**
 * A finance user refunds part or all of a payment: never more than is still
 * available, idempotent per key, audited. Above `secondApprovalAbovePence` the
 * refund waits for a second finance user's approval (`decideRefund`).
 */
export async function refundPayment(
  input: { id: string; idempotencyKey: string } & NewRefund,
  principal: Principal,
  deps: PaymentDeps,
): Promise<{ payment: PaymentDoc; refund: RefundEntry }> {
  const doc = await readForRefund(input.id, principal, deps);
  const done = doc.refunds.find((r) => r.key === input.idempotencyKey && r.by === principal.sub);
  if (done) {
    if (done.status !== 'requested' || done.providerRefundId) return { payment: doc, refund: done };
    // An earlier attempt's answer from GOV.UK Pay was unclear: ask again, as it was asked then.
    return submitRefund(doc, done.id, deps);
  }
  if (doc.status !== 'success' || !doc.providerId) throw conflict('Only a successful payment can be refunded.');
  const provider = await deps.provider.get(doc.providerId);
  const held = doc.refunds.reduce((n, r) => n + (r.status === 'awaiting-approval' ? r.amount : 0), 0);
  const available = (provider.refund_summary?.amount_available ?? 0) - held;
  if (input.amount > available)
    throw validationFailed([
      { pointer: '/amount', detail: `At most ${Math.max(available, 0)} pence can still be refunded.` },
    ]);
  const needsApproval = input.amount > deps.secondApprovalAbovePence;
  const id = randomUUID();
  const recorded = await update(doc, deps, (current, now) => {
    if (current.refunds.some((r) => r.key === input.idempotencyKey && r.by === principal.sub)) return undefined;
    const at = now.toISOString();
    const entry: RefundEntry = {
      id,
      amount: input.amount,
      status: needsApproval ? 'awaiting-approval' : 'requested',
      source: 'doorstep',
      reason: input.reason,
      by: principal.sub,
      key: input.idempotencyKey,
      ...(needsApproval ? {} : { availableBefore: provider.refund_summary?.amount_available ?? 0 }),
      at,
      updatedAt: at,
    };
    const next: PaymentDoc = {
      ...current,
      refunds: [...current.refunds, entry],
      audit: audited(current, {
        at,
        by: principal.sub,
        action: needsApproval ? 'refund-awaiting-approval' : 'refund-requested',
        detail: `${id}: ${input.amount} pence: ${input.reason}`,
      }),
      updatedAt: at,
    };
    const event = refundEvent(current, entry, now);
    return { next, events: event ? [event] : [] };
  });
  const entry = recorded.refunds.find((r) => r.key === input.idempotencyKey && r.by === principal.sub);
  if (!entry) throw new AppError('internal', 'The refund could not be recorded.');
  if (entry.status !== 'requested' || entry.providerRefundId) return { payment: recorded, refund: entry };
  return submitRefund(recorded, entry.id, deps);
}

/** A second finance user approves or declines a refund held for approval. */
export async function decideRefund(
  input: { id: string; refundId: string } & RefundDecision,
  principal: Principal,
  deps: PaymentDeps,
): Promise<{ payment: PaymentDoc; refund: RefundEntry }> {
  const doc = await readForRefund(input.id, principal, deps);
  const held = doc.refunds.find((r) => r.id === input.refundId);
  if (!held) throw notFound('The refund');
  if (held.by === principal.sub) throw forbidden('A refund needs a second person to approve it.');
  if (held.status !== 'awaiting-approval') {
    // A repeated decision by the same approver is answered with where the refund is now.
    if (held.approvedBy === principal.sub) {
      if (held.status === 'requested' && !held.providerRefundId) return submitRefund(doc, held.id, deps);
      return { payment: doc, refund: held };
    }
    throw conflict(`This refund is already ${held.status}.`);
  }
  let availableBefore = 0;
  if (input.decision === 'approve') {
    if (!doc.providerId) throw conflict('Only a successful payment can be refunded.');
    const provider = await deps.provider.get(doc.providerId);
    availableBefore = provider.refund_summary?.amount_available ?? 0;
    if (held.amount > availableBefore) throw conflict(`Only ${availableBefore} pence can still be refunded.`);
  }
  const decided = await update(doc, deps, (current, now) => {
    const index = current.refunds.findIndex((r) => r.id === input.refundId);
    const entry = current.refunds[index];
    if (!entry || entry.status !== 'awaiting-approval') return undefined;
    const at = now.toISOString();
    const next: RefundEntry =
      input.decision === 'approve'
        ? { ...entry, status: 'requested', approvedBy: principal.sub, availableBefore, updatedAt: at }
        : { ...entry, status: 'declined', approvedBy: principal.sub, updatedAt: at };
    const refunds = current.refunds.map((r, i) => (i === index ? next : r));
    const event = refundEvent(current, next, now);
    return {
      next: {
        ...current,
        refunds,
        audit: audited(current, {
          at,
          by: principal.sub,
          action: input.decision === 'approve' ? 'refund-approved' : 'refund-declined',
          detail: `${entry.id}${input.reason ? `: ${input.reason}` : ''}`,
        }),
        updatedAt: at,
      },
      events: event ? [event] : [],
    };
  });
  const entry = decided.refunds.find((r) => r.id === input.refundId);
  if (!entry) throw notFound('The refund');
  if (entry.approvedBy !== principal.sub) throw conflict(`This refund is already ${entry.status}.`);
  if (entry.status !== 'requested' || entry.providerRefundId) return { payment: decided, refund: entry };
  return submitRefund(decided, entry.id, deps);
}

/** A refund awaiting a second approver, as finance's list shows it: amounts and ids, nothing about the payer. */
export interface RefundAwaitingApproval {
  readonly paymentId: string;
  readonly refundId: string;
  readonly itemCode: string;
  readonly description: string;
  readonly paymentAmount: number;
  readonly amount: number;
  readonly requestedAt: string;
  /** The reader asked for it: they see it, but only another finance user may approve it (decision 0401). */
  readonly requestedByYou: boolean;
}

/**
 * Finance's list of refunds waiting for a second approver, one page of payments at a
 * time from the indexed flag. A finance user's own payment is left out: they may not
 * decide its refunds.
 */
export async function listRefundsAwaitingApproval(
  query: { pageSize: number; continuation?: string | undefined },
  principal: Principal,
  deps: Pick<PaymentDeps, 'payments'>,
): Promise<Page<RefundAwaitingApproval>> {
  requireFinanceRole(principal);
  const page = await deps.payments.awaitingApproval(query.pageSize, query.continuation);
  const items = page.items
    .filter((p) => p.ownerId !== principal.sub)
    .flatMap((p) =>
      p.refunds
        .filter((r) => r.status === 'awaiting-approval')
        .map((r) => ({
          paymentId: p.id,
          refundId: r.id,
          itemCode: p.itemCode,
          description: p.description,
          paymentAmount: p.amount,
          amount: r.amount,
          requestedAt: r.at,
          requestedByYou: r.by === principal.sub,
        })),
    );
  return { items, ...(page.continuation ? { continuation: page.continuation } : {}) };
}

/**
 * Asks GOV.UK Pay for a recorded refund. It is asked with the amount available
 * when the refund was recorded, so a retry after an unclear answer is refused
 * (412) if the first call landed, and the refund is then found among the
 * payment's refunds rather than made twice.
 */
async function submitRefund(
  doc: PaymentDoc,
  refundId: string,
  deps: PaymentDeps,
): Promise<{ payment: PaymentDoc; refund: RefundEntry }> {
  const entry = doc.refunds.find((r) => r.id === refundId);
  if (!entry || !doc.providerId) throw notFound('The refund');
  const settle = (status: 'submitted' | 'success' | 'error', providerRefundId?: string) =>
    update(doc, deps, (current, now) => {
      const index = current.refunds.findIndex((r) => r.id === refundId);
      const before = current.refunds[index];
      if (!before || before.status !== 'requested' || before.providerRefundId) return undefined;
      const at = now.toISOString();
      const next: RefundEntry = { ...before, status, ...(providerRefundId ? { providerRefundId } : {}), updatedAt: at };
      const events = [refundEvent(current, { ...next, status: status === 'error' ? 'error' : 'submitted' }, now)];
      if (status === 'success') events.push(refundEvent(current, next, now));
      return {
        next: {
          ...current,
          refunds: current.refunds.map((r, i) => (i === index ? next : r)),
          audit: audited(current, { at, by: 'govuk-pay', action: `refund-${status}`, detail: refundId }),
          updatedAt: at,
        },
        events: events.filter((e): e is OutboxDoc => e !== undefined),
      };
    });
  const result = (p: PaymentDoc) => ({ payment: p, refund: p.refunds.find((r) => r.id === refundId) ?? entry });
  let answer: Awaited<ReturnType<PaymentProvider['refund']>>;
  try {
    answer = await deps.provider.refund(doc.providerId, entry.amount, entry.availableBefore ?? 0);
  } catch (error) {
    if (error instanceof ProviderRejected) {
      await settle('error');
      throw conflict(`GOV.UK Pay refused the refund: ${error.message}`);
    }
    // Unclear: the refund stays `requested`; a retry with the same key, or the sweep, settles it.
    throw error;
  }
  if (answer !== 'available-changed')
    return result(await settle(providerRefundStatus(answer.status), answer.refund_id));
  // The amount available moved: either this refund already landed (an earlier unclear call),
  // or someone refunded in between. GOV.UK Pay's own list tells which.
  const reconciled = await applyRefunds(doc, await deps.provider.refunds(doc.providerId), deps);
  const now = reconciled.refunds.find((r) => r.id === refundId);
  if (now?.providerRefundId) return result(reconciled);
  await settle('error');
  throw conflict('Another refund changed the amount available; read the payment again.');
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

/**
 * What is owed on a penalty charge notice, so that a front end can show the amount
 * before the resident pays (and say at once when a reference is wrong). Only the
 * amount and whether it can be paid: nothing about the vehicle, place or person.
 */
export async function lookUpPenaltyNotice(
  reference: string,
  deps: Pick<PaymentDeps, 'payableItems'>,
): Promise<{ reference: string; amount: number; payable: boolean }> {
  const notice = await deps.payableItems.notice(reference);
  if (!notice) throw notFound('The penalty charge notice');
  return { reference: notice.reference, amount: notice.amountPence, payable: !notice.paid };
}
