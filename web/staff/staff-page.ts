/**
 * Every staff page goes through `staffPage(handler)`: the staff session (its own
 * cookie), CSRF and origin checks on every POST, sign-in through the staff
 * client, a staff role, the same CSP as the rest of the site, and the staff
 * layout's data. A resident's session is never read here.
 */
import { randomBytes } from 'node:crypto';
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { ApiError, doorstepApi, type DoorstepApi } from '../api/client.js';
import { webConfig, type WebConfig } from '../config.js';
import { FormTooLarge, readForm, safeReturnPath, sameOriginPost, sameToken, securityHeaders } from '../http/page.js';
import { render } from '../render.js';
import { readCookie } from '../session.js';
import {
  newStaffSession,
  sealStaffSession,
  staffCookie,
  staffCookieName,
  staffKey,
  unsealStaffSession,
  type StaffSession,
} from './session.js';

/** Roles that open the workspace (the API's own test: shared/identity/principal.ts `isStaff`). */
const workspaceRoles = new Set(['staff', 'admin']);

export interface StaffPageRequest {
  readonly request: HttpRequest;
  readonly config: WebConfig;
  /** The staff sign-in's settings (a staff page exists only when they are configured). */
  readonly staffConfig: WebConfig & { readonly oidc: NonNullable<WebConfig['staffOidc']> };
  session: StaffSession;
  readonly form: URLSearchParams;
  readonly query: URLSearchParams;
  /** The API as the signed-in member of staff; `reason` goes in the Access-Reason header (audited). */
  api(reason?: string): DoorstepApi;
}

export type StaffPageResult =
  | { readonly view: string; readonly data?: Record<string, unknown>; readonly status?: number }
  | { readonly redirect: string };

export type StaffPageHandler = (page: StaffPageRequest) => Promise<StaffPageResult>;

export const staffReturnPath = (value: string | null | undefined): string => {
  const path = safeReturnPath(value);
  return path.startsWith('/staff') ? path : '/staff/requests';
};

function staffApi(baseUrl: string, accessToken: string | undefined, reason: string | undefined): DoorstepApi {
  const api = doorstepApi(baseUrl, accessToken);
  if (reason)
    api.use({
      onRequest({ request }) {
        request.headers.set('access-reason', reason);
        return request;
      },
    });
  return api;
}

export function staffPage(
  handler: StaffPageHandler,
  /** `roles`: who may open the page (the workspace's roles unless said: councillor pages name their own). */
  options: { signedIn?: boolean; roles?: readonly string[] } = { signedIn: true },
): HttpHandler {
  const allowed = options.roles ? new Set(options.roles) : workspaceRoles;
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const config = webConfig();
    const nonce = randomBytes(16).toString('base64');
    const url = new URL(request.url);
    const staffOidc = config.staffOidc;
    const headersFor = (c: WebConfig) => ({ ...securityHeaders(c, nonce), 'cache-control': 'no-store' });
    if (!staffOidc)
      return {
        status: 404,
        headers: { ...headersFor(config), 'content-type': 'text/html; charset=utf-8' },
        body: render('not-found', { cspNonce: nonce, councilName: config.councilName, currentPath: url.pathname }),
      };
    // Form actions may go on to the staff issuer too (sign-out).
    const staffConfig = { ...config, oidc: staffOidc };
    const cspConfig = { ...config, formActionOrigins: [...config.formActionOrigins, new URL(staffOidc.issuer).origin] };
    const key = staffKey(config.sessionKey);
    const opened = await unsealStaffSession(readCookie(request.headers.get('cookie'), staffCookieName), key);
    let session = opened ?? newStaffSession();
    const before = JSON.stringify(session);

    const respond = async (result: StaffPageResult): Promise<HttpResponseInit> => {
      const headers: Record<string, string> = headersFor(cspConfig);
      const flash = 'view' in result ? session.flash : undefined;
      if (flash) delete session.flash;
      if (JSON.stringify(session) !== before) headers['set-cookie'] = staffCookie(await sealStaffSession(session, key));
      if ('redirect' in result) return { status: 303, headers: { ...headers, location: result.redirect } };
      const body = render(result.view, {
        cspNonce: nonce,
        councilName: config.councilName,
        contactEmail: config.contactEmail,
        staffUser: session.user
          ? { name: session.user.name ?? session.user.sub, sub: session.user.sub, roles: session.user.roles }
          : undefined,
        csrfToken: session.csrf,
        currentPath: url.pathname,
        flash,
        ...result.data,
      });
      return {
        status: result.status ?? 200,
        headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
        body,
      };
    };

    try {
      let form = new URLSearchParams();
      if (request.method === 'POST') {
        form = await readForm(request);
        if (!opened || !sameOriginPost(request, config.origin) || !sameToken(form.get('csrfToken') ?? '', session.csrf))
          return await respond({
            view: 'staff-form-expired',
            status: 403,
            data: { returnTo: staffReturnPath(url.pathname) },
          });
      }
      if (options.signedIn) {
        const expired = session.user !== undefined && session.user.expiresAt <= Math.floor(Date.now() / 1000) + 30;
        if (!session.user || expired) {
          if (expired) session = { csrf: session.csrf, flash: 'You were signed out because your sign-in ran out.' };
          const back = request.method === 'GET' ? url.pathname + url.search : url.pathname;
          return await respond({ redirect: `/staff/sign-in?returnTo=${encodeURIComponent(staffReturnPath(back))}` });
        }
        if (!session.user.roles.some((r) => allowed.has(r)))
          return await respond({ view: 'staff-forbidden', status: 403 });
      }
      const pageRequest: StaffPageRequest = {
        request,
        config,
        staffConfig,
        session,
        form,
        query: url.searchParams,
        api: (reason) => staffApi(config.apiBaseUrl, pageRequest.session.user?.accessToken, reason),
      };
      const result = await handler(pageRequest);
      session = pageRequest.session;
      return await respond(result);
    } catch (error) {
      if (error instanceof FormTooLarge) return await respond({ view: 'staff-error', status: 413 });
      if (error instanceof ApiError && error.status === 401) {
        session = { csrf: session.csrf, flash: 'You were signed out because your sign-in ran out.' };
        return await respond({
          redirect: `/staff/sign-in?returnTo=${encodeURIComponent(staffReturnPath(url.pathname))}`,
        });
      }
      if (error instanceof ApiError && error.status === 403)
        return await respond({ view: 'staff-forbidden', status: 403 });
      if (error instanceof ApiError && error.status === 404)
        return await respond({ view: 'staff-not-found', status: 404 });
      context.error(
        `staff page ${url.pathname} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : 'unknown'}`,
      );
      return await respond({ view: 'staff-error', status: 500 });
    }
  };
}
