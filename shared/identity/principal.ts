/**
 * Who is calling: the resident or member of staff behind a verified token.
 */
import type { HttpRequest } from '@azure/functions';
import { forbidden } from '../errors.js';
import { enforceSubjectLimits } from '../http/caller-limits.js';
import { unauthorized, type TokenVerifier } from './token-verifier.js';

export const roles = ['resident', 'staff', 'admin', 'moderator', 'finance', 'councillor'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  readonly sub: string;
  readonly roles: ReadonlySet<Role>;
}

const maxTokenLength = 8192;

export async function authenticate(request: HttpRequest, verify: TokenVerifier): Promise<Principal> {
  const header = request.headers.get('authorization');
  if (!header) throw unauthorized();
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  if (!match?.[1] || match[1].length > maxTokenLength)
    throw unauthorized('The Authorization header must be "Bearer <token>".');
  const token = await verify(match[1]);
  enforceSubjectLimits(request, token.sub);
  const granted = new Set(token.roles.filter((r): r is Role => (roles as readonly string[]).includes(r)));
  // A signed-in person with no app role is a resident: residents are not assigned roles.
  if (granted.size === 0) granted.add('resident');
  return { sub: token.sub, roles: granted };
}

export const isStaff = (p: Principal) => p.roles.has('staff') || p.roles.has('admin');

/** An elected member: raises enquiries for residents and sees their wards' requests, never the staff routes. */
export function requireCouncillor(principal: Principal): void {
  if (!principal.roles.has('councillor')) throw forbidden('This needs the councillor role.');
}

export function requireRole(principal: Principal, role: 'staff' | 'admin'): void {
  const ok = role === 'staff' ? isStaff(principal) : principal.roles.has('admin');
  if (!ok) throw forbidden(role === 'admin' ? 'This needs the admin role.' : 'This needs a council staff role.');
}
