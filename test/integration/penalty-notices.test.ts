/**
 * What the website's Pay journeys need of the API beyond taking a payment: what is owed
 * on a penalty charge notice before paying it, and why a payment did not go through
 * (GOV.UK Pay's `state.code`, pay-publicapi openapi/publicapi_spec.json: P0010 rejected,
 * P0030 cancelled by the user), on the payment and in My Account.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call } from '../support/api.js';

const resident = () => `pcn-${randomUUID().slice(0, 8)}`;

async function payByScript(nextUrl: string, form: Record<string, string>): Promise<void> {
  const response = await fetch(nextUrl, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
  expect(response.status).toBe(303);
}

describe('penalty charge notices and why a payment failed', () => {
  it('when a resident looks up a notice, then they get the amount owed and whether it can be paid; an unknown one is 404, a malformed one 422, nobody signed in 401', async () => {
    const who = resident();
    const owed = await call('GET', 'penalty-notices/BS12345678', { as: who });
    expect(owed.status).toBe(200);
    const notice = (await owed.json()) as Record<string, unknown>;
    expect(Object.keys(notice).sort()).toEqual(['amount', 'payable', 'reference']);
    expect(notice).toMatchObject({ reference: 'BS12345678', amount: 7000 });
    expect(typeof notice.payable).toBe('boolean');
    const paid = await call('GET', 'penalty-notices/WB10000009', { as: who });
    expect(await paid.json()).toEqual({ reference: 'WB10000009', amount: 5000, payable: false });
    const unknown = await call('GET', 'penalty-notices/ZZ99999999', { as: who });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const malformed = await call('GET', 'penalty-notices/not-a-pcn', { as: who });
    expect(malformed.status).toBe(422);
    expect(((await malformed.json()) as { errors: { pointer: string }[] }).errors[0]?.pointer).toBe('/reference');
    expect((await call('GET', 'penalty-notices/BS12345678')).status).toBe(401);
  });

  it('when a card is declined or the resident cancels, then the payment and My Account say which', async () => {
    const who = resident();
    const outcomes: Record<string, string> = {};
    for (const [form, expected] of [
      [{ card_number: '4000000000000002', action: 'pay' }, 'declined'],
      [{ action: 'cancel' }, 'cancelled'],
    ] as const) {
      const created = await call('POST', 'payments', {
        as: who,
        body: { itemCode: 'bulky-waste', quantity: 2 },
        headers: { 'idempotency-key': randomUUID() },
      });
      const { id, nextUrl } = (await created.json()) as { id: string; nextUrl: string };
      await payByScript(nextUrl, form);
      const read = (await (await call('GET', `payments/${id}`, { as: who })).json()) as Record<string, unknown>;
      expect(read).toMatchObject({ status: 'failed', finished: true, failureReason: expected });
      outcomes[id] = expected;
    }
    const mine = (await (await call('GET', 'me/payments', { as: who })).json()) as {
      items: { id: string; failureReason?: string }[];
    };
    expect(Object.fromEntries(mine.items.map((i) => [i.id, i.failureReason]))).toEqual(outcomes);
  });
});
