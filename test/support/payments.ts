/**
 * What the payments test files share: the payment view they read, a fresh resident,
 * starting a payment, the GOV.UK Pay stand-in's hosted card page, and webhooks signed
 * as GOV.UK Pay signs them (HMAC-SHA256 of the raw body in `Pay-Signature`).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { expect, inject } from 'vitest';
import { call, type CallOptions } from './api.js';

export interface PaymentView {
  id: string;
  status: string;
  finished: boolean;
  amount: number;
  nextUrl?: string;
  refunded: number;
  refunds: { id: string; amount: number; status: string }[];
  refund?: { id: string; amount: number; status: string };
}

export const aResident = () => `resident-${randomUUID().slice(0, 8)}`;

export async function startPayment(
  as: CallOptions['as'],
  body: Record<string, unknown>,
  key = `pay-${randomUUID()}`,
): Promise<{ response: Response; body: PaymentView & { errors?: { pointer: string }[] } }> {
  const response = await call('POST', 'payments', { as, body, headers: { 'idempotency-key': key } });
  return { response, body: (await response.json()) as PaymentView & { errors?: { pointer: string }[] } };
}

/** What the resident does on GOV.UK Pay's page: open it, then submit a card or cancel. Answers where it sends them. */
export async function payOnHostedPage(
  nextUrl: string,
  form: Record<string, string> = { card_number: '4444333322221111', action: 'pay' },
): Promise<string> {
  // GOV.UK Pay's link spends its token and sends the browser on to the card page (local/govuk-pay/hosted-pages.ts).
  expect((await fetch(nextUrl, { redirect: 'manual' })).status).toBe(303);
  const response = await fetch(nextUrl, { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' });
  expect(response.status).toBe(303);
  return response.headers.get('location') ?? '';
}

export function signedWebhook(body: unknown, secret = inject('appSettings').GOVUK_PAY_WEBHOOK_SIGNING_SECRET ?? '') {
  const raw = JSON.stringify(body);
  return { raw, signature: createHmac('sha256', secret).update(raw).digest('hex') };
}

export const postWebhook = (raw: string, signature: string) =>
  call('POST', 'payments/webhook', {
    rawBody: raw,
    headers: { 'content-type': 'application/json', 'pay-signature': signature },
  });
