/**
 * A GOV.UK Pay stand-in for local use and tests: the public API subset Doorstep
 * uses, over real HTTP, with a bearer key, a hosted card page (4444333322221111
 * succeeds, 4000000000000002 is declined), signed webhooks with retries, 90-minute
 * expiry, and controls to simulate delays, failures and duplicate webhooks.
 * Doorstep's production adapter talks to it exactly as to GOV.UK Pay.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestUrl } from '../request-url.js';

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
  refunds: { refund_id: string; amount: number; status: 'success'; created_date: string }[];
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

  const view = (p: Payment) => {
    const available = p.state.status === 'success' ? p.amount - p.refunds.reduce((n, r) => n + r.amount, 0) : 0;
    return {
      amount: p.amount,
      description: p.description,
      reference: p.reference,
      language: p.language,
      metadata: p.metadata,
      email: p.email,
      payment_id: p.payment_id,
      payment_provider: 'sandbox',
      created_date: p.created_date,
      state: p.state,
      return_url: p.return_url,
      refund_summary: {
        status: p.state.status === 'success' ? (available > 0 ? 'available' : 'full') : 'pending',
        amount_available: available,
        amount_submitted: p.refunds.reduce((n, r) => n + r.amount, 0),
      },
      _links: {
        self: { href: `${base}/v1/payments/${p.payment_id}`, method: 'GET' },
        next_url: finished(p.state.status) ? null : { href: `${base}/secure/${p.token}`, method: 'GET' },
        refunds: { href: `${base}/v1/payments/${p.payment_id}/refunds`, method: 'GET' },
        cancel: finished(p.state.status)
          ? null
          : { href: `${base}/v1/payments/${p.payment_id}/cancel`, method: 'POST' },
      },
    };
  };

  const expire = (p: Payment) => {
    if (!finished(p.state.status) && Date.now() - Date.parse(p.created_date) > expiryMs) {
      p.state = { status: 'failed', finished: true, code: 'P0020', message: 'Payment expired' };
    }
  };

  const webhook = async (p: Payment, eventType: string) => {
    const url = options.webhookUrl?.();
    if (!url) return;
    const body = JSON.stringify({
      webhook_message_id: randomUUID(),
      created_date: new Date().toISOString(),
      resource_id: p.payment_id,
      api_version: 1,
      resource_type: 'payment',
      event_type: eventType,
      resource: view(p),
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
      await new Promise((r) => setTimeout(r, controls.createDelayMs ?? 0));
      if (controls.failNextCreates) {
        controls.failNextCreates--;
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
      if (controls.failAfterCreate) {
        controls.failAfterCreate--;
        error(res, 500, 'P0198', 'Downstream system error');
        return;
      }
      json(res, 201, view(p));
      return;
    }
    if (req.method === 'GET' && parts.length === 2) {
      const reference = url.searchParams.get('reference');
      const results = [...payments.values()].filter((p) => reference === null || p.reference === reference);
      results.forEach(expire);
      json(res, 200, { total: results.length, count: results.length, page: 1, results: results.map(view) });
      return;
    }
    const p = payments.get(parts[2] ?? '');
    if (!p) {
      error(res, 404, 'P0200', 'Not found');
      return;
    }
    expire(p);
    if (req.method === 'GET' && parts.length === 3) {
      json(res, 200, view(p));
      return;
    }
    if (req.method === 'POST' && parts[3] === 'cancel') {
      if (finished(p.state.status)) {
        error(res, 400, 'P0502', 'Cancellation of payment failed');
        return;
      }
      p.state = { status: 'cancelled', finished: true, code: 'P0040', message: 'Payment was cancelled by the service' };
      json(res, 204);
      void webhook(p, 'card_payment_cancelled');
      return;
    }
    if (req.method === 'POST' && parts[3] === 'refunds') {
      const body = JSON.parse(await read(req)) as { amount?: number; refund_amount_available?: number };
      const available = view(p).refund_summary.amount_available;
      if (body.refund_amount_available !== available) {
        error(res, 412, 'P0604', 'Refund amount available mismatch.');
        return;
      }
      if (!Number.isInteger(body.amount) || (body.amount ?? 0) < 1 || (body.amount ?? 0) > available) {
        error(
          res,
          400,
          'P0603',
          'The payment is not available for refund. Payment refund status: ' + view(p).refund_summary.status,
        );
        return;
      }
      const refund = {
        refund_id: randomBytes(13).toString('hex').slice(0, 26),
        amount: body.amount ?? 0,
        status: 'success' as const,
        created_date: new Date().toISOString(),
      };
      p.refunds.push(refund);
      json(res, 202, {
        ...refund,
        _links: { self: { href: `${base}/v1/payments/${p.payment_id}/refunds/${refund.refund_id}`, method: 'GET' } },
      });
      void webhook(p, 'card_payment_refunded');
      return;
    }
    error(res, 404, 'P0200', 'Not found');
  }

  const page = (
    p: Payment,
  ) => `<!doctype html><html lang="en"><head><title>Enter card details - GOV.UK Pay (local)</title></head><body>
<h1>Enter card details</h1><p>${p.description.replace(/[<>&"]/g, '')}</p><p>Total amount: £${(p.amount / 100).toFixed(2)}</p>
<form method="post"><label for="card">Card number</label> <input id="card" name="card_number" autocomplete="cc-number"><button name="action" value="pay">Continue</button>
<button name="action" value="cancel">Cancel payment</button></form>
<p>Local stand-in: ${testCards.success} succeeds, ${testCards.declined} is declined.</p></body></html>`;

  async function hosted(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
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
    if (req.method === 'GET') {
      if (p.state.status === 'created') p.state = { status: 'started', finished: false };
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(p));
      return;
    }
    const form = new URLSearchParams(await read(req));
    if (form.get('action') === 'cancel') {
      p.state = { status: 'failed', finished: true, code: 'P0030', message: 'Payment was cancelled by the user' };
    } else {
      const card = (form.get('card_number') ?? '').replace(/\s/g, '');
      p.state = { status: 'submitted', finished: false };
      p.state =
        card === testCards.success
          ? { status: 'success', finished: true }
          : { status: 'failed', finished: true, code: 'P0010', message: 'Payment method rejected' };
    }
    void webhook(p, p.state.status === 'success' ? 'card_payment_succeeded' : 'card_payment_failed');
    res.writeHead(303, { location: p.return_url }).end();
  }

  const server: Server = createServer((req, res) => {
    const url = requestUrl(req);
    void (async () => {
      try {
        if (url.pathname.startsWith('/v1/payments')) await api(req, res, url);
        else if (url.pathname.startsWith('/secure/')) await hosted(req, res, url.pathname.slice('/secure/'.length));
        else if (url.pathname === '/_control' && req.method === 'POST') {
          controls = { ...controls, ...(JSON.parse(await read(req)) as PayControls) };
          json(res, 204);
        } else res.writeHead(404).end();
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
    control: (c) => {
      controls = { ...controls, ...c };
    },
    age: (id, ms) => {
      const p = payments.get(id);
      if (p) p.created_date = new Date(Date.parse(p.created_date) - ms).toISOString();
    },
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
