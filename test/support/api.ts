/**
 * Helpers for integration tests: real tokens from the local OpenID provider and
 * fetch against the local host.
 */
import { inject } from 'vitest';
import { populationFor, type Role } from '../../local/identity/dev-accounts.js';
import { requestDevToken } from '../../local/identity/provider.js';

const tokens = new Map<string, Promise<string>>();

/**
 * A real token for `sub` with these roles, from the issuer that would sign that person in
 * (decision 1000): the workforce issuer when any role but `resident` is asked, else the
 * resident issuer.
 */
export function tokenFor(sub: string, roles: readonly Role[] = ['resident']): Promise<string> {
  const population = populationFor(roles);
  return tokenFrom(population, sub, roles);
}

/** A token from one issuer whatever the roles: e.g. a resident-issuer token claiming staff roles. */
export function tokenFrom(
  population: 'resident' | 'workforce',
  sub: string,
  roles: readonly Role[],
  options: { readonly tid?: string; readonly aud?: string } = {},
): Promise<string> {
  const key = `${population}|${sub}|${roles.join(',')}|${options.tid ?? ''}|${options.aud ?? ''}`;
  let token = tokens.get(key);
  if (!token) {
    const settings = inject('appSettings');
    const issuer = population === 'workforce' ? settings.WORKFORCE_OIDC_ISSUER : settings.OIDC_ISSUER;
    token = requestDevToken(issuer ?? '', sub, roles, options);
    tokens.set(key, token);
  }
  return token;
}

export interface CallOptions {
  readonly as?: string | { sub: string; roles: readonly Role[] };
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly rawBody?: string;
}

export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.as) {
    const who = typeof options.as === 'string' ? { sub: options.as, roles: ['resident'] as const } : options.as;
    headers.authorization = `Bearer ${await tokenFor(who.sub, who.roles)}`;
  }
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return fetch(`${inject('hostUrl')}/api/${path.replace(/^\//, '')}`, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
}

export const staff = { sub: 'sam', roles: ['staff'] as const };
export const admin = { sub: 'ada', roles: ['staff', 'admin'] as const };

/** A valid new report, with overrides. */
export const aServiceRequest = (overrides: Record<string, unknown> = {}) => ({
  serviceCode: 'pothole',
  description: 'Deep pothole outside the bakery, cyclists swerving round it.',
  location: { lat: 51.4545, long: -2.5879 },
  attributes: { where: 'road', size: 'medium' },
  ...overrides,
});
