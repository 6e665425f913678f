/**
 * Every page goes through `page(handler)`: it opens the session, checks the CSRF
 * token and origin of every POST, sends a resident who must be signed in to
 * sign in (and back afterwards), renders with a fresh CSP nonce, and sets the
 * security headers and, when the session changed, its one cookie.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ApiError, doorstepApi, type DoorstepApi } from '../api/client.js';
import { webConfig, type WebConfig } from '../config.js';
import { render } from '../render.js';
import { compressResponse } from './compress.js';
import { MalformedForm, readStreamedForm, type StreamedFile } from './multipart.js';
import {
  newSession,
  readCookie,
  sealSession,
  sessionCookie,
  sessionCookieName,
  unsealSession,
  type Session,
} from '../session.js';

export interface PageRequest {
  readonly request: HttpRequest;
  readonly config: WebConfig;
  /** Mutable: changes are sealed into the cookie when the response is sent. */
  session: Session;
  /** The form of a POST, already CSRF-checked. */
  readonly form: URLSearchParams;
  readonly path: string;
  /** A page taking a file (`multipart`): the file, still unread, after the form's other fields. */
  readonly file?: StreamedFile;
  /** The API as the signed-in resident (or anonymous when nobody is). */
  api(): DoorstepApi;
}

export type PageResult =
  | { readonly view: string; readonly data?: Record<string, unknown>; readonly status?: number }
  | { readonly redirect: string }
  /** For the enhancement script only (same origin; POSTs CSRF-checked like forms). */
  | { readonly json: unknown; readonly status?: number };

export type PageHandler = (page: PageRequest) => Promise<PageResult>;

interface PageOptions {
  /** The page needs a signed-in resident. */
  readonly signedIn?: boolean;
  /** The page takes a file: a multipart POST is read as a stream (web/http/multipart.ts). */
  readonly multipart?: boolean;
}

const maxFormBytes = 64 * 1024;

export class FormTooLarge extends Error {}

export async function readForm(request: HttpRequest): Promise<URLSearchParams> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return new URLSearchParams();
  const text = await request.text();
  if (Buffer.byteLength(text) > maxFormBytes) throw new FormTooLarge();
  return new URLSearchParams(text);
}

export const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Browsers send Sec-Fetch-Site (or at least Origin) on POSTs: a cross-site form post stops here. */
export function sameOriginPost(request: HttpRequest, origin: string): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin';
  const from = request.headers.get('origin');
  return from === null || from === origin;
}

export function securityHeaders(config: WebConfig, nonce?: string): Record<string, string> {
  // Chromium applies form-action to a form's redirects too: sign-out goes on to the identity provider.
  const formAction = ["'self'", new URL(config.oidc.issuer).origin, ...config.formActionOrigins].join(' ');
  const connect = ["'self'", ...config.uploadOrigins].join(' ');
  const csp = [
    "default-src 'self'",
    `script-src 'self'${nonce ? ` 'nonce-${nonce}'` : ''}`,
    "style-src 'self'",
    // Checked photos are shown from their short-lived read links on the documents account.
    `img-src 'self' data:${config.uploadOrigins.map((o) => ` ${o}`).join('')}`,
    "font-src 'self'",
    `connect-src ${connect}`,
    `form-action ${formAction}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(self)',
    ...(config.origin.startsWith('https:')
      ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }
      : {}),
  };
}

/** Where to come back to after signing in: a path on this site only. */
export function safeReturnPath(value: string | null | undefined): string {
  const fallback = '/my-account';
  // Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
  // "/\t/evil.example" would leave the site: only a path that stays on this origin is kept.
  if (!value || !value.startsWith('/') || /[\x00-\x1f\x7f\\]/.test(value)) return fallback;
  const base = 'https://site.invalid';
  const resolved = new URL(value, base);
  if (resolved.origin !== base) return fallback;
  return (resolved.pathname + resolved.search).slice(0, 500);
}

/** The most of a form kept across signing in again: the sealed cookie must stay under 4 KB. */
const maxResumeChars = 1500;

/**
 * The sign-in ran out (the access token expired, or the API refused it): the resident
 * signs in again and comes back to where they were. Unfinished answers stay (for the
 * same person only, see `previousSub`). A GET comes back to its page. A POST is never
 * dropped in silence: a small form is kept and, once signed in, `/resume` shows it with
 * a button to send it (never sent on its own: it may start a payment); a form too big
 * to keep comes back to its page with a message saying it was not saved.
 */
function signInAgain(
  session: Session,
  method: string,
  url: URL,
  form: URLSearchParams,
): { session: Session; redirect: string } {
  const kept: Session = {
    csrf: session.csrf,
    ...(session.journeys ? { journeys: session.journeys } : {}),
    ...((session.user?.sub ?? session.previousSub) ? { previousSub: session.user?.sub ?? session.previousSub } : {}),
  };
  const toSignIn = (back: string) => `/sign-in?returnTo=${encodeURIComponent(safeReturnPath(back))}`;
  if (method !== 'POST')
    return {
      session: { ...kept, flash: 'You were signed out because you had not used the service for a while.' },
      redirect: toSignIn(url.pathname + url.search),
    };
  const fields = [...form.entries()].filter(([name]) => name !== 'csrfToken');
  if (new URLSearchParams(fields).toString().length <= maxResumeChars)
    return {
      session: { ...kept, resume: { path: safeReturnPath(url.pathname), fields } },
      redirect: toSignIn('/resume'),
    };
  return {
    session: {
      ...kept,
      flash:
        'You were signed out because you had not used the service for a while. What you last sent was not saved: enter it again.',
    },
    redirect: toSignIn(url.pathname),
  };
}

export function page(handler: PageHandler, options: PageOptions = {}): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const config = webConfig();
    const nonce = randomBytes(16).toString('base64');
    const cookie = readCookie(request.headers.get('cookie'), sessionCookieName);
    const opened = await unsealSession(cookie, config.sessionKey);
    let session = opened ?? newSession();
    // A visitor who only reads public pages gets no cookie at all.
    const before = JSON.stringify(session);
    const url = new URL(request.url);
    const path = url.pathname + url.search;

    const respond = async (result: PageResult): Promise<HttpResponseInit> => {
      const headers: Record<string, string> = { ...securityHeaders(config, nonce), 'cache-control': 'no-store' };
      const after = JSON.stringify(session);
      if (after !== before) headers['set-cookie'] = sessionCookie(await sealSession(session, config.sessionKey));
      if ('redirect' in result) return { status: 303, headers: { ...headers, location: result.redirect } };
      const acceptEncoding = request.headers.get('accept-encoding');
      if ('json' in result)
        return {
          status: result.status ?? 200,
          ...compressResponse(
            acceptEncoding,
            { ...headers, 'content-type': 'application/json' },
            JSON.stringify(result.json),
          ),
        };
      const flash = session.flash;
      if (flash) {
        delete session.flash;
        headers['set-cookie'] = sessionCookie(await sealSession(session, config.sessionKey));
      }
      const body = render(result.view, {
        cspNonce: nonce,
        councilName: config.councilName,
        contactEmail: config.contactEmail,
        user: session.user ? { name: session.user.name ?? session.user.sub } : undefined,
        csrfToken: session.csrf,
        currentPath: url.pathname,
        flash,
        ...result.data,
      });
      return {
        status: result.status ?? 200,
        ...compressResponse(acceptEncoding, { ...headers, 'content-type': 'text/html; charset=utf-8' }, body),
      };
    };

    let postedForm = new URLSearchParams();
    try {
      let form = new URLSearchParams();
      let file: StreamedFile | undefined;
      if (request.method === 'POST') {
        const type = request.headers.get('content-type') ?? '';
        if (options.multipart && type.startsWith('multipart/form-data')) {
          const length = request.headers.get('content-length');
          ({ fields: form, file } = await readStreamedForm(request.body, type, length ? Number(length) : undefined));
        } else form = await readForm(request);
        postedForm = form;
        const token = form.get('csrfToken') ?? '';
        if (!opened || !sameOriginPost(request, config.origin) || !sameToken(token, session.csrf)) {
          // A form left open past the session's life lands here too: say so plainly.
          await file?.discard();
          return await respond({ view: 'form-expired', status: 403, data: { returnTo: safeReturnPath(url.pathname) } });
        }
      }
      const expired = session.user !== undefined && session.user.expiresAt <= Math.floor(Date.now() / 1000) + 30;
      if (options.signedIn && (!session.user || expired)) {
        if (expired) {
          const again = signInAgain(session, request.method, url, form);
          session = again.session;
          return await respond({ redirect: again.redirect });
        }
        const back = request.method === 'GET' ? path : url.pathname;
        return await respond({ redirect: `/sign-in?returnTo=${encodeURIComponent(safeReturnPath(back))}` });
      }
      const pageRequest: PageRequest = {
        request,
        config,
        session,
        form,
        path,
        ...(file ? { file } : {}),
        api: () => doorstepApi(config.apiBaseUrl, pageRequest.session.user?.accessToken),
      };
      const result = await handler(pageRequest);
      session = pageRequest.session;
      return await respond(result);
    } catch (error) {
      if (error instanceof FormTooLarge) return await respond({ view: 'error', status: 413 });
      if (error instanceof MalformedForm) return await respond({ view: 'error', status: 400 });
      if (error instanceof ApiError && error.status === 401) {
        // The API no longer takes the token (revoked, or its clock disagrees): as an expiry.
        const again = signInAgain(session, request.method, url, postedForm);
        session = again.session;
        return await respond({ redirect: again.redirect });
      }
      if (error instanceof ApiError && error.status === 404) return await respond({ view: 'not-found', status: 404 });
      // No personal data: the error's name and message are the API's or the library's.
      context.error(
        `page ${url.pathname} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown'}`,
      );
      return await respond({ view: 'error', status: 500 });
    }
  };
}
