/**
 * The app's own enforcement of `rate-limits.ts`, in one place: `withErrors` checks
 * the address rules before a handler runs and counts a resident's successful
 * creations after it; `authenticate` checks the resident's rules once the token is
 * verified (so nobody can spend another resident's allowance with a forged `sub`).
 */
import type { HttpRequest } from '@azure/functions';
import { config } from '../config.js';
import { createRateLimiter, clientAddress, rulesFor, tooManyRequests, type RateLimiter } from './rate-limits.js';

export type RateLimitMode = 'app' | 'gateway' | 'off';

const limiter: RateLimiter = createRateLimiter();
const verifiedSubjects = new WeakMap<HttpRequest, string>();

function mode(): RateLimitMode {
  try {
    return config().rateLimits;
  } catch {
    // Broken configuration answers every call with a problem anyway; keep the guard on.
    return 'app';
  }
}

const pathOf = (request: HttpRequest) => {
  try {
    return new URL(request.url).pathname;
  } catch {
    return '/';
  }
};

const applies = (enforcedBy: 'both' | 'gateway') => enforcedBy === 'both';

/** Before the handler: anonymous work, by client address (`app` mode only; the gateway sees sockets). */
export function enforceAddressLimits(request: HttpRequest): void {
  if (mode() !== 'app') return;
  const rules = rulesFor(request.method, pathOf(request), 'address').filter((r) => applies(r.enforcedBy));
  if (rules.length === 0) return;
  const key = clientAddress(request.headers.get('x-forwarded-for'));
  for (const rule of rules) {
    const wait = limiter.check(rule, key);
    if (wait !== undefined) throw tooManyRequests(rule, wait);
  }
  for (const rule of rules) limiter.hit(rule, key);
}

const subjectRules = (request: HttpRequest) =>
  rulesFor(request.method, pathOf(request), 'subject').filter((r) => applies(r.enforcedBy));

/**
 * Once the token is verified: has this resident used up what this route allows? The
 * use is counted now, so that calls running side by side cannot all pass the check.
 */
export function enforceSubjectLimits(request: HttpRequest, sub: string): void {
  if (mode() === 'off') return;
  const rules = subjectRules(request);
  for (const rule of rules) {
    const wait = limiter.check(rule, sub);
    if (wait !== undefined) throw tooManyRequests(rule, wait);
  }
  for (const rule of rules) limiter.hit(rule, sub);
  verifiedSubjects.set(request, sub);
}

/** After the handler: a refused call made nothing, so its counted use is given back. */
export function countSubjectUse(request: HttpRequest, status: number): void {
  const sub = verifiedSubjects.get(request);
  if (sub === undefined || status < 400) return;
  for (const rule of subjectRules(request)) limiter.release(rule, sub);
}
