/**
 * The payment lease and cool-off, the read refresh bound and refund reconciliation,
 * over plain in-memory fakes and a clock: pure rules, no Cosmos, no GOV.UK Pay.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import type { IdempotencyStore } from '../../shared/idempotency/idempotency.js';
import type { Principal } from '../../shared/identity/principal.js';
import {
  ProviderRejected,
  type PaymentProvider,
  type ProviderPayment,
} from '../../shared/payments/govuk-pay-client.js';
import type { PaymentDoc, RefundEntry } from '../../shared/payments/model.js';
import type { PenaltyNotice } from '../../shared/payments/payable-items.js';
import { createHmac } from 'node:crypto';
import {
  applyWebhook,
  decideRefund,
  getPayment,
  listRefundsAwaitingApproval,
  refundPayment,
  startPayment,
  sweepRefunds,
  type PaymentDeps,
} from '../../shared/payments/payments.js';
import { reconcileRefunds, unansweredRefundMs } from '../../shared/payments/refunds.js';
import type { PaymentStore } from '../../shared/payments/store.js';

const resident: Principal = { sub: 'alice', issuer: 'resident' as const, roles: new Set(['resident']) };
const coolOffMs = 3_000;
const searchSettleMs = 60_000;

const aProviderPayment = (overrides: Partial<ProviderPayment> = {}): ProviderPayment => ({
  payment_id: 'pay-1',
  amount: 5200,
  reference: 'ref',
  state: { status: 'created', finished: false },
  _links: { next_url: { href: 'https://pay.example/secure/1' } },
  ...overrides,
});

/** A plain in-memory payment store with ETags, a scripted provider and a clock. */
function harness(script: Partial<PaymentProvider> = {}) {
  const docs = new Map<string, PaymentDoc>();
  let etag = 0;
  const calls: string[] = [];
  let now = new Date('2026-11-29T10:00:00Z');
  const store: PaymentStore = {
    create: (doc) => {
      if (docs.has(doc.id)) return Promise.resolve('exists');
      const saved = { ...doc, _etag: `e${++etag}` };
      docs.set(doc.id, saved);
      return Promise.resolve(saved);
    },
    get: (id) => Promise.resolve(docs.get(id)),
    replace: (doc, ifMatch) => {
      if (docs.get(doc.id)?._etag !== ifMatch) return Promise.resolve('stale');
      const saved = { ...doc, _etag: `e${++etag}` };
      docs.set(doc.id, saved);
      return Promise.resolve(saved);
    },
    unfinishedBefore: () => Promise.resolve([]),
    withOpenRefunds: () => Promise.resolve([]),
    awaitingApproval: () => Promise.resolve({ items: [...docs.values()].filter((d) => d.awaitingApproval) }),
    byProviderIds: () => Promise.resolve([]),
    recordIgnoredWebhook: () => Promise.resolve(),
    putMyEntry: () => Promise.resolve(),
    listMine: () => Promise.resolve({ items: [] }),
  };
  const claims = new Map<string, { resourceId: string; fingerprint: string }>();
  const idempotency: IdempotencyStore = {
    claim: (key, fingerprint, resourceId) => {
      const earlier = claims.get(key);
      if (earlier) return Promise.resolve({ ...earlier, replay: true });
      claims.set(key, { resourceId, fingerprint });
      return Promise.resolve({ resourceId, fingerprint, replay: false });
    },
  };
  const unexpected = (name: string) => () => Promise.reject(new Error(`${name} was not expected`));
  const provider: PaymentProvider = {
    create: (input) => (calls.push('create'), (script.create ?? unexpected('create'))(input)),
    get: (id) => (calls.push('get'), (script.get ?? unexpected('get'))(id)),
    findByReference: (ref) => (calls.push('find'), (script.findByReference ?? unexpected('find'))(ref)),
    refund: unexpected('refund'),
    refunds: unexpected('refunds'),
    searchRefunds: unexpected('searchRefunds'),
  };
  const deps: PaymentDeps = {
    payments: store,
    payableItems: {
      item: () =>
        Promise.resolve({
          code: 'garden-waste',
          name: 'Garden waste subscription',
          description: 'A year',
          pricing: { kind: 'fixed', amountPence: 5200 },
          active: true,
        }),
      activeItems: () => Promise.resolve([]),
      notice: () => Promise.resolve(undefined),
      putNotice: () => Promise.resolve(),
    },
    idempotency,
    provider,
    returnUrl: 'https://council.example/pay/return',
    webhookSecret: 'secret',
    coolOffMs,
    searchSettleMs,
    refreshMs: 10_000,
    secondApprovalAbovePence: 10_000,
    now: () => now,
  };
  return {
    deps,
    calls,
    only: () => [...docs.values()][0],
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    pay: (key = 'key-1') => startPayment({ body: { itemCode: 'garden-waste' }, idempotencyKey: key }, resident, deps),
  };
}

const unclear = () => Promise.reject(new AppError('dependency-unavailable', 'GOV.UK Pay timed out'));
const failure = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as AppError,
  );

describe('the payment lease and cool-off', () => {
  it('when the create answer is unclear, then the lease runs on for the call’s timeout plus the search’s settling time', async () => {
    const h = harness({ create: unclear });
    const error = await failure(h.pay());
    expect(error).toMatchObject({ code: 'dependency-unavailable', extras: { retryAfterSeconds: 63 } });
    expect(h.only()).toMatchObject({ status: 'creating', leaseUntil: '2026-11-29T10:01:03.000Z' });
  });

  it('when a retry comes inside the cool-off, then GOV.UK Pay is not called at all and the answer is 503 with the time left', async () => {
    const h = harness({ create: unclear });
    await failure(h.pay());
    h.advance(coolOffMs + searchSettleMs - 40_000);
    const retry = await failure(h.pay());
    expect(retry).toMatchObject({ code: 'dependency-unavailable', extras: { retryAfterSeconds: 40 } });
    expect(h.calls).toEqual(['create']);
  });

  it('when the cool-off is over, then the retry searches first and reads the payment it finds for its next_url, creating nothing', async () => {
    const found = aProviderPayment({ _links: {} });
    const h = harness({
      create: unclear,
      findByReference: () => Promise.resolve(found),
      get: () => Promise.resolve(aProviderPayment()),
    });
    await failure(h.pay());
    h.advance(coolOffMs + searchSettleMs + 1);
    const { payment } = await h.pay();
    expect(h.calls).toEqual(['create', 'find', 'get']);
    expect(payment).toMatchObject({ providerId: 'pay-1', status: 'created', nextUrl: 'https://pay.example/secure/1' });
    expect(payment.leaseUntil).toBeNull();
  });

  it('when the search still finds nothing after the cool-off, then exactly one new create is made', async () => {
    let creates = 0;
    const h = harness({
      create: () => (++creates === 1 ? unclear() : Promise.resolve(aProviderPayment())),
      findByReference: () => Promise.resolve(undefined),
    });
    await failure(h.pay());
    h.advance(coolOffMs + searchSettleMs + 1);
    const { payment } = await h.pay();
    expect(h.calls).toEqual(['create', 'find', 'create']);
    expect(payment.providerId).toBe('pay-1');
  });

  it('when GOV.UK Pay refuses the create, then the lease is released at once (a refusal is definite)', async () => {
    const h = harness({
      create: () => Promise.reject(new ProviderRejected(422, 'P0102', 'Invalid attribute value')),
      findByReference: () => Promise.resolve(undefined),
    });
    expect(await failure(h.pay())).toMatchObject({ code: 'internal' });
    expect(h.only()?.leaseUntil).toBeNull();
    // The retry need not wait: it looks (the first outcome is known, but looking is cheap) and asks again.
    expect(await failure(h.pay())).toMatchObject({ code: 'internal' });
    expect(h.calls).toEqual(['create', 'find', 'create']);
  });

  it('when the lease holder is still inside its lease, then another caller does not take it', async () => {
    const h = harness({ create: unclear });
    await failure(h.pay());
    const error = await failure(h.pay('key-1'));
    expect(error).toMatchObject({ code: 'dependency-unavailable' });
    expect(h.calls.filter((c) => c === 'create')).toHaveLength(1);
  });
});

describe('reading an unfinished payment', () => {
  it('asks GOV.UK Pay at most once per refresh interval, then again once it has passed', async () => {
    const h = harness({
      create: () => Promise.resolve(aProviderPayment()),
      get: () => Promise.resolve(aProviderPayment()),
    });
    const { payment } = await h.pay();
    for (let i = 0; i < 5; i++) await getPayment(payment.id, resident, h.deps);
    expect(h.calls.filter((c) => c === 'get')).toHaveLength(1);
    h.advance(10_001);
    await getPayment(payment.id, resident, h.deps);
    expect(h.calls.filter((c) => c === 'get')).toHaveLength(2);
  });
});

const aPayment = (refunds: RefundEntry[]): PaymentDoc => ({
  id: '3f0c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c',
  pk: '3f0c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c',
  type: 'payment',
  ownerId: 'alice',
  itemCode: 'garden-waste',
  description: 'Garden waste subscription',
  amount: 5200,
  status: 'success',
  providerId: 'pay-1',
  attempt: 1,
  refunds,
  audit: [],
  createdAt: '2026-11-29T09:00:00.000Z',
  updatedAt: '2026-11-29T09:00:00.000Z',
});
const aRefund = (overrides: Partial<RefundEntry> = {}): RefundEntry => ({
  id: 'r-1',
  amount: 1000,
  status: 'submitted',
  source: 'doorstep',
  by: 'fin',
  at: '2026-11-29T09:00:00.000Z',
  updatedAt: '2026-11-29T09:00:00.000Z',
  providerRefundId: 'pr-1',
  ...overrides,
});
const at = new Date('2026-11-29T10:00:00Z');
const types = (change: ReturnType<typeof reconcileRefunds>) => change?.events.map((e) => e.event.type);

describe('refund reconciliation', () => {
  it('moves a refund forward to what GOV.UK Pay reports, with its event', () => {
    const change = reconcileRefunds(
      aPayment([aRefund()]),
      [{ refund_id: 'pr-1', amount: 1000, status: 'success' }],
      at,
    );
    expect(change?.refunds[0]?.status).toBe('success');
    expect(types(change)).toEqual(['uk.gov.doorstep.payment.refund-succeeded']);
  });

  it('never moves a settled refund back, and reports no change for what it already knows', () => {
    const settled = aPayment([aRefund({ status: 'success' })]);
    expect(reconcileRefunds(settled, [{ refund_id: 'pr-1', amount: 1000, status: 'submitted' }], at)).toBeUndefined();
    expect(reconcileRefunds(settled, [{ refund_id: 'pr-1', amount: 1000, status: 'success' }], at)).toBeUndefined();
  });

  it('links a refund whose request had an unclear answer to GOV.UK Pay’s refund of that amount', () => {
    const asked = aPayment([aRefund({ status: 'requested', providerRefundId: undefined })]);
    const change = reconcileRefunds(asked, [{ refund_id: 'pr-9', amount: 1000, status: 'submitted' }], at);
    expect(change?.refunds).toEqual([
      expect.objectContaining({ id: 'r-1', providerRefundId: 'pr-9', status: 'submitted' }),
    ]);
  });

  it('records a refund made in GOV.UK Pay’s admin tool as made there, announced as made and settled', () => {
    const change = reconcileRefunds(aPayment([]), [{ refund_id: 'pr-5', amount: 300, status: 'success' }], at);
    expect(change?.refunds).toEqual([
      expect.objectContaining({ providerRefundId: 'pr-5', amount: 300, status: 'success', source: 'govuk-pay' }),
    ]);
    expect(types(change)).toEqual(['uk.gov.doorstep.payment.refunded', 'uk.gov.doorstep.payment.refund-succeeded']);
  });

  it('fails a refund GOV.UK Pay never heard of, once it has waited long enough', () => {
    const asked = aPayment([aRefund({ status: 'requested', providerRefundId: undefined })]);
    expect(reconcileRefunds(asked, [], at)).toBeUndefined();
    const later = new Date(Date.parse(asked.refunds[0]?.updatedAt ?? '') + unansweredRefundMs + 1);
    expect(reconcileRefunds(asked, [], later)?.refunds[0]?.status).toBe('error');
  });
});

describe('the refund sweep', () => {
  it('when GOV.UK Pay cannot answer for one payment or a search page, then the other payments are still settled', async () => {
    const h = harness();
    const stuck = { ...aPayment([aRefund()]), id: 'a0000000-0000-4000-8000-000000000001', providerId: 'pay-down' };
    const settled = { ...aPayment([aRefund()]), id: 'a0000000-0000-4000-8000-000000000002', providerId: 'pay-up' };
    for (const doc of [stuck, settled]) await h.deps.payments.create(doc);
    const deps: PaymentDeps = {
      ...h.deps,
      payments: {
        ...h.deps.payments,
        withOpenRefunds: async () =>
          [await h.deps.payments.get(stuck.id), await h.deps.payments.get(settled.id)].filter((d) => d !== undefined),
      },
      provider: {
        ...h.deps.provider,
        refunds: (id) =>
          id === 'pay-down'
            ? Promise.reject(new Error('GOV.UK Pay answered 503'))
            : Promise.resolve([{ refund_id: 'pr-1', amount: 1000, status: 'success' }]),
        searchRefunds: () => Promise.reject(new Error('GOV.UK Pay answered 503')),
      },
    };
    await expect(sweepRefunds(deps)).resolves.toBe(1);
    expect((await h.deps.payments.get(settled.id))?.refunds[0]?.status).toBe('success');
    expect((await h.deps.payments.get(stuck.id))?.refunds[0]?.status).toBe('submitted');
  });
});

describe('a penalty notice follows its payment', () => {
  it('when marking the notice paid failed after the payment was saved, then GOV.UK Pay’s retry of the webhook marks it', async () => {
    const h = harness();
    const doc = { ...aPayment([]), status: 'created' as const, noticeReference: 'BS12345678' };
    await h.deps.payments.create(doc);
    const notice: PenaltyNotice = { reference: 'BS12345678', amountPence: 5200, paid: false };
    let failNext = true;
    const written: unknown[] = [];
    const deps: PaymentDeps = {
      ...h.deps,
      payableItems: {
        ...h.deps.payableItems,
        notice: () => Promise.resolve(notice),
        putNotice: (n) => {
          if (failNext) {
            failNext = false;
            return Promise.reject(new Error('Cosmos DB answered 503'));
          }
          written.push(n);
          return Promise.resolve();
        },
      },
    };
    const body = JSON.stringify({
      webhook_message_id: 'm1',
      resource_type: 'PAYMENT',
      event_type: 'card_payment_succeeded',
      resource: {
        payment_id: 'pay-1',
        amount: 5200,
        reference: doc.id,
        state: { status: 'success', finished: true },
      },
    });
    const signature = createHmac('sha256', 'secret').update(body).digest('hex');
    await expect(applyWebhook(body, signature, deps)).rejects.toThrow('503');
    expect((await h.deps.payments.get(doc.id))?.status).toBe('success');
    await applyWebhook(body, signature, deps);
    expect(written).toEqual([expect.objectContaining({ reference: 'BS12345678', paid: true })]);
  });
});

describe('refunds awaiting a second approver (decision 1031)', () => {
  const finance = (sub: string): Principal => ({ sub, issuer: 'workforce', roles: new Set(['staff', 'finance']) });

  it('when a refund is held for approval, then the payment is flagged and listed for others, marked for its raiser, never for its payer; once decided, the flag is gone', async () => {
    const h = harness({ get: () => Promise.resolve({ refund_summary: { amount_available: 12000 } } as never) });
    await h.deps.payments.create({ ...aPayment([]), amount: 12000 });
    const id = aPayment([]).id;
    const { refund } = await refundPayment(
      { id, amount: 12000, reason: 'Withdrawn', idempotencyKey: 'k-1' },
      finance('fin'),
      h.deps,
    );
    expect(refund.status).toBe('awaiting-approval');
    expect((await h.deps.payments.get(id))?.awaitingApproval).toBe(true);
    const page = { pageSize: 20 };
    const [forFay] = (await listRefundsAwaitingApproval(page, finance('fay'), h.deps)).items;
    expect(forFay).toMatchObject({ paymentId: id, refundId: refund.id, amount: 12000, requestedByYou: false });
    expect((await listRefundsAwaitingApproval(page, finance('fin'), h.deps)).items[0]?.requestedByYou).toBe(true);
    // The payer, were they in finance, may not decide their own payment's refunds: it is not theirs to see here.
    expect((await listRefundsAwaitingApproval(page, finance('alice'), h.deps)).items).toEqual([]);
    await expect(listRefundsAwaitingApproval(page, resident, h.deps)).rejects.toMatchObject({ code: 'forbidden' });

    await decideRefund({ id, refundId: refund.id, decision: 'decline' }, finance('fay'), h.deps);
    expect((await h.deps.payments.get(id))?.awaitingApproval).toBe(false);
    expect((await listRefundsAwaitingApproval(page, finance('fay'), h.deps)).items).toEqual([]);
  });
});
