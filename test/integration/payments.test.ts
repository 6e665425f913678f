import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { call } from '../support/api.js';
import {
  aResident as resident,
  payOnHostedPage,
  postWebhook as webhook,
  signedWebhook as signed,
  startPayment as start,
  type PaymentView,
} from '../support/payments.js';

const pay = inject('govukPayUrl');
const settings = () => inject('appSettings');

const atProvider = async (reference: string) => {
  const response = await fetch(`${pay}/v1/payments?reference=${reference}`, {
    headers: { authorization: `Bearer ${settings().GOVUK_PAY_API_KEY ?? ''}` },
  });
  return ((await response.json()) as { results: { payment_id: string; state: { status: string } }[] }).results;
};

// Faults for £52 payments (garden waste) only: other test files share this stand-in.
const control = (c: Record<string, unknown>) =>
  fetch(`${pay}/_control`, { method: 'POST', body: JSON.stringify({ forAmount: 5200, ...c }) });

describe('paying through GOV.UK Pay', () => {
  it('takes a payment end to end: created, the hosted card page, the return, success in My Account', async () => {
    const who = resident();
    const { response, body } = await start(who, { itemCode: 'garden-waste' });
    expect(response.status).toBe(201);
    expect(body).toMatchObject({ status: 'created', amount: 5200, finished: false });
    const returned = await payOnHostedPage(body.nextUrl ?? '', { card_number: '4444 3333 2222 1111', action: 'pay' });
    expect(returned).toBe(`${inject('appSettings').PAYMENT_RETURN_URL}?payment=${body.id}`);
    const after = (await (await call('GET', `payments/${body.id}`, { as: who })).json()) as PaymentView;
    expect(after).toMatchObject({ status: 'success', finished: true });
    expect(after.nextUrl).toBeUndefined();
    const mine = (await (await call('GET', 'me/payments', { as: who })).json()) as {
      items: { id: string; status: string; amount: number }[];
    };
    expect(mine.items).toEqual([expect.objectContaining({ id: body.id, status: 'success', amount: 5200 })]);
    expect((await call('GET', `payments/${body.id}`, { as: resident() })).status).toBe(404);
  });

  it('records a declined card and a cancelled payment as failed', async () => {
    const who = resident();
    const declined = await start(who, { itemCode: 'bulky-waste', quantity: 3 });
    expect(declined.body.amount).toBe(4500);
    await payOnHostedPage(declined.body.nextUrl ?? '', { card_number: '4000000000000002', action: 'pay' });
    expect(
      ((await (await call('GET', `payments/${declined.body.id}`, { as: who })).json()) as PaymentView).status,
    ).toBe('failed');
    const cancelled = await start(who, { itemCode: 'garden-waste' });
    await payOnHostedPage(cancelled.body.nextUrl ?? '', { action: 'cancel' });
    expect(
      ((await (await call('GET', `payments/${cancelled.body.id}`, { as: who })).json()) as PaymentView).status,
    ).toBe('failed');
  });

  it('prices from the council’s catalogue only: a client amount, an unknown item or reference is refused', async () => {
    const who = resident();
    expect((await start(who, { itemCode: 'garden-waste', amount: 1 })).response.status).toBe(422);
    expect((await start(who, { itemCode: 'free-money' })).body.errors?.[0]?.pointer).toBe('/itemCode');
    const penalty = await start(who, { itemCode: 'parking-penalty', reference: 'BS12345678' });
    expect(penalty.body.amount).toBe(7000);
    expect((await start(who, { itemCode: 'parking-penalty', reference: 'BS00000000' })).body.errors?.[0]?.pointer).toBe(
      '/reference',
    );
    expect((await start(who, { itemCode: 'bulky-waste', quantity: 7 })).body.errors?.[0]?.pointer).toBe('/quantity');
  });

  it('makes one payment, here and at GOV.UK Pay, from concurrent retries with the same key', async () => {
    const who = resident();
    const key = `concurrent-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => start(who, { itemCode: 'street-trading-licence' }, key)),
    );
    const ids = new Set(results.map((r) => r.body.id));
    expect(results.every((r) => r.response.status === 201)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await atProvider([...ids][0] ?? '')).toHaveLength(1);
  });

  it('survives GOV.UK Pay failing: 503 with Retry-After, and the retry never creates a second payment', async () => {
    const who = resident();
    for (const failure of [{ failNextCreates: 1 }, { failAfterCreate: 1 }]) {
      const key = `flaky-${randomUUID()}`;
      await control(failure);
      const first = await start(who, { itemCode: 'garden-waste' }, key);
      expect(first.response.status).toBe(503);
      expect(first.response.headers.get('retry-after')).toBeTruthy();
      const retry = await start(who, { itemCode: 'garden-waste' }, key);
      expect(retry.response.status).toBe(201);
      expect(retry.body.nextUrl).toBeTruthy();
      expect(await atProvider(retry.body.id)).toHaveLength(1);
    }
  });
});

describe('GOV.UK Pay timing out', () => {
  it('when the create call times out but GOV.UK Pay creates the payment later, the retry finds it instead of making another', async () => {
    const who = resident();
    const key = `slow-${randomUUID()}`;
    // Longer than DEPENDENCY_TIMEOUT_MS (3 s): Doorstep gives up, GOV.UK Pay carries on.
    await control({ createDelayMs: 4000 });
    const first = await start(who, { itemCode: 'garden-waste' }, key);
    await control({ createDelayMs: 0 });
    expect(first.response.status).toBe(503);
    expect(Number(first.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(3);
    const retry = await start(who, { itemCode: 'garden-waste' }, key);
    expect(retry.response.status).toBe(201);
    expect(await atProvider(retry.body.id)).toHaveLength(1);
  });
});

describe('GOV.UK Pay webhooks', () => {
  const paymentMessage = (reference: string, paymentId: string, status: string) => ({
    webhook_message_id: randomUUID(),
    created_date: new Date().toISOString(),
    resource_id: paymentId,
    resource_type: 'payment',
    event_type: 'card_payment_succeeded',
    resource: {
      payment_id: paymentId,
      reference,
      amount: 5200,
      state: { status, finished: ['success', 'failed'].includes(status) },
    },
  });

  it('applies a signed webhook once; duplicates and late, out-of-order ones change nothing', async () => {
    const who = resident();
    const { body } = await start(who, { itemCode: 'garden-waste' });
    const [provider] = await atProvider(body.id);
    const success = signed(paymentMessage(body.id, provider?.payment_id ?? '', 'success'));
    expect((await webhook(success.raw, success.signature)).status).toBe(200);
    expect((await webhook(success.raw, success.signature)).status).toBe(200);
    const late = signed(paymentMessage(body.id, provider?.payment_id ?? '', 'started'));
    expect((await webhook(late.raw, late.signature)).status).toBe(200);
    const mine = (await (await call('GET', 'me/payments', { as: who })).json()) as {
      items: { id: string; status: string }[];
    };
    expect(mine.items.find((i) => i.id === body.id)?.status).toBe('success');
  });

  it('refuses forged or unsigned webhooks with 401, and acknowledges unknown payments with 200 (GOV.UK Pay retries anything else)', async () => {
    const who = resident();
    const { body } = await start(who, { itemCode: 'garden-waste' });
    const [provider] = await atProvider(body.id);
    const message = paymentMessage(body.id, provider?.payment_id ?? '', 'success');
    const forged = signed(message, 'not-the-secret');
    expect((await webhook(forged.raw, forged.signature)).status).toBe(401);
    expect((await webhook(JSON.stringify(message), '')).status).toBe(401);
    const tampered = signed(message);
    expect((await webhook(tampered.raw.replace('5200', '1'), tampered.signature)).status).toBe(401);
    const unknown = signed(paymentMessage(randomUUID(), 'nope', 'success'));
    expect((await webhook(unknown.raw, unknown.signature)).status).toBe(200);
    expect(((await (await call('GET', `payments/${body.id}`, { as: who })).json()) as PaymentView).status).not.toBe(
      'success',
    );
  });
});

describe('refunds', () => {
  it('lets finance refund part of a payment, once per key, never more than is left', async () => {
    const finance = { sub: 'fin', roles: ['staff', 'finance'] as const };
    const who = resident();
    const { body } = await start(who, { itemCode: 'garden-waste' });
    await payOnHostedPage(body.nextUrl ?? '', { card_number: '4444333322221111', action: 'pay' });
    const refund = (amount: number, key: string, as: typeof finance | string = finance) =>
      call('POST', `staff/payments/${body.id}/refunds`, {
        as,
        body: { amount, reason: 'Collection missed twice' },
        headers: { 'idempotency-key': key },
      });
    expect((await refund(2000, 'refund-key-1', who)).status).toBe(403);
    const first = await refund(2000, 'refund-key-1');
    expect(first.status).toBe(201);
    expect(((await first.json()) as PaymentView).refunded).toBe(2000);
    const repeat = await refund(2000, 'refund-key-1');
    expect(((await repeat.json()) as PaymentView).refunded).toBe(2000);
    const tooMuch = await refund(4000, 'refund-key-2');
    expect(tooMuch.status).toBe(422);
    expect(((await (await call('GET', `payments/${body.id}`, { as: finance })).json()) as PaymentView).refunded).toBe(
      2000,
    );
  });
});
