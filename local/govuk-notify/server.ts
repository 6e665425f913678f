/**
 * A GOV.UK Notify stand-in for local use and tests: `POST /v2/notifications/email`
 * and `/sms` over real HTTP, authenticated as Notify does (an HS256 JWT signed
 * with the API key's secret, `iss` = the service id, `iat` within 30 s), filling
 * its templates' ((placeholders)) and answering Notify's errors (a missing
 * placeholder or a bad number is a 400 BadRequestError). Nothing is delivered:
 * each notification is recorded, listed at `/` for people and
 * `/_control/notifications` for tests. Doorstep's adapter is the real
 * `notifications-node-client`, pointed here.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import { localTemplates, type LocalTemplate } from './templates.js';
import { requestUrl } from '../request-url.js';

export interface SentNotification {
  readonly id: string;
  readonly type: 'email' | 'sms';
  readonly to: string;
  readonly templateId: string;
  readonly templateName: string;
  readonly personalisation: Record<string, string>;
  readonly reference: string | null;
  readonly subject: string | null;
  readonly body: string;
  readonly createdAt: string;
}

export interface NotifyControls {
  /** The next N sends answer this status (500 or 429 simulate an outage) and record nothing. */
  readonly failNext?: number;
  readonly failStatus?: number;
  /** Only sends to this address fail, so test files sharing the stand-in do not fail each other's sends. */
  readonly forRecipient?: string;
}

export interface GovUkNotifyStandIn {
  readonly url: string;
  readonly apiKey: string;
  readonly templates: Readonly<Record<string, { email?: string; sms?: string }>>;
  sent(): readonly SentNotification[];
  control(c: NotifyControls): void;
  close(): Promise<void>;
}

const serviceId = '6c1f4a52-3b7e-4d0a-9c5e-2f8b1d7a9e30';
const secret = 'd2b1c7e9-58af-4e36-a1f0-94c3b6e2d785';

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\(\(([a-z_]+)\)\)/g, (_, key: string) => values[key] ?? '');

const problem = (res: ServerResponse, status: number, error: string, message: string) =>
  res
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify({ status_code: status, errors: [{ error, message }] }));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * UK mobiles as Notify reads them (alphagov/notifications-utils@014a753,
 * `recipient_validation/phone_number.py`): spaces, brackets, dashes and plus signs
 * are dropped, then stray leading zeros, then the 44 country code (and a "(0)" after
 * it); what is left must be a 7 and nine more digits. So "+44 (0)7700 900-100" and
 * "447700900100" are sent, as Notify sends them.
 */
export function isUkMobile(number: string): boolean {
  const digits = number.replace(/[\s()+-]/g, '');
  if (!/^\d+$/.test(digits)) return false;
  const national = digits.replace(/^0+/, '').replace(/^440?/, '');
  return /^7\d{9}$/.test(national);
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export async function startGovUkNotify(options: { port?: number } = {}): Promise<GovUkNotifyStandIn> {
  const sent: SentNotification[] = [];
  const byId = new Map<string, LocalTemplate>(localTemplates.map((t) => [t.id, t]));
  let controls: { failNext: number; failStatus: number; forRecipient?: string } = { failNext: 0, failStatus: 500 };

  const authenticate = async (req: IncomingMessage): Promise<string | undefined> => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return 'Unauthorized: authentication token must be provided';
    try {
      const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'] });
      if (payload.iss !== serviceId) return 'Invalid token: service not found';
      if (typeof payload.iat !== 'number' || Math.abs(Date.now() / 1000 - payload.iat) > 30)
        return 'Error: Your system clock must be accurate to within 30 seconds';
      return undefined;
    } catch {
      return 'Invalid token: signature, api token not found';
    }
  };

  const send = async (type: 'email' | 'sms', req: IncomingMessage, res: ServerResponse) => {
    const denied = await authenticate(req);
    if (denied) return problem(res, 403, 'AuthError', denied);
    const body = await readJson(req);
    if (!body) return problem(res, 400, 'BadRequestError', 'Invalid JSON');
    const template = byId.get(typeof body.template_id === 'string' ? body.template_id : '');
    if (!template || template.type !== type) return problem(res, 400, 'BadRequestError', 'Template not found');
    const address = type === 'email' ? body.email_address : body.phone_number;
    const to = typeof address === 'string' ? address : '';
    if (controls.failNext > 0 && (controls.forRecipient === undefined || controls.forRecipient === to)) {
      controls.failNext--;
      return problem(
        res,
        controls.failStatus,
        controls.failStatus === 429 ? 'RateLimitError' : 'Exception',
        'Internal server error',
      );
    }
    if (type === 'email' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(to))
      return problem(res, 400, 'ValidationError', 'email_address Not a valid email address');
    if (type === 'sms' && !isUkMobile(to))
      return problem(res, 400, 'ValidationError', 'phone_number Not a UK mobile number');
    const personalisation = (body.personalisation ?? {}) as Record<string, string>;
    const missing = template.placeholders.filter((p) => personalisation[p] === undefined);
    if (missing.length > 0)
      return problem(res, 400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
    const notification: SentNotification = {
      id: randomUUID(),
      type,
      to,
      templateId: template.id,
      templateName: template.name,
      personalisation,
      reference: typeof body.reference === 'string' ? body.reference : null,
      subject: template.subject ? fill(template.subject, personalisation) : null,
      body: fill(template.body, personalisation),
      createdAt: new Date().toISOString(),
    };
    sent.push(notification);
    res.writeHead(201, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: notification.id,
        reference: notification.reference,
        content:
          type === 'email'
            ? {
                subject: notification.subject,
                body: notification.body,
                from_email: 'council@notifications.service.gov.uk',
              }
            : { body: notification.body, from_number: 'COUNCIL' },
        uri: `${base}/v2/notifications/${notification.id}`,
        template: { id: template.id, version: 1, uri: `${base}/v2/template/${template.id}` },
      }),
    );
  };

  const page = () =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GOV.UK Notify (local)</title></head><body>
<h1>Notifications Doorstep would have sent</h1><p>${sent.length} so far, newest first. Nothing here was delivered.</p>
${[...sent]
  .reverse()
  .map(
    (n) =>
      `<article><h2>${escapeHtml(n.type)} to ${escapeHtml(n.to)}: ${escapeHtml(n.templateName)}</h2><p><small>${escapeHtml(n.createdAt)} · reference ${escapeHtml(n.reference ?? '')}</small></p>${n.subject ? `<h3>${escapeHtml(n.subject)}</h3>` : ''}<pre>${escapeHtml(n.body)}</pre></article>`,
  )
  .join('\n')}
</body></html>`;

  // GET /v2/notifications as Notify answers it (newest first), so that a smoke test can
  // look for its send the same way against the stand-in and against Notify.
  const list = async (req: IncomingMessage, res: ServerResponse) => {
    const denied = await authenticate(req);
    if (denied) return problem(res, 403, 'AuthError', denied);
    const query = requestUrl(req).searchParams;
    const type = query.get('template_type');
    const reference = query.get('reference');
    const notifications = [...sent]
      .reverse()
      .filter((n) => (!type || n.type === type) && (!reference || n.reference === reference))
      .map((n) => ({
        id: n.id,
        reference: n.reference,
        type: n.type,
        status: 'delivered',
        email_address: n.type === 'email' ? n.to : null,
        phone_number: n.type === 'sms' ? n.to : null,
        template: { id: n.templateId, version: 1, uri: '' },
        subject: n.subject,
        body: n.body,
        created_at: n.createdAt,
      }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ notifications, links: {} }));
  };

  const server: Server = createServer((req, res) => {
    const path = requestUrl(req).pathname;
    const run = async () => {
      if (req.method === 'POST' && path === '/v2/notifications/email') return send('email', req, res);
      if (req.method === 'POST' && path === '/v2/notifications/sms') return send('sms', req, res);
      if (req.method === 'GET' && path === '/v2/notifications') return list(req, res);
      if (req.method === 'GET' && path === '/_control/notifications')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sent));
      if (req.method === 'GET' && path === '/_control/fail')
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(controls));
      if (req.method === 'POST' && path === '/_control/fail') {
        const c = ((await readJson(req)) ?? {}) as NotifyControls;
        controls = {
          failNext: c.failNext ?? 0,
          failStatus: c.failStatus ?? 500,
          ...(c.forRecipient ? { forRecipient: c.forRecipient } : {}),
        };
        return void res.writeHead(204).end();
      }
      if (req.method === 'GET' && path === '/')
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page());
      return problem(res, 404, 'NotFound', 'Not found');
    };
    run().catch(() => problem(res, 500, 'Exception', 'Internal server error'));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const templates: Record<string, { email?: string; sms?: string }> = {};
  for (const t of localTemplates) templates[t.kind] = { ...templates[t.kind], [t.type]: t.id };

  return {
    url: base,
    apiKey: `doorstep_local-${serviceId}-${secret}`,
    templates,
    sent: () => [...sent],
    control(c) {
      controls = {
        failNext: c.failNext ?? 0,
        failStatus: c.failStatus ?? 500,
        ...(c.forRecipient ? { forRecipient: c.forRecipient } : {}),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
