/**
 * The post-deploy smoke test, against the public API and the SDKs only: health, a token
 * from the configured issuer, a report with a photo that passes the real malware scan,
 * a GOV.UK Notify send, a partner message round trip and a GOV.UK Pay payment. The same
 * flow runs against the embedded stack in `npm test` (test/integration/smoke.test.ts).
 */
import type { ServiceBusClient } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { partnerRoundTrip } from './partner.js';

export interface SmokeOptions {
  /** The API's base URL, ending in /api. */
  readonly api: string;
  /** Tokens from the configured issuer: a resident (any subject) and a member of staff. */
  readonly residentToken: () => Promise<string>;
  readonly staffToken: () => Promise<string>;
  /** The issuer the API is configured with; the resident token must come from it. */
  readonly issuer?: string;
  /** A partner's connection (its own Entra identity in Azure) and which back office it is. */
  readonly partner: { readonly bus: ServiceBusClient; readonly backOffice: string };
  /** Read access to the GOV.UK Notify service the app sends through (a test-mode key). */
  readonly notify?: { readonly baseUrl: string; readonly apiKey: string };
  /** Where the resident's email goes: Notify's simulated address delivers nothing. */
  readonly notifyAddress?: string;
  readonly photo: Buffer;
  /** The most each asynchronous step may take (Defender's scan takes seconds to minutes). */
  readonly stepTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface SmokeResult {
  readonly requestId: string;
  readonly documentId: string;
  readonly paymentId: string;
  readonly partnerReference: string;
  readonly notified: boolean;
}

class SmokeFailure extends Error {}

async function within<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new SmokeFailure(`${what}: not within ${String(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: string; sub?: string };

export async function runSmoke(o: SmokeOptions): Promise<SmokeResult> {
  const log = o.log ?? (() => undefined);
  const timeout = o.stepTimeoutMs ?? 120_000;
  const api = o.api.replace(/\/$/, '');
  const [resident, staff] = await Promise.all([o.residentToken(), o.staffToken()]);
  const call = async (method: string, path: string, token?: string, body?: unknown, headers = {}) => {
    const response = await fetch(`${api}/${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  };
  const expectStatus = (what: string, actual: number, expected: number) => {
    if (actual !== expected) throw new SmokeFailure(`${what}: HTTP ${String(actual)}, expected ${String(expected)}`);
  };

  const health = await call('GET', 'health');
  expectStatus('health', health.status, 200);
  log(`ok  health: ${String(health.body.status)}`);

  const issuer = claims(resident).iss;
  if (o.issuer && issuer !== o.issuer)
    throw new SmokeFailure(`token: issued by ${String(issuer)}, expected ${o.issuer}`);
  const address = o.notifyAddress ?? 'simulate-delivered@notifications.service.gov.uk';
  const me = await call('PATCH', 'me', resident, {
    preferences: { email: true, sms: false, events: ['status-changed'] },
  });
  expectStatus('token accepted (PATCH /me)', me.status, 200);
  // Notifications go only to a confirmed address: confirm it with the code Notify was asked to send.
  const contact = me.body.contact as { email?: string | null; emailVerified?: boolean } | undefined;
  if (o.notify && !(contact?.email === address && contact.emailVerified)) {
    const asked = await call('POST', 'me/contact/email', resident, { email: address });
    expectStatus('security code sent (POST /me/contact/email)', asked.status, 202);
    const { NotifyClient } = await import('notifications-node-client');
    const client = new NotifyClient(o.notify.baseUrl, o.notify.apiKey);
    const code = await within('GOV.UK Notify security code', timeout, async () => {
      const { data } = await client.getNotifications('email');
      const sent = data.notifications.find((n) => n.email_address === address && /security code/i.test(n.body));
      return /\b(\d{5})\b/.exec(sent?.body ?? '')?.[1];
    });
    const confirmed = await call('POST', 'me/contact/email/confirm', resident, { code });
    expectStatus('email address confirmed', confirmed.status, 200);
  }
  log(`ok  token from ${String(issuer)} accepted`);

  const issued = await call('POST', 'uploads', resident, {
    purpose: 'photo',
    fileName: 'smoke.jpg',
    contentType: 'image/jpeg',
    size: o.photo.length,
  });
  expectStatus('upload link', issued.status, 201);
  const documentId = (issued.body.document as { id: string }).id;
  const link = issued.body.upload as { url: string; headers: Record<string, string> };
  const put = await fetch(link.url, { method: 'PUT', headers: link.headers, body: o.photo });
  expectStatus('photo PUT to the upload link', put.status, 201);
  const scanned = await within('photo scanned and available', timeout, async () => {
    const view = await call('GET', `documents/${documentId}`, resident);
    return view.body.status === 'pending' ? undefined : String(view.body.status);
  });
  if (scanned !== 'available') throw new SmokeFailure(`photo: ${scanned} after the scan, expected available`);
  const report = await call('POST', 'requests', resident, {
    serviceCode: 'pothole',
    description: 'Smoke test after deploy: please ignore and close.',
    location: { lat: 51.4545, long: -2.5879 },
    attributes: { where: 'road', size: 'small' },
    photos: [documentId],
  });
  expectStatus('report with the photo', report.status, 201);
  const requestId = String(report.body.id);
  log(`ok  report ${requestId} with photo ${documentId}: scanned, available`);

  const update = await call(
    'PATCH',
    `staff/requests/${requestId}`,
    staff,
    { status: 'investigating', publicUpdate: 'Smoke test.' },
    { 'if-match': report.headers.get('etag') ?? '*' },
  );
  expectStatus('staff status change', update.status, 200);
  let notified = false;
  if (o.notify) {
    const { NotifyClient } = await import('notifications-node-client');
    const client = new NotifyClient(o.notify.baseUrl, o.notify.apiKey);
    const reference = requestId.slice(0, 8).toUpperCase();
    await within('GOV.UK Notify email for the status change', timeout, async () => {
      const { data } = await client.getNotifications('email');
      return data.notifications.find((n) => n.body.includes(reference)) ? true : undefined;
    });
    notified = true;
    log('ok  GOV.UK Notify accepted the status-change email');
  } else log('--  GOV.UK Notify: no --notify-key, not checked');

  const partnerReference = await partnerRoundTrip(o.partner.bus, o.partner.backOffice, requestId, Date.now() + timeout);
  await within('partner acknowledgement applied', timeout, async () => {
    const view = await call('GET', `requests/${requestId}`, staff);
    const dispatch = view.body.dispatch as { partnerReference?: string } | null | undefined;
    return dispatch?.partnerReference === partnerReference ? true : undefined;
  });
  log(`ok  work order taken by ${o.partner.backOffice}, acknowledged as ${partnerReference}`);

  const payment = await call(
    'POST',
    'payments',
    resident,
    { itemCode: 'garden-waste' },
    {
      'idempotency-key': `smoke-${randomUUID()}`,
    },
  );
  expectStatus('payment', payment.status, 201);
  if (payment.body.status !== 'created' || typeof payment.body.nextUrl !== 'string')
    throw new SmokeFailure(`payment: ${JSON.stringify(payment.body.status)} without a GOV.UK Pay page`);
  const paymentId = String(payment.body.id);
  log(`ok  payment ${paymentId} created at GOV.UK Pay: ${new URL(payment.body.nextUrl).origin}`);

  return { requestId, documentId, paymentId, partnerReference, notified };
}
