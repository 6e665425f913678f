/**
 * GOV.UK Pay as it really behaves, and refunds with separation of duties.
 *
 * Written from GOV.UK Pay's own code and published document, not from Doorstep's:
 * - webhook bodies: alphagov/pay-webhooks@7509d4c, message/WebhookMessageBody.java (envelope),
 *   message/WebhookMessageService.java (`resource_type` = ledger's transaction type, `PAYMENT`;
 *   `resource_id` of a refund event = the parent payment), message/EventMapper.java (only
 *   REFUND_SUCCEEDED produces `card_payment_refunded`), apirepresentation/PaymentApiRepresentation.java
 *   (no `_links`, nulls left out);
 * - answers: alphagov/pay-publicapi@4d61e89 openapi/publicapi_spec.json (copy in
 *   test/contracts/govuk-pay/): search results are `PaymentDetailForSearch`, whose links have no
 *   `next_url`; refunds answer 202 and start `submitted` (PaymentRefundsResource.submitRefund).
 */
import { CosmosClient } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { call } from '../support/api.js';
import {
  aResident as resident,
  payOnHostedPage,
  postWebhook,
  signedWebhook as signed,
  startPayment as start,
  type PaymentView,
} from '../support/payments.js';
import { waitFor } from '../support/wait.js';

const pay = inject('govukPayUrl');
const settings = () => inject('appSettings');
const fin = { sub: 'fin', roles: ['staff', 'finance'] as const };
const fay = { sub: 'fay', roles: ['staff', 'finance'] as const };
const sam = { sub: 'sam', roles: ['staff'] as const };

const cosmos = new CosmosClient({
  endpoint: settings().CosmosDb?.match(/AccountEndpoint=([^;]+)/)?.[1] ?? '',
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
afterAll(() => cosmos.dispose());
const paymentsContainer = () => cosmos.database('doorstep').container('payments');

const control = (c: Record<string, unknown>) => fetch(`${pay}/_control`, { method: 'POST', body: JSON.stringify(c) });
const payHeaders = () => ({ authorization: `Bearer ${settings().GOVUK_PAY_API_KEY ?? ''}` });

/** Every payment GOV.UK Pay holds with this reference, whatever its search shows yet. */
const allAtProvider = async (reference: string) =>
  (
    (await (await fetch(`${pay}/_test/payments?reference=${reference}`)).json()) as {
      results: { payment_id: string }[];
    }
  ).results;
const providerId = async (reference: string) => (await allAtProvider(reference))[0]?.payment_id ?? '';

async function paid(as: string | typeof fin, body: Record<string, unknown> = { itemCode: 'bulky-waste', quantity: 2 }) {
  const started = await start(as, body);
  await payOnHostedPage(started.body.nextUrl ?? '');
  await read(started.body.id);
  return started.body;
}

const read = async (id: string, as: string | typeof fin = fin) =>
  (await (await call('GET', `payments/${id}`, { as })).json()) as PaymentView;

/** The value `get` answers once `ok` holds of it (a condition, polled; never a wait for time). */
const until = <T>(get: () => Promise<T>, ok: (v: T) => boolean): Promise<T> =>
  waitFor(async () => {
    const v = await get();
    return ok(v) ? { v } : undefined;
  }).then(({ v }) => v);

const webhook = (body: unknown) => {
  const { raw, signature } = signed(body);
  return postWebhook(raw, signature);
};
/** A message as pay-webhooks builds it: WebhookMessageBody around a PaymentApiRepresentation. */
const message = (resourceType: string, eventType: string, resource: Record<string, unknown>) => ({
  webhook_message_id: randomUUID().replaceAll('-', '').slice(0, 26),
  created_date: new Date().toISOString(),
  resource_id: resource.payment_id,
  api_version: 1,
  resource_type: resourceType,
  event_type: eventType,
  resource: {
    amount: 5200,
    description: 'Garden waste subscription',
    language: 'en',
    payment_provider: 'sandbox',
    created_date: new Date().toISOString(),
    delayed_capture: false,
    moto: false,
    refund_summary: { status: 'available', amount_available: 5200, amount_submitted: 0 },
    ...resource,
  },
});

const refund = (id: string, amount: number, as: typeof fin | string = fin, key = `refund-${randomUUID()}`) =>
  call('POST', `staff/payments/${id}/refunds`, {
    as,
    body: { amount, reason: 'Collection missed' },
    headers: { 'idempotency-key': key },
  });

const sweep = async () =>
  expect(
    (await fetch(`${inject('hostUrl')}/admin/functions/payments-sweep`, { method: 'POST', body: '{}' })).status,
  ).toBe(202);

describe('GOV.UK Pay webhooks as pay-webhooks sends them', () => {
  it('when resource_type is ledger’s "PAYMENT" (or the documented "payment"), then the payment’s state is applied', async () => {
    for (const spelling of ['PAYMENT', 'payment']) {
      const who = resident();
      const { body } = await start(who, { itemCode: 'bulky-waste', quantity: 2 });
      const pid = await providerId(body.id);
      const response = await webhook(
        message(spelling, 'card_payment_succeeded', {
          payment_id: pid,
          reference: body.id,
          state: { status: 'success', finished: true },
        }),
      );
      expect(response.status).toBe(200);
      const mine = (await (await call('GET', 'me/payments', { as: who })).json()) as {
        items: { id: string; status: string }[];
      };
      expect(mine.items.find((i) => i.id === body.id)?.status).toBe('success');
    }
  });

  it('when a webhook is about a payment Doorstep did not create (a payment link), then 200 and it is noted as ignored', async () => {
    const pid = randomUUID().replaceAll('-', '').slice(0, 26);
    const body = message('PAYMENT', 'card_payment_succeeded', {
      payment_id: pid,
      reference: 'PAYLINK-4471',
      state: { status: 'success', finished: true },
    });
    expect((await webhook(body)).status).toBe(200);
    const { resource } = await paymentsContainer()
      .item(`webhook:${body.webhook_message_id}`, `webhook:${body.webhook_message_id}`)
      .read<{ reason: string; resourceId: string; type: string }>();
    expect(resource).toMatchObject({ type: 'ignored-webhook', resourceId: pid });
    expect(JSON.stringify(resource)).not.toContain('PAYLINK-4471');
  });
});

describe('recovering a payment whose create answer was lost', () => {
  it('when GOV.UK Pay created it but its search lags, then the retry finds that one payment and gives its next_url', async () => {
    const who = resident();
    const key = `lag-${randomUUID()}`;
    // The payment is stored, the answer is lost, and search will not show it for 4 s:
    // longer than the call's own timeout (DEPENDENCY_TIMEOUT_MS, 3 s).
    // Only for £75 payments (5 bulky items): other test files share this stand-in.
    await control({ forAmount: 7500, failAfterCreate: 1, searchLagMs: 4000 });
    const first = await start(who, { itemCode: 'bulky-waste', quantity: 5 }, key);
    expect(first.response.status).toBe(503);
    const retry = await start(who, { itemCode: 'bulky-waste', quantity: 5 }, key);
    await control({ forAmount: 7500, searchLagMs: 0, failAfterCreate: 0 });
    expect(retry.response.status).toBe(201);
    expect(retry.body.nextUrl).toMatch(/\/secure\//);
    expect(await allAtProvider(retry.body.id)).toHaveLength(1);
  });
});

describe('reading an unfinished payment', () => {
  it('when a resident reads it again and again, then GOV.UK Pay is asked at most once per refresh interval', async () => {
    const who = resident();
    const { body } = await start(who, { itemCode: 'bulky-waste', quantity: 2 });
    const pid = await providerId(body.id);
    for (let i = 0; i < 6; i++) expect((await call('GET', `payments/${body.id}`, { as: who })).status).toBe(200);
    const { reads } = (await (await fetch(`${pay}/_test/payments/${pid}/reads`)).json()) as { reads: number };
    expect(reads).toBeLessThanOrEqual(1);
  });
});

describe('refunds followed to their end', () => {
  it('when a refund starts "submitted" and GOV.UK Pay later says "success", then the webhook settles it', async () => {
    const p = await paid(resident());
    const made = await refund(p.id, 1000);
    expect(made.status).toBe(201);
    const view = (await made.json()) as PaymentView;
    expect(view.refund).toMatchObject({ amount: 1000, status: 'submitted' });
    const settled = await until(
      () => read(p.id),
      (v) => v.refunds[0]?.status === 'success',
    );
    expect(settled.refunds).toEqual([expect.objectContaining({ amount: 1000, status: 'success' })]);
    expect(settled.refunded).toBe(1000);
  });

  it('when GOV.UK Pay fails a refund (no webhook for that), then the sweep records "error" and the money counts as not refunded', async () => {
    const p = await paid(resident());
    // Held for refunds of 700 only: other files' refunds on the shared stand-in settle as usual.
    await control({ refundOutcome: 'hold', forAmount: 700 });
    expect((await refund(p.id, 700)).status).toBe(201);
    await control({ refundOutcome: 'success', forAmount: 700 });
    const pid = await providerId(p.id);
    await fetch(`${pay}/_test/payments/${pid}/refunds/${await providerRefundId(p.id)}`, {
      method: 'POST',
      body: JSON.stringify({ status: 'error' }),
    });
    await sweep();
    const after = await until(
      () => read(p.id),
      (v) => v.refunds[0]?.status === 'error',
    );
    expect(after.refunds[0]?.status).toBe('error');
    expect(after.refunded).toBe(0);
  });

  it('when a refund is made in GOV.UK Pay’s own admin tool, then Doorstep records it too', async () => {
    const p = await paid(resident());
    const pid = await providerId(p.id);
    await fetch(`${pay}/_test/payments/${pid}/refunds`, { method: 'POST', body: JSON.stringify({ amount: 300 }) });
    const after = await until(
      () => read(p.id),
      (v) => v.refunds.some((r) => r.status === 'success'),
    );
    expect(after.refunds).toEqual([expect.objectContaining({ amount: 300, status: 'success' })]);
  });

  it('when an admin-tool refund’s webhook is lost, then the sweep finds it among GOV.UK Pay’s refunds', async () => {
    const p = await paid(resident());
    const pid = await providerId(p.id);
    await control({ refundOutcome: 'hold', forAmount: 400 });
    const made = (await (
      await fetch(`${pay}/_test/payments/${pid}/refunds`, { method: 'POST', body: JSON.stringify({ amount: 400 }) })
    ).json()) as { refund_id: string };
    await control({ refundOutcome: 'success', forAmount: 400 });
    await sweep();
    expect((await read(p.id)).refunds).toEqual([expect.objectContaining({ amount: 400, status: 'submitted' })]);
    // Settled without a webhook reaching Doorstep (GOV.UK Pay sends none for this path here).
    await fetch(`${pay}/_test/payments/${pid}/refunds/${made.refund_id}`, {
      method: 'POST',
      body: JSON.stringify({ status: 'success' }),
    });
    await sweep();
    const after = await until(
      () => read(p.id),
      (v) => v.refunds[0]?.status === 'success',
    );
    expect(after.refunds[0]?.status).toBe('success');
  });
});

async function providerRefundId(paymentId: string): Promise<string> {
  const pid = await providerId(paymentId);
  const list = (await (await fetch(`${pay}/v1/payments/${pid}/refunds`, { headers: payHeaders() })).json()) as {
    _embedded: { refunds: { refund_id: string }[] };
  };
  return list._embedded.refunds[0]?.refund_id ?? '';
}

describe('separation of duties on refunds', () => {
  it('when staff without the finance role refund, then 403', async () => {
    const p = await paid(resident());
    expect((await refund(p.id, 100, sam as unknown as typeof fin)).status).toBe(403);
  });

  it('when a finance user refunds a payment they made themselves, then 403', async () => {
    const p = await paid(fin);
    expect((await refund(p.id, 100, fin)).status).toBe(403);
  });

  it('when a refund is above the approval threshold, then it waits for a second finance user, never the requester', async () => {
    // A street trading licence is £120: above the default £100 (REFUND_SECOND_APPROVAL_ABOVE_PENCE).
    const p = await paid(resident(), { itemCode: 'street-trading-licence' });
    const asked = await refund(p.id, 12000);
    expect(asked.status).toBe(202);
    const held = (await asked.json()) as PaymentView;
    expect(held.refund?.status).toBe('awaiting-approval');
    expect(held.refunded).toBe(0);
    const approve = (as: typeof fin) =>
      call('POST', `staff/payments/${p.id}/refunds/${held.refund?.id ?? ''}/approval`, {
        as,
        body: { decision: 'approve' },
      });
    expect((await approve(fin)).status).toBe(403);
    const approved = await approve(fay);
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as PaymentView).refund?.status).toMatch(/submitted|success/);
  });

  it('when a penalty notice’s payment is refunded in full, then the notice is owed again, and each step is an event', async () => {
    const p = await paid(resident(), { itemCode: 'parking-penalty', reference: 'BS87654321' });
    expect((await start(resident(), { itemCode: 'parking-penalty', reference: 'BS87654321' })).response.status).toBe(
      422,
    );
    expect((await refund(p.id, 3500)).status).toBe(201);
    await until(
      () => read(p.id),
      (v) => v.refunds[0]?.status === 'success',
    );
    const again = await until(
      () => start(resident(), { itemCode: 'parking-penalty', reference: 'BS87654321' }),
      (r) => r.response.status === 201,
    );
    expect(again.response.status).toBe(201);
    const { resources } = await paymentsContainer()
      .items.query<{ event: { type: string } }>({
        query: "SELECT * FROM c WHERE c.pk = @p AND c.type = 'outbox'",
        parameters: [{ name: '@p', value: p.id }],
      })
      .fetchAll();
    expect(resources.map((e) => e.event.type).sort()).toEqual(
      [
        'uk.gov.doorstep.payment.finished',
        'uk.gov.doorstep.payment.refunded',
        'uk.gov.doorstep.payment.refund-succeeded',
      ].sort(),
    );
  });
});
