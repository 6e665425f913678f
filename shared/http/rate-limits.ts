/**
 * Per-caller limits, defined once: `infra/api-management.ts` turns these rules into
 * API Management policies (rate-limit-by-key, quota-by-key), and the app enforces
 * the same rules itself (`RATE_LIMITS=app` locally, so tests prove the 429s; in
 * Azure `gateway` leaves the address rules to API Management, which sees the
 * client's socket address, and keeps the per-resident ones as a second line).
 *
 * Callers are told apart as the issue asks: anonymous callers by client address,
 * residents by their verified `sub`, Open311 clients by their API key.
 */
import { AppError } from '../errors.js';

export type CallerKey = 'address' | 'subject' | 'open311-key';

export interface RateLimitRule {
  /** Names the counter; a caller has one counter per rule. */
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | '*';
  /** Anchored regular expression over the URL path (the same text in JavaScript and .NET). */
  readonly path: string;
  readonly by: CallerKey;
  readonly limit: number;
  readonly windowSeconds: number;
  /**
   * `rate`: a window that renews (a burst guard); `quota`: a long allowance, durable
   * across app restarts and instances because the gateway keeps it.
   */
  readonly kind: 'rate' | 'quota';
  /** Who enforces it: both, or the gateway only (it needs what only the gateway sees). */
  readonly enforcedBy: 'both' | 'gateway';
}

export const rateLimitRules: readonly RateLimitRule[] = [
  // Anything at all, per address: a flood guard in front of the whole API.
  {
    name: 'any',
    method: '*',
    path: '^/api/',
    by: 'address',
    limit: 600,
    windowSeconds: 60,
    kind: 'rate',
    enforcedBy: 'gateway',
  },
  // Anonymous reads that cost queries.
  {
    name: 'nearby',
    method: 'GET',
    path: '^/api/requests/nearby$',
    by: 'address',
    limit: 60,
    windowSeconds: 60,
    kind: 'rate',
    enforcedBy: 'both',
  },
  {
    name: 'photos',
    method: 'GET',
    path: '^/api/media/requests/',
    by: 'address',
    limit: 300,
    windowSeconds: 60,
    kind: 'rate',
    enforcedBy: 'both',
  },
  {
    name: 'open311-reads',
    method: 'GET',
    path: '^/api/open311/v2/(requests|servicerequestupdates)\\.(json|xml)$',
    by: 'address',
    limit: 30,
    windowSeconds: 60,
    kind: 'rate',
    enforcedBy: 'both',
  },
  // Residents creating things that cost the council (a report is a work order to a contractor).
  {
    name: 'reports',
    method: 'POST',
    path: '^/api/requests$',
    by: 'subject',
    limit: 20,
    windowSeconds: 3600,
    kind: 'rate',
    enforcedBy: 'both',
  },
  {
    name: 'reports-daily',
    method: 'POST',
    path: '^/api/requests$',
    by: 'subject',
    limit: 50,
    windowSeconds: 86_400,
    kind: 'quota',
    enforcedBy: 'gateway',
  },
  {
    name: 'uploads',
    method: 'POST',
    path: '^/api/uploads$',
    by: 'subject',
    limit: 60,
    windowSeconds: 3600,
    kind: 'rate',
    enforcedBy: 'both',
  },
  {
    name: 'payments',
    method: 'POST',
    path: '^/api/payments$',
    by: 'subject',
    limit: 20,
    windowSeconds: 3600,
    kind: 'rate',
    enforcedBy: 'both',
  },
  // The return page polls a payment; each unfinished read may ask GOV.UK Pay (15 POST/s per key).
  {
    name: 'payment-reads',
    method: 'GET',
    path: '^/api/payments/[^/]+$',
    by: 'subject',
    limit: 120,
    windowSeconds: 60,
    kind: 'rate',
    enforcedBy: 'both',
  },
  // Looking up penalty notices by reference: enough for typing mistakes, too few to guess through them.
  {
    name: 'penalty-notice-lookups',
    method: 'GET',
    path: '^/api/penalty-notices/[^/]+$',
    by: 'subject',
    limit: 30,
    windowSeconds: 3600,
    kind: 'rate',
    enforcedBy: 'both',
  },
  // Following a report reads its followers across partitions to count them (decision 0830).
  {
    name: 'following',
    method: 'PUT',
    path: '^/api/me/following/[^/]+$',
    by: 'subject',
    limit: 60,
    windowSeconds: 3600,
    kind: 'rate',
    enforcedBy: 'both',
  },
  // Open311 clients by key: the key is in the form body, which only the gateway reads before the handler.
  {
    name: 'open311-writes',
    method: 'POST',
    path: '^/api/open311/v2/(requests|servicerequestupdates)\\.(json|xml)$',
    by: 'open311-key',
    limit: 600,
    windowSeconds: 3600,
    kind: 'rate',
    enforcedBy: 'gateway',
  },
];

const compiled = new Map(rateLimitRules.map((r) => [r, new RegExp(r.path)]));

/** Rules that apply to a request, in table order. */
export function rulesFor(method: string, path: string, by?: CallerKey): RateLimitRule[] {
  return rateLimitRules.filter(
    (r) =>
      (r.method === '*' || r.method === method.toUpperCase()) &&
      (compiled.get(r) ?? new RegExp(r.path)).test(path) &&
      (by === undefined || r.by === by),
  );
}

export interface RateLimiter {
  /** Seconds to wait if `key` has used up `rule`, else undefined. Does not count. */
  check(rule: RateLimitRule, key: string): number | undefined;
  /** Counts one use of `rule` by `key`. */
  hit(rule: RateLimitRule, key: string): void;
  /** Gives back one use counted in the current window (a reserved call that made nothing). */
  release(rule: RateLimitRule, key: string): void;
}

/**
 * Fixed windows that start at a key's first use, counted in memory (one process).
 * The clock is a parameter so that tests count calls, not seconds; the map is
 * bounded so that callers rotating keys cannot grow it without end.
 */
export function createRateLimiter(options: { readonly now?: () => number; readonly maxKeys?: number } = {}) {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 50_000;
  const windows = new Map<string, { startedAt: number; count: number }>();
  const current = (rule: RateLimitRule, key: string) => {
    const id = `${rule.name}|${key}`;
    const window = windows.get(id);
    if (window && now() - window.startedAt < rule.windowSeconds * 1000) return { id, window };
    if (window) windows.delete(id);
    return { id, window: undefined };
  };
  const limiter: RateLimiter = {
    check(rule, key) {
      const { window } = current(rule, key);
      if (!window || window.count < rule.limit) return undefined;
      return Math.max(1, Math.ceil((window.startedAt + rule.windowSeconds * 1000 - now()) / 1000));
    },
    hit(rule, key) {
      const { id, window } = current(rule, key);
      if (window) {
        window.count += 1;
        return;
      }
      if (windows.size >= maxKeys) {
        // Oldest first (insertion order): an expired or long-idle caller.
        const oldest = windows.keys().next().value;
        if (oldest !== undefined) windows.delete(oldest);
      }
      windows.set(id, { startedAt: now(), count: 1 });
    },
    release(rule, key) {
      const { window } = current(rule, key);
      if (window && window.count > 0) window.count -= 1;
    },
  };
  return limiter;
}

export const tooManyRequests = (rule: RateLimitRule, retryAfterSeconds: number) =>
  new AppError('rate-limited', `Too many requests of this kind (${rule.name}). Try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });

/**
 * The caller's address as the nearest proxy saw it: the last `X-Forwarded-For` entry
 * (proxies append, so earlier entries are the client's to invent), without a port.
 */
export function clientAddress(forwardedFor: string | null): string {
  const last = forwardedFor?.split(',').at(-1)?.trim() ?? '';
  if (!last) return 'unknown';
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(last);
  if (v6?.[1]) return v6[1].toLowerCase();
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(last);
  if (v4?.[1]) return v4[1];
  return last.slice(0, 64).toLowerCase();
}
