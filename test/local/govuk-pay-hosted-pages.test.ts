/**
 * The GOV.UK Pay stand-in's hosted pages behave as pay-frontend's do
 * (alphagov/pay-frontend at 0320646: controllers/secure.controller.js, charge.controller.js,
 * return.controller.js, utils/response-router.js, locales/en.json), driven over HTTP as
 * a browser would, cookies and all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGovUkPay, type GovUkPayStandIn } from '../../local/govuk-pay/server.js';

let pay: GovUkPayStandIn;
beforeAll(async () => {
  pay = await startGovUkPay();
});
afterAll(async () => {
  await pay.close();
});

const returnUrl = 'https://council.example/pay/return';

async function created(): Promise<{ id: string; next: string }> {
  const response = await fetch(`${pay.url}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pay.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 5200, reference: 'ref', description: 'Garden waste', return_url: returnUrl }),
  });
  const body = (await response.json()) as { payment_id: string; _links: { next_url: { href: string } } };
  return { id: body.payment_id, next: body._links.next_url.href };
}

const state = async (id: string) =>
  (
    (await (
      await fetch(`${pay.url}/v1/payments/${id}`, { headers: { authorization: `Bearer ${pay.apiKey}` } })
    ).json()) as { state: { status: string; code?: string } }
  ).state;

/** A browser of one: keeps pay-frontend's cookie, follows nothing by itself. */
function browser() {
  let cookie = '';
  return async (url: string, form?: Record<string, string>) => {
    const response = await fetch(new URL(url, pay.url), {
      method: form ? 'POST' : 'GET',
      headers: { cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      ...(form ? { body: new URLSearchParams(form) } : {}),
      redirect: 'manual',
    });
    const set = response.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0] ?? '';
    return { status: response.status, location: response.headers.get('location') ?? '', text: await response.text() };
  };
}

const card = (cardNo: string) => ({
  cardNo,
  expiryMonth: '12',
  expiryYear: String((new Date().getUTCFullYear() + 2) % 100),
  cardholderName: 'A Resident',
  cvc: '123',
});

describe('the GOV.UK Pay stand-in’s hosted pages', () => {
  it('when the payment link is opened, then it is spent: the same browser carries on, any other gets "Your payment session has expired"', async () => {
    const { id, next } = await created();
    const mine = browser();
    const first = await mine(next);
    expect(first).toMatchObject({ status: 303, location: `/card_details/${id}` });
    expect((await mine(first.location)).text).toContain('Enter card details');
    expect((await state(id)).status).toBe('started');
    expect(await mine(next)).toMatchObject({ status: 303, location: `/card_details/${id}` });
    const other = await browser()(next);
    expect(other.status).toBe(403);
    expect(other.text).toContain('Your payment session has expired');
  });

  it('when card details are missing or wrong, then each field says so and nothing is taken', async () => {
    const { id, next } = await created();
    const mine = browser();
    await mine((await mine(next)).location);
    const answer = await mine(`/card_details/${id}`, {
      cardNo: '4444333322221112',
      expiryMonth: '13',
      expiryYear: '20',
      cardholderName: '',
      cvc: '12',
    });
    expect(answer.status).toBe(200);
    for (const message of [
      'The following fields are missing or contain errors',
      'Enter a valid card number',
      'Enter a valid expiry date',
      'Enter the name as it appears on the card',
      'Enter a valid card security code',
    ])
      expect(answer.text).toContain(message);
    expect((await state(id)).status).toBe('started');
  });

  it('when an accepted card is confirmed, then the payment succeeds and the browser goes back to the service’s return URL with nothing added', async () => {
    const { id, next } = await created();
    const mine = browser();
    await mine((await mine(next)).location);
    expect(await mine(`/card_details/${id}`, card('4444 3333 2222 1111'))).toMatchObject({
      status: 303,
      location: `/card_details/${id}/confirm`,
    });
    expect((await state(id)).status).toBe('submitted');
    expect((await mine(`/card_details/${id}/confirm`)).text).toContain('Confirm your payment');
    const confirmed = await mine(`/card_details/${id}/confirm`, {});
    expect(confirmed).toMatchObject({ status: 303, location: `/return/${id}` });
    expect(await mine(confirmed.location)).toMatchObject({ status: 303, location: returnUrl });
    expect((await state(id)).status).toBe('success');
  });

  it('when a card is declined, then "Your payment has been declined" leads back to the service and the payment failed with P0010', async () => {
    const { id, next } = await created();
    const mine = browser();
    await mine((await mine(next)).location);
    const declined = await mine(`/card_details/${id}`, card('4000000000000002'));
    const page = await mine(declined.location);
    expect(page.text).toContain('Your payment has been declined');
    expect(page.text).toContain(`/return/${id}`);
    expect(await state(id)).toMatchObject({ status: 'failed', code: 'P0010' });
    expect(await mine(`/return/${id}`)).toMatchObject({ status: 303, location: returnUrl });
  });

  it('when the resident cancels, or goes back to the service before paying, then the payment fails with P0030', async () => {
    const cancelled = await created();
    const mine = browser();
    await mine((await mine(cancelled.next)).location);
    const page = await mine(`/card_details/${cancelled.id}/cancel`, {});
    expect(page.text).toContain('Your payment has been cancelled');
    expect(await state(cancelled.id)).toMatchObject({ status: 'failed', code: 'P0030' });

    const left = await created();
    await mine((await mine(left.next)).location);
    expect(await mine(`/return/${left.id}`)).toMatchObject({ status: 303, location: returnUrl });
    expect(await state(left.id)).toMatchObject({ status: 'failed', code: 'P0030' });
  });
});
