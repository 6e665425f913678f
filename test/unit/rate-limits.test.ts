/**
 * #13 item 3: the per-caller limits, counted against a controllable clock (no wall time).
 */
import { HttpRequest } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { countSubjectUse, enforceSubjectLimits } from '../../shared/http/caller-limits.js';
import {
  clientAddress,
  createRateLimiter,
  rateLimitRules,
  rulesFor,
  type RateLimitRule,
} from '../../shared/http/rate-limits.js';

const rule = (name: string) => rateLimitRules.find((r) => r.name === name) as RateLimitRule;

describe('per-caller limits', () => {
  it('when a caller uses its allowance, then the next call in the window waits, another caller does not, and a new window starts afresh', () => {
    let clock = 0;
    const limiter = createRateLimiter({ now: () => clock });
    const nearby = rule('nearby');
    for (let i = 0; i < nearby.limit; i++) {
      expect(limiter.check(nearby, '198.51.100.7')).toBeUndefined();
      limiter.hit(nearby, '198.51.100.7');
    }
    clock += 15_000;
    expect(limiter.check(nearby, '198.51.100.7')).toBe(nearby.windowSeconds - 15);
    expect(limiter.check(nearby, '198.51.100.8')).toBeUndefined();
    clock += nearby.windowSeconds * 1000;
    expect(limiter.check(nearby, '198.51.100.7')).toBeUndefined();
  });

  it('when callers rotate keys, then memory stays bounded', () => {
    const limiter = createRateLimiter({ now: () => 0, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limiter.hit(rule('nearby'), `key-${i}`);
    // The newest keys are still counted, the oldest were let go.
    expect(limiter.check({ ...rule('nearby'), limit: 1 }, 'key-9999')).toBe(60);
    expect(limiter.check({ ...rule('nearby'), limit: 1 }, 'key-0')).toBeUndefined();
  });

  it('when routes are matched, then each expensive route and each creation has a rule keyed by the right caller', () => {
    const names = (method: string, path: string) => rulesFor(method, path).map((r) => `${r.name}:${r.by}`);
    expect(names('GET', '/api/requests/nearby')).toEqual(['any:address', 'nearby:address']);
    expect(names('POST', '/api/requests')).toEqual(['any:address', 'reports:subject', 'reports-daily:subject']);
    expect(names('POST', '/api/uploads')).toContain('uploads:subject');
    expect(names('POST', '/api/payments')).toContain('payments:subject');
    expect(names('GET', '/api/payments/0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01')).toContain('payment-reads:subject');
    expect(names('POST', '/api/payments/webhook')).toEqual(['any:address']);
    expect(names('PUT', '/api/me/following/0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01')).toEqual([
      'any:address',
      'following:subject',
    ]);
    expect(names('DELETE', '/api/me/following/0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01')).toEqual(['any:address']);
    expect(names('GET', '/api/open311/v2/servicerequestupdates.xml')).toContain('open311-reads:address');
    expect(names('POST', '/api/open311/v2/requests.json')).toContain('open311-writes:open311-key');
    expect(names('GET', '/api/requests/0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01')).toEqual(['any:address']);
  });

  it('when the address is read, then the last X-Forwarded-For entry counts (earlier ones are the client’s to invent)', () => {
    expect(clientAddress('1.2.3.4, 203.0.113.9:51234')).toBe('203.0.113.9');
    expect(clientAddress('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(clientAddress(null)).toBe('unknown');
    expect(clientAddress(` ${'x'.repeat(500)}`)).toHaveLength(64);
  });
});

describe("a resident's limits in the app", () => {
  const upload = () => new HttpRequest({ method: 'POST', url: 'http://127.0.0.1/api/uploads' });

  it('when calls run side by side, then each is counted as it starts, so no more than the limit get through; a refused one gives its use back', () => {
    const limit = rule('uploads').limit;
    const started = Array.from({ length: limit }, () => {
      const request = upload();
      enforceSubjectLimits(request, 'carol');
      return request;
    });
    // None has finished yet: the next one is already over the limit.
    expect(() => enforceSubjectLimits(upload(), 'carol')).toThrow(expect.objectContaining({ status: 429 }));
    // One of them was refused (422): it made nothing, so its place is free again.
    countSubjectUse(started[0] ?? upload(), 422);
    expect(() => enforceSubjectLimits(upload(), 'carol')).not.toThrow();
    expect(() => enforceSubjectLimits(upload(), 'carol')).toThrow(expect.objectContaining({ status: 429 }));
  });
});
