/**
 * Who is calling: the resident or member of staff behind a verified token.
 *
 * Two populations sign in through two directories (decision 1000): residents through the
 * resident issuer (Entra External ID), council staff through the workforce issuer (the
 * council's Entra ID). Roles are read only from a workforce token: a resident-issuer token is
 * always just a resident, whatever claims it carries, so no resident directory, however
 * configured, can hand out staff power.
 */
import type { HttpRequest } from '@azure/functions';
import { forbidden } from '../errors.js';
import { enforceSubjectLimits } from '../http/caller-limits.js';
import { unauthorized, type Population, type TokenVerifier } from './token-verifier.js';

export type { Population } from './token-verifier.js';

export const roles = ['resident', 'staff', 'admin', 'moderator', 'finance', 'councillor', 'operator'] as const;
export type Role = (typeof roles)[number];
/** The roles the workforce directory assigns (app roles); `resident` is never assigned, it is who residents are. */
export type WorkforceRole = Exclude<Role, 'resident'>;
export const workforceRoles = roles.filter((r): r is WorkforceRole => r !== 'resident');

export interface Principal {
  /** The stable subject: the directory object id (`oid`) in Azure, see decision 1001. */
  readonly sub: string;
  readonly issuer: Population;
  readonly roles: ReadonlySet<Role>;
  /**
   * The workforce directory's `email` claim (decision 1052): where a councillor is told of
   * their enquiries. Never read from a resident-issuer token, whose address means nothing
   * until the resident confirms it (decision 0900).
   */
  readonly email?: string;
  /**
   * Present only when an application calls as itself (an app-only token from the workforce
   * directory, decision 1103): its client id and the app roles granted to it. An app never
   * holds a person's role: `roles` is then empty.
   */
  readonly app?: { readonly clientId: string; readonly appRoles: ReadonlySet<string> };
}

const maxTokenLength = 8192;

export interface AuthenticateOptions {
  /** Routes an application calls as itself (the records system's) opt in; every other route is for people. */
  readonly apps?: boolean;
}

export async function authenticate(
  request: HttpRequest,
  verify: TokenVerifier,
  options: AuthenticateOptions = {},
): Promise<Principal> {
  const header = request.headers.get('authorization');
  if (!header) throw unauthorized();
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  if (!match?.[1] || match[1].length > maxTokenLength)
    throw unauthorized('The Authorization header must be "Bearer <token>".');
  const token = await verify(match[1]);
  enforceSubjectLimits(request, token.sub);
  if (token.kind === 'app') {
    if (!options.apps || token.issuer !== 'workforce')
      throw forbidden('This needs a signed-in person: an application’s own token is not accepted here.');
    return appPrincipal(token.sub, token.client, token.roles);
  }
  return principalFor(token.issuer, token.sub, token.roles, token.email);
}

/** An application calling as itself: its app roles, and none of a person's. */
export function appPrincipal(sub: string, clientId: string, appRoles: readonly string[]): Principal {
  return { sub, issuer: 'workforce', roles: new Set<Role>(), app: { clientId, appRoles: new Set(appRoles) } };
}

/** What a verified token grants: app roles from the workforce issuer only; a resident is a resident. */
export function principalFor(issuer: Population, sub: string, claimed: readonly string[], email?: string): Principal {
  if (issuer === 'resident') return { sub, issuer, roles: new Set<Role>(['resident']) };
  const granted = new Set<Role>(
    claimed.filter((r): r is WorkforceRole => (workforceRoles as readonly string[]).includes(r)),
  );
  return { sub, issuer, roles: granted, ...(email !== undefined ? { email } : {}) };
}

export const isStaff = (p: Principal) => p.roles.has('staff') || p.roles.has('admin');

const needs: Record<WorkforceRole, string> = {
  staff: 'This needs a council staff role.',
  admin: 'This needs the admin role.',
  moderator: 'This needs the moderator role.',
  finance: 'This needs the finance role.',
  councillor: 'This needs the councillor role.',
  operator: 'This needs the platform operator role.',
};

export function requireRole(principal: Principal, role: WorkforceRole): void {
  const ok = role === 'staff' ? isStaff(principal) : principal.roles.has(role);
  if (!ok) throw forbidden(needs[role]);
}
