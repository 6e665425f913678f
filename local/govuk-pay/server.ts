/**
 * A GOV.UK Pay stand-in for local use and tests: the public API subset Doorstep
 * uses, over real HTTP, with a bearer key, hosted pages as pay-frontend's
 * (`hosted-pages.ts`: 4444333322221111 succeeds, 4000000000000002 is declined, cancel,
 * back to the service), signed webhooks with retries, 90-minute
 * expiry, refunds that start `submitted` and settle later, and controls to simulate
 * delays, failures, duplicate webhooks, a lagging search and refunds made in
 * GOV.UK Pay's admin tool. Doorstep's production adapter talks to it exactly as to
 * GOV.UK Pay.
 *
 * Shapes follow GOV.UK Pay's published OpenAPI document (alphagov/pay-publicapi
 * openapi/publicapi_spec.json, copy in test/contracts/govuk-pay/, which the
 * stand-in's own tests validate against) and pay-webhooks' message body
 * (WebhookMessageBody, PaymentApiRepresentation): fields with no value are left
 * out, never `null`; search results carry no `next_url`; webhook resources carry
 * no `_links`.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestUrl } from '../request-url.js';
import { hostedPages } from './hosted-pages.js';

export const testCards = { success: '4444333322221111', declined: '4000000000000002' } as const;

type Status = 'created' | 'started' | 'submitted' | 'success' | 'failed' | 'cancelled' | 'error';

interface Payment {
  payment_id: string;
  amount: number;
  reference: string;
  description: string;
  return_url: string;
  email?: string;
  metadata?: Record<string, unknown>;
  language: string;
  created_date: string;
  state: { status: Status; finished: boolean; code?: string; message?: string };
  token: string;
  refunds: Refund[];
  card?: { last4: string; expiry: string; name: string };
}

interface Refund {
  refund_id: string;
  amount: number;
  status: 'submitted' | 'success' | 'error';
  created_date: string;
}

export interface PayControls {
  /** The next N creates answer 500 after storing nothing. */
  failNextCreates?: number;
  /** The next N creates store the payment, then answer 500 (an unclear outcome). */
  failAfterCreate?: number;
  /** Every create waits this long before answering. */
  createDelayMs?: number;
  /** Each webhook is delivered twice. */
  duplicateWebhooks?: boolean;
  /** Webhooks wait this long before delivery. */
  webhookDelayMs?: number;
  /** A new payment is missing from search results for this long (GOV.UK Pay's search is eventually consistent). */
  searchLagMs?: number;
  /**
   * With this, the create faults, delay and search lag above are set for payments of this
   * amount only (and the refund outcome below for refunds of this amount), so that tests
   * sharing one stand-in do not meet each other's faults.
   */
  forAmount?: number;
  /** What a new refund becomes after `refundSettleMs` (default `success`); `hold` keeps it `submitted`. */
  refundOutcome?: 'success' | 'error' | 'hold';
  refundSettleMs?: number;
  /** `resource_type` in webhooks: pay-webhooks sends ledger's `PAYMENT`; the documentation shows `payment`. */
  webhookResourceType?: string;
}

export interface GovUkPayStandIn {
  readonly url: string;
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** Payments created so far (the provider's own count, for "never twice" checks). */
  created(): number;
  control(c: PayControls): void;
  /** Makes a payment as old as `ms` (expiry tests). */
  age(paymentId: string, ms: number): void;
  /** Sends a webhook for the payment's current state now. */
  sendWebhook(paymentId: string, eventType?: string): Promise<void>;
  /** Calls to `GET /v1/payments/{id}` so far, for that payment. */
  reads(paymentId: string): number;
  close(): Promise<void>;
}

const finished = (s: Status) => ['success', 'failed', 'cancelled', 'error'].includes(s);
const expiryMs = 90 * 60_000;

export async function startGovUkPay(
  options: { port?: number; webhookUrl?: () => string | undefined; apiKey?: string; webhookSecret?: string } = {},
): Promise<GovUkPayStandIn> {
  const apiKey = options.apiKey ?? `api_test_doorstep_local_${randomBytes(8).toString('hex')}`;
  const webhookSecret = options.webhookSecret ?? `webhook_local_${randomBytes(12).toString('hex')}`;
  const payments = new Map<string, Payment>();
  const byToken = new Map<string, string>();
  let controls: PayControls = {};
  let createdCount = 0;
  let base = '';

  const committed = (p: Payment) => p.refunds.reduce((n, r) => n + (r.status === 'error' ? 0 : r.amount), 0);
  /** GOV.UK Pay's refund summary: `unavailable` for a payment that did not succeed (declined, cancelled, expired). */
  const refundSummary = (p: Payment) => {
    const available = p.state.status === 'success' ? p.amount - committed(p) : 0;
    const status =
      p.state.status === 'success'
        ? available > 0
          ? 'available'
          : 'full'
        : finished(p.state.status)
          ? 'unavailable'
          : 'pending';
    return { status, amount_available: available, amount_submitted: committed(p) };
  };
  /** The payment as `PaymentWithAllLinks` / pay-webhooks' `PaymentApiRepresentation` without links. */
  const resource = (p: Payment) => ({
    amount: p.amount,
    description: p.description,
    reference: p.reference,
    language: p.language,
    ...(p.metadata ? { metadata: p.metadata } : {}),
    ...(p.email ? { email: p.email } : {}),
    payment_id: p.payment_id,
    payment_provider: 'sandbox',
    created_date: p.created_date,
    state: p.state,
    return_url: p.return_url,
    refund_summary: refundSummary(p),
    delayed_capture: false,
    moto: false,
  });
  const links = (p: Payment, search: boolean) => ({
    self: { href: `${base}/v1/payments/${p.payment_id}`, method: 'GET' },
    // A finished payment has no next_url or cancel at all; search results never carry next_url.
    ...(finished(p.state.status) || search ? {} : { next_url: { href: `${base}/secure/${p.token}`, method: 'GET' } }),
    events: { href: `${base}/v1/payments/${p.payment_id}/events`, method: 'GET' },
    refunds: { href: `${base}/v1/payments/${p.payment_id}/refunds`, method: 'GET' },
    ...(finished(p.state.status)
      ? {}
      : { cancel: { href: `${base}/v1/payments/${p.payment_id}/cancel`, method: 'POST' } }),
  });
  const view = (p: Payment) => ({ ...resource(p), _links: links(p, false) });
  const searchView = (p: Payment) => ({ ...resource(p), _links: links(p, true) });
  const refundView = (p: Payment, r: Refund) => ({
    refund_id: r.refund_id,
    payment_id: p.payment_id,
    amount: r.amount,
    status: r.status,
    created_date: r.created_date,
    _links: {
      self: { href: `${base}/v1/payments/${p.payment_id}/refunds/${r.refund_id}`, method: 'GET' },
      payment: { href: `${base}/v1/payments/${p.payment_id}`, method: 'GET' },
    },
  });

  const expire = (p: Payment) => {
    if (!finished(p.state.status) && Date.now() - Date.parse(p.created_date) > expiryMs) {
      p.state = { status: 'failed', finished: true, code: 'P0020', message: 'Payment expired' };
      void webhook(p, 'card_payment_expired');
    }
  };
  const reads = new Map<string, number>();
  const byAmount = new Map<number, PayControls>();
  const setControls = (c: PayControls) => {
    if (c.forAmount === undefined) controls = { ...controls, ...c };
    else byAmount.set(c.forAmount, { ...byAmount.get(c.forAmount), ...c });
  };
  const faultsFor = (amount: unknown): PayControls =>
    (typeof amount === 'number' ? byAmount.get(amount) : undefined) ?? controls;

  /** A refund settles later; only success produces a webhook (pay-webhooks' EventMapper: REFUND_SUCCEEDED). */
  const settleLater = (p: Payment, r: Refund) => {
    // Keyed by the refund's amount when set with `forAmount`, like the create faults.
    const c = faultsFor(r.amount);
    const outcome = c.refundOutcome ?? 'success';
    if (outcome === 'hold') return;
    setTimeout(() => settle(p, r, outcome), c.refundSettleMs ?? 50);
  };
  const settle = (p: Payment, r: Refund, outcome: 'success' | 'error') => {
    if (r.status !== 'submitted') return;
    r.status = outcome;
    if (outcome === 'success') void webhook(p, 'card_payment_refunded');
  };
  const newRefund = (p: Payment, amount: number): Refund => {
    const refund: Refund = {
      refund_id: randomBytes(13).toString('hex').slice(0, 26),
      amount,
      status: 'submitted',
      created_date: new Date().toISOString(),
    };
    p.refunds.push(refund);
    settleLater(p, refund);
    return refund;
  };

  const webhook = async (p: Payment, eventType: string) => {
    const url = options.webhookUrl?.();
    if (!url) return;
    const body = JSON.stringify({
      webhook_message_id: randomUUID(),
      created_date: new Date().toISOString(),
      resource_id: p.payment_id,
      api_version: 1,
      resource_type: controls.webhookResourceType ?? 'PAYMENT',
      event_type: eventType,
      resource: resource(p),
    });
    const signature = createHmac('sha256', webhookSecret).update(body).digest('hex');
    const deliver = async () => {
      // GOV.UK Pay retries after 60 s, 5 min, 1 h, 1 day, 2 days; scaled down here.
      for (const wait of [0, 200, 1000, 3000]) {
        await new Promise((r) => setTimeout(r, wait));
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'pay-signature': signature },
            body,
          });
          if (response.ok) return;
        } catch {
          // Retried below.
        }
      }
    };
    await new Promise((r) => setTimeout(r, controls.webhookDelayMs ?? 0));
    await deliver();
    if (controls.duplicateWebhooks) await deliver();
  };

  const json = (res: ServerResponse, status: number, body?: unknown) => {
    res
      .writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' })
      .end(body === undefined ? undefined : JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, code: string, description: string, field?: string) =>
    json(res, status, { code, description, ...(field ? { field } : {}) });

  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      error(res, 401, 'P0120', 'Credentials are required to access this resource');
      return;
    }
    const parts = url.pathname.split('/').filter(Boolean); // v1 payments [id] [action]
    if (req.method === 'POST' && parts.length === 2) {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await read(req)) as Record<string, unknown>;
      } catch {
        error(res, 400, 'P0197', 'Unable to parse JSON');
        return;
      }
      const invalid = (field: string, description: string) => error(res, 422, 'P0102', description, field);
      if (!Number.isInteger(body.amount) || (body.amount as number) < 1 || (body.amount as number) > 10_000_000) {
        invalid('amount', 'Invalid attribute value: amount. Must be less than or equal to 10000000');
        return;
      }
      if (typeof body.reference !== 'string' || body.reference.length < 1 || body.reference.length > 255) {
        invalid('reference', 'Invalid attribute value: reference');
        return;
      }
      if (typeof body.description !== 'string' || body.description.length < 1 || body.description.length > 255) {
        invalid('description', 'Invalid attribute value: description');
        return;
      }
      if (typeof body.return_url !== 'string' || !URL.canParse(body.return_url)) {
        invalid('return_url', 'Invalid attribute value: return_url. Must be a valid URL format');
        return;
      }
      const faults = faultsFor(body.amount);
      await new Promise((r) => setTimeout(r, faults.createDelayMs ?? 0));
      if (faults.failNextCreates) {
        faults.failNextCreates--;
        error(res, 500, 'P0198', 'Downstream system error');
        return;
      }
      const p: Payment = {
        payment_id: randomBytes(13).toString('hex').slice(0, 26),
        amount: body.amount as number,
        reference: body.reference,
        description: body.description,
        return_url: body.return_url,
        ...(typeof body.email === 'string' ? { email: body.email } : {}),
        ...(body.metadata && typeof body.metadata === 'object'
          ? { metadata: body.metadata as Record<string, unknown> }
          : {}),
        language: typeof body.language === 'string' ? body.language : 'en',
        created_date: new Date().toISOString(),
        state: { status: 'created', finished: false },
        token: randomBytes(16).toString('hex'),
        refunds: [],
      };
      payments.set(p.payment_id, p);
      byToken.set(p.token, p.payment_id);
      createdCount++;
      if (faults.failAfterCreate) {
        faults.failAfterCreate--;
        error(res, 500, 'P0198', 'Downstream system error');
        return;
      }
      json(res, 201, view(p));
      return;
    }
    if (req.method === 'GET' && parts[1] === 'refunds' && parts.length === 2) {
      const from = Date.parse(url.searchParams.get('from_date') ?? '') || 0;
      const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
      const size = Math.min(500, Math.max(1, Number(url.searchParams.get('display_size') ?? 500) || 500));
      const all = [...payments.values()].flatMap((p) =>
        p.refunds.filter((r) => Date.parse(r.created_date) >= from).map((r) => refundView(p, r)),
      );
      const results = all.slice((page - 1) * size, page * size);
      json(res, 200, { total: all.length, count: results.length, page, results });
      return;
    }
    if (req.method === 'GET' && parts.length === 2) {
      const reference = url.searchParams.get('reference');
      const lagging = (p: Payment) => Date.parse(p.created_date) > Date.now() - (faultsFor(p.amount).searchLagMs ?? 0);
      const results = [...payments.values()].filter(
        (p) => (reference === null || p.reference === reference) && !lagging(p),
      );
      results.forEach(expire);
      json(res, 200, { total: results.length, count: results.length, page: 1, results: results.map(searchView) });
      return;
    }
    const p = payments.get(parts[2] ?? '');
    if (!p) {
      error(res, 404, 'P0200', 'Not found');
      return;
    }
    expire(p);
    if (req.method === 'GET' && parts.length === 3) {
      reads.set(p.payment_id, (reads.get(p.payment_id) ?? 0) + 1);
      json(res, 200, view(p));
      return;
    }
    if (req.method === 'GET' && parts[3] === 'refunds' && parts.length === 4) {
      json(res, 200, {
        payment_id: p.payment_id,
        _links: {
          self: { href: `${base}/v1/payments/${p.payment_id}/refunds`, method: 'GET' },
          payment: { href: `${base}/v1/payments/${p.payment_id}`, method: 'GET' },
        },
        _embedded: { refunds: p.refunds.map((r) => refundView(p, r)) },
      });
      return;
    }
    if (req.method === 'GET' && parts[3] === 'refunds' && parts.length === 5) {
      const r = p.refunds.find((x) => x.refund_id === parts[4]);
      if (!r) error(res, 404, 'P0800', 'Not found');
      else json(res, 200, refundView(p, r));
      return;
    }
    if (req.method === 'POST' && parts[3] === 'cancel') {
      if (finished(p.state.status)) {
        error(res, 400, 'P0502', 'Cancellation of payment failed');
        return;
      }
      p.state = { status: 'cancelled', finished: true, code: 'P0040', message: 'Payment was cancelled by the service' };
      json(res, 204);
      // pay-webhooks maps CANCELLED_BY_EXTERNAL_SERVICE to card_payment_failed: there is no "cancelled" event.
      void webhook(p, 'card_payment_failed');
      return;
    }
    if (req.method === 'POST' && parts[3] === 'refunds') {
      const body = JSON.parse(await read(req)) as { amount?: number; refund_amount_available?: number };
      const available = refundSummary(p).amount_available;
      if (body.refund_amount_available !== available) {
        error(res, 412, 'P0604', 'Refund amount available mismatch.');
        return;
      }
      if (!Number.isInteger(body.amount) || (body.amount ?? 0) < 1 || (body.amount ?? 0) > available) {
        error(
          res,
          400,
          'P0603',
          'The payment is not available for refund. Payment refund status: ' + refundSummary(p).status,
        );
        return;
      }
      // pay-publicapi's PaymentRefundsResource answers 202 with the refund, which starts `submitted`.
      json(res, 202, refundView(p, newRefund(p, body.amount ?? 0)));
      return;
    }
    error(res, 404, 'P0200', 'Not found');
  }

  const pages = hostedPages({
    byToken: (token) => payments.get(byToken.get(token) ?? ''),
    byId: (id) => payments.get(id),
    expire: (p) => expire(payments.get(p.payment_id) as Payment),
    changeState: (p, state, event) => {
      p.state = state;
      if (event) void webhook(payments.get(p.payment_id) as Payment, event);
    },
  });

  /**
   * Not GOV.UK Pay: a scripted payer (the API's own tests) posts a card straight to the
   * payment's link, `card_number` and `action=pay|cancel`, and is sent to the return URL.
   * Browsers use the hosted pages above, as they would GOV.UK Pay's.
   */
  async function scriptedPayer(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
    const p = payments.get(byToken.get(token) ?? '');
    if (!p) {
      res.writeHead(404).end('Not found');
      return;
    }
    expire(p);
    if (finished(p.state.status)) {
      res.writeHead(303, { location: p.return_url }).end();
      return;
    }
    const form = new URLSearchParams(await read(req));
    if (form.get('action') === 'cancel') {
      p.state = { status: 'failed', finished: true, code: 'P0030', message: 'Payment was cancelled by the user' };
    } else {
      const card = (form.get('card_number') ?? '').replace(/\s/g, '');
      p.state =
        card === testCards.success
          ? { status: 'success', finished: true }
          : { status: 'failed', finished: true, code: 'P0010', message: 'Payment method rejected' };
    }
    void webhook(p, p.state.status === 'success' ? 'card_payment_succeeded' : 'card_payment_failed');
    res.writeHead(303, { location: p.return_url }).end();
  }

  /**
   * For tests only, outside GOV.UK Pay's API: every payment with a reference (search
   * lag aside), how often a payment was read, settling a held refund, and a refund made
   * in GOV.UK Pay's admin tool.
   */
  async function testApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean); // _test payments [id] [refunds] [refundId]
    if (req.method === 'GET' && parts[1] === 'payments' && parts.length === 2) {
      const reference = url.searchParams.get('reference');
      json(res, 200, {
        results: [...payments.values()].filter((p) => p.reference === reference).map(view),
      });
      return;
    }
    const p = payments.get(parts[2] ?? '');
    if (!p) {
      json(res, 404);
      return;
    }
    if (req.method === 'GET' && parts.length === 4 && parts[3] === 'reads') {
      json(res, 200, { reads: reads.get(p.payment_id) ?? 0 });
      return;
    }
    if (req.method === 'POST' && parts[3] === 'refunds' && parts.length === 4) {
      const body = JSON.parse(await read(req)) as { amount: number };
      json(res, 201, refundView(p, newRefund(p, body.amount)));
      return;
    }
    if (req.method === 'POST' && parts[3] === 'refunds' && parts.length === 5) {
      const r = p.refunds.find((x) => x.refund_id === parts[4]);
      const body = JSON.parse(await read(req)) as { status: 'success' | 'error' };
      if (r) settle(p, r, body.status);
      json(res, r ? 204 : 404);
      return;
    }
    json(res, 404);
  }

  const server: Server = createServer((req, res) => {
    const url = requestUrl(req);
    void (async () => {
      try {
        if (url.pathname.startsWith('/v1/payments') || url.pathname === '/v1/refunds') await api(req, res, url);
        else if (url.pathname.startsWith('/secure/') && req.method === 'POST')
          await scriptedPayer(req, res, url.pathname.slice('/secure/'.length));
        else if (await pages(req, res, url.pathname)) return;
        else if (url.pathname === '/_control' && req.method === 'POST') {
          setControls(JSON.parse(await read(req)) as PayControls);
          json(res, 204);
        } else if (url.pathname.startsWith('/_test/')) await testApi(req, res, url);
        else res.writeHead(404).end();
      } catch {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    apiKey,
    webhookSecret,
    created: () => createdCount,
    control: setControls,
    age: (id, ms) => {
      const p = payments.get(id);
      if (p) p.created_date = new Date(Date.parse(p.created_date) - ms).toISOString();
    },
    reads: (id) => reads.get(id) ?? 0,
    sendWebhook: async (id, eventType) => {
      const p = payments.get(id);
      if (p)
        await webhook(
          p,
          eventType ?? (p.state.status === 'success' ? 'card_payment_succeeded' : 'card_payment_failed'),
        );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
