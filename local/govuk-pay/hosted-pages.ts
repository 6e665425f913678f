/**
 * The stand-in's hosted payment pages, shaped as GOV.UK Pay's own (alphagov/pay-frontend
 * at 0320646: app/paths.js, controllers/secure.controller.js, charge.controller.js,
 * return.controller.js, utils/response-router.js, views/charge.njk, confirm.njk,
 * user-cancelled.njk, errors/incorrect-state/auth-failure.njk, locales/en.json):
 *
 * - `GET /secure/{token}` spends the one-use token, remembers the payment in the
 *   browser's `frontend_state` cookie and sends it on to `/card_details/{id}`; the token
 *   again without that cookie is "Your payment session has expired" (403).
 * - `/card_details/{id}`: card number, expiry month and year, name on card, security
 *   code; missing or wrong fields come back with "The following fields are missing or
 *   contain errors" and a message at each field.
 * - An accepted card goes to `/card_details/{id}/confirm` ("Confirm your payment"), and
 *   "Confirm payment" takes it; a declined card is "Your payment has been declined" with
 *   "Go back to try the payment again"; "Cancel payment" is "Your payment has been
 *   cancelled" with "Continue". Each of those goes through `/return/{id}`, which cancels a
 *   payment still open (as pay-frontend's return controller does) and sends the browser to
 *   the service's `return_url`, with nothing added to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

export const hostedTestCards = { success: '4444333322221111', declined: '4000000000000002' } as const;

type Status = 'created' | 'started' | 'submitted' | 'success' | 'failed' | 'cancelled' | 'error';

/** What the hosted pages need of a payment (the stand-in's own record). */
export interface HostedPayment {
  payment_id: string;
  amount: number;
  description: string;
  return_url: string;
  token: string;
  state: { status: Status; finished: boolean; code?: string; message?: string };
  /** Never the card number: what the confirm page shows of it. */
  card?: { last4: string; expiry: string; name: string };
}

export interface HostedPagesDeps {
  byToken(token: string): HostedPayment | undefined;
  byId(id: string): HostedPayment | undefined;
  /** Expires a payment past its 90 minutes. */
  expire(p: HostedPayment): void;
  /** Moves the payment to a new state and sends its webhook. */
  changeState(p: HostedPayment, state: HostedPayment['state'], event: string): void;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const pounds = (pence: number) => `£${(pence / 100).toFixed(2)}`;
const finished = (s: Status) => ['success', 'failed', 'cancelled', 'error'].includes(s);

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} - GOV.UK Pay</title></head><body>
<header><p>GOV.UK Pay (local stand-in)</p></header>
<main id="main-content">${body}</main></body></html>`;
}

const summary = (p: HostedPayment) =>
  `<h2>Payment summary</h2><p>${escape(p.description)}</p><p>Total amount: <strong>${pounds(p.amount)}</strong></p>`;

const cancelForm = (p: HostedPayment) =>
  `<form method="post" action="/card_details/${p.payment_id}/cancel" novalidate><button type="submit" id="cancel-payment">Cancel payment</button></form>`;

interface CardForm {
  cardNo: string;
  expiryMonth: string;
  expiryYear: string;
  cardholderName: string;
  cvc: string;
}
type Field = keyof CardForm;

const labels: Record<Field, string> = {
  cardNo: 'Card number',
  expiryMonth: 'Expiry date',
  expiryYear: 'Year',
  cardholderName: 'Name on card',
  cvc: 'Card security code',
};

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** pay-frontend's messages (locales/en.json `fieldErrors.fields`), field by field. */
function validate(form: CardForm, now: Date): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  const cardNo = form.cardNo.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(cardNo) || !luhn(cardNo)) errors.cardNo = 'Enter a valid card number';
  else if (cardNo.length < 12 || cardNo.length > 19) errors.cardNo = 'Card number is not the correct length';
  const month = Number(form.expiryMonth);
  const year = form.expiryYear.length === 2 ? 2000 + Number(form.expiryYear) : Number(form.expiryYear);
  if (!/^\d{1,2}$/.test(form.expiryMonth) || month < 1 || month > 12 || !/^(\d{2}|\d{4})$/.test(form.expiryYear))
    errors.expiryMonth = 'Enter a valid expiry date';
  else if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1))
    errors.expiryMonth = 'Enter an expiry date in the future';
  if (form.cardholderName.trim() === '' || /\d{4,}/.test(form.cardholderName))
    errors.cardholderName = 'Enter the name as it appears on the card';
  if (!/^\d{3,4}$/.test(form.cvc.trim())) errors.cvc = 'Enter a valid card security code';
  return errors;
}

function cardPage(p: HostedPayment, form?: CardForm, errors: Partial<Record<Field, string>> = {}): string {
  const listed = (Object.keys(errors) as Field[]).filter((f) => errors[f]);
  const value = (f: Field) => (f === 'cardNo' || f === 'cvc' ? '' : escape(form?.[f] ?? ''));
  const error = (f: Field) =>
    errors[f] ? `<p class="govuk-error-message" id="error-${f}">${escape(errors[f])}</p>` : '';
  const describedBy = (f: Field) => (errors[f] ? ` aria-describedby="error-${f}"` : '');
  const input = (f: Field, autocomplete: string, extra = '') =>
    `<div class="govuk-form-group"><label for="${f}">${labels[f]}</label>${error(f)}<input id="${f}" name="${f}" type="text" autocomplete="${autocomplete}" value="${value(f)}"${describedBy(f)}${extra}></div>`;
  return layout(
    'Enter card details',
    `${
      listed.length
        ? `<div role="alert" id="error-summary"><h2>The following fields are missing or contain errors</h2><ul>${listed
            .map((f) => `<li><a href="#${f}">${escape(errors[f] ?? '')}</a></li>`)
            .join('')}</ul></div>`
        : ''
    }<h1>Enter card details</h1>${summary(p)}
<form method="post" action="/card_details/${p.payment_id}" novalidate>
${input('cardNo', 'cc-number', ' inputmode="numeric" maxlength="26"')}
<fieldset><legend>Expiry date</legend><p id="expiry-hint">For example, 10/${String((new Date().getUTCFullYear() + 3) % 100)}</p>${error('expiryMonth')}
<label for="expiryMonth">Month</label><input id="expiryMonth" name="expiryMonth" inputmode="numeric" maxlength="2" autocomplete="cc-exp-month" value="${value('expiryMonth')}" aria-describedby="expiry-hint${errors.expiryMonth ? ' error-expiryMonth' : ''}">
<label for="expiryYear">Year</label><input id="expiryYear" name="expiryYear" inputmode="numeric" maxlength="4" autocomplete="cc-exp-year" value="${value('expiryYear')}"></fieldset>
${input('cardholderName', 'cc-name', ' maxlength="200"')}
${input('cvc', 'cc-csc', ' inputmode="numeric" maxlength="4"')}
<button type="submit" id="submit-card-details">Continue</button></form>
${cancelForm(p)}
<p>Local stand-in: ${hostedTestCards.success} is accepted, ${hostedTestCards.declined} is declined.</p>`,
  );
}

const confirmPage = (p: HostedPayment) =>
  layout(
    'Confirm your payment',
    `<h1>Confirm your payment</h1>
<dl><dt>Description</dt><dd>${escape(p.description)}</dd><dt>Total amount</dt><dd>${pounds(p.amount)}</dd>
<dt>Card number</dt><dd>●●●●●●●●●●●●${escape(p.card?.last4 ?? '')}</dd><dt>Expiry date</dt><dd>${escape(p.card?.expiry ?? '')}</dd>
<dt>Name on card</dt><dd>${escape(p.card?.name ?? '')}</dd></dl>
<form method="post" action="/card_details/${p.payment_id}/confirm" novalidate><button type="submit" id="confirm">Confirm payment</button></form>
${cancelForm(p)}`,
  );

const returnButton = (p: HostedPayment, text: string) =>
  `<p><a href="/return/${p.payment_id}" id="return-url" role="button">${text}</a></p>`;

const declinedPage = (p: HostedPayment) =>
  layout(
    'There was a problem with your payment',
    `<h1>Your payment has been declined</h1><p>No money has been taken from your account. Contact your bank for more details.</p>${returnButton(p, 'Go back to try the payment again')}`,
  );

const cancelledPage = (p: HostedPayment) =>
  layout(
    'Your payment has been cancelled',
    `<h1>Your payment has been cancelled</h1><p>No money has been taken from your account.</p>${returnButton(p, 'Continue')}`,
  );

const sessionExpiredPage = () =>
  layout(
    'Your payment session has expired',
    `<h1>Your payment session has expired</h1><p>Your payment session has expired. This may be because you have completed your payment or your session has timed out.</p><p>To make any changes to your payment you’ll need to contact the service.</p>`,
  );

const completedPage = (p: HostedPayment) =>
  layout(
    'Your payment was successful',
    `<h1>Your payment was successful</h1>${returnButton(p, 'Go back to the service')}`,
  );

const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const html = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) =>
  res
    .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers })
    .end(body);
const redirect = (res: ServerResponse, location: string, headers: Record<string, string> = {}) =>
  res.writeHead(303, { location, ...headers }).end();

/** The browser's pay-frontend session: which payments it may see (`frontend_state`). */
export function hostedPages(deps: HostedPagesDeps) {
  const sessions = new Map<string, Set<string>>();
  const usedTokens = new Set<string>();
  const sessionOf = (req: IncomingMessage) => {
    const cookie = /(?:^|;\s*)frontend_state=([0-9a-f]{32})/.exec(req.headers.cookie ?? '')?.[1];
    return cookie ? { id: cookie, charges: sessions.get(cookie) } : undefined;
  };
  const mayAct = (req: IncomingMessage, p: HostedPayment) => sessionOf(req)?.charges?.has(p.payment_id) === true;

  /** A finished payment's page, as pay-frontend's state enforcer renders it. */
  const terminal = (res: ServerResponse, p: HostedPayment) => {
    if (p.state.status === 'success') html(res, 200, completedPage(p));
    else if (p.state.code === 'P0010') html(res, 200, declinedPage(p));
    else if (p.state.code === 'P0030') html(res, 200, cancelledPage(p));
    else html(res, 200, sessionExpiredPage());
  };

  function secure(req: IncomingMessage, res: ServerResponse, token: string): void {
    const p = deps.byToken(token);
    if (!p) {
      html(res, 404, layout('Page cannot be found', '<h1>Page cannot be found</h1>'));
      return;
    }
    if (usedTokens.has(token)) {
      if (!mayAct(req, p)) html(res, 403, sessionExpiredPage());
      else redirect(res, `/card_details/${p.payment_id}`);
      return;
    }
    usedTokens.add(token);
    const session = sessionOf(req);
    const id = session?.charges ? session.id : randomBytes(16).toString('hex');
    sessions.set(id, new Set([...(session?.charges ?? []), p.payment_id]));
    redirect(res, `/card_details/${p.payment_id}`, {
      'set-cookie': `frontend_state=${id}; Path=/; HttpOnly; SameSite=Lax`,
    });
  }

  async function card(req: IncomingMessage, res: ServerResponse, id: string, action: string | undefined) {
    const p = deps.byId(id);
    if (!p || !mayAct(req, p)) {
      html(res, 403, sessionExpiredPage());
      return;
    }
    deps.expire(p);
    if (req.method === 'GET' && action === undefined) {
      if (finished(p.state.status)) terminal(res, p);
      else if (p.state.status === 'submitted') redirect(res, `/card_details/${id}/confirm`);
      else {
        if (p.state.status === 'created') deps.changeState(p, { status: 'started', finished: false }, '');
        html(res, 200, cardPage(p));
      }
      return;
    }
    if (req.method === 'POST' && action === undefined) {
      if (finished(p.state.status) || p.state.status === 'submitted') {
        redirect(res, `/card_details/${id}`);
        return;
      }
      const body = new URLSearchParams(await read(req));
      const form: CardForm = {
        cardNo: body.get('cardNo') ?? '',
        expiryMonth: (body.get('expiryMonth') ?? '').trim(),
        expiryYear: (body.get('expiryYear') ?? '').trim(),
        cardholderName: body.get('cardholderName') ?? '',
        cvc: body.get('cvc') ?? '',
      };
      const errors = validate(form, new Date());
      if (Object.keys(errors).length > 0) {
        html(res, 200, cardPage(p, form, errors));
        return;
      }
      const number = form.cardNo.replace(/[\s-]/g, '');
      // The stand-in's sandbox knows its two test cards; any other card is declined.
      if (number === hostedTestCards.success) {
        p.card = {
          last4: number.slice(-4),
          expiry: `${form.expiryMonth.padStart(2, '0')}/${form.expiryYear.slice(-2)}`,
          name: form.cardholderName.trim(),
        };
        deps.changeState(p, { status: 'submitted', finished: false }, '');
        redirect(res, `/card_details/${id}/confirm`);
      } else {
        deps.changeState(
          p,
          { status: 'failed', finished: true, code: 'P0010', message: 'Payment method rejected' },
          'card_payment_failed',
        );
        redirect(res, `/card_details/${id}`);
      }
      return;
    }
    if (action === 'confirm') {
      if (p.state.status !== 'submitted') {
        redirect(res, `/card_details/${id}`);
        return;
      }
      if (req.method === 'GET') html(res, 200, confirmPage(p));
      else {
        deps.changeState(p, { status: 'success', finished: true }, 'card_payment_succeeded');
        redirect(res, `/return/${id}`);
      }
      return;
    }
    if (action === 'cancel' && req.method === 'POST') {
      if (!finished(p.state.status))
        deps.changeState(
          p,
          { status: 'failed', finished: true, code: 'P0030', message: 'Payment was cancelled by the user' },
          'card_payment_failed',
        );
      terminal(res, p);
      return;
    }
    html(res, 404, layout('Page cannot be found', '<h1>Page cannot be found</h1>'));
  }

  /** pay-frontend's return controller: a payment still open is cancelled before going back. */
  function back(req: IncomingMessage, res: ServerResponse, id: string): void {
    const p = deps.byId(id);
    if (!p || !mayAct(req, p)) {
      html(res, 403, sessionExpiredPage());
      return;
    }
    deps.expire(p);
    if (!finished(p.state.status))
      deps.changeState(
        p,
        { status: 'failed', finished: true, code: 'P0030', message: 'Payment was cancelled by the user' },
        'card_payment_failed',
      );
    redirect(res, p.return_url);
  }

  /** Routes a hosted-page request; false when the path is not one of these pages. */
  return async function route(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    const parts = pathname.split('/').filter(Boolean);
    if (parts[0] === 'secure' && parts.length === 2 && req.method === 'GET') {
      secure(req, res, parts[1] ?? '');
      return true;
    }
    if (parts[0] === 'card_details' && (parts.length === 2 || parts.length === 3)) {
      await card(req, res, parts[1] ?? '', parts[2]);
      return true;
    }
    if (parts[0] === 'return' && parts.length === 2 && req.method === 'GET') {
      back(req, res, parts[1] ?? '');
      return true;
    }
    return false;
  };
}
