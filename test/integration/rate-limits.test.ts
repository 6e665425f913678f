/**
 * #13 item 3 over HTTP, against the local stack (RATE_LIMITS=app: the app enforces the
 * rules API Management enforces in Azure). Counts calls; no clock is involved, because
 * each window starts at a caller's first call and the calls here take far less than it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rateLimitRules } from '../../shared/http/rate-limits.js';
import { aServiceRequest, call } from '../support/api.js';

const limitOf = (name: string) => rateLimitRules.find((r) => r.name === name)?.limit ?? Number.NaN;
// Documentation addresses (RFC 5737), unique per run so that runs never share a counter.
const address = () => `198.51.100.${Math.floor(Math.random() * 250)}, 203.0.113.${Math.floor(Math.random() * 250)}`;

async function expectTooMany(response: Response): Promise<void> {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(((await response.json()) as { status: number }).status).toBe(429);
}

describe('per-caller limits', () => {
  it('when one anonymous address asks for nearby requests past its limit, then 429 with Retry-After; another address is served', async () => {
    const mine = `${address()}-${randomUUID().slice(0, 4)}`;
    const other = `${address()}-${randomUUID().slice(0, 4)}`;
    const nearby = (who: string) =>
      call('GET', 'requests/nearby?lat=51.46&long=-2.6&radius=100', { headers: { 'x-forwarded-for': who } });
    for (let i = 0; i < limitOf('nearby'); i++) expect((await nearby(mine)).status).toBe(200);
    await expectTooMany(await nearby(mine));
    expect((await nearby(other)).status).toBe(200);
  });

  it('when a resident files reports past the hourly limit, then 429; refused reports do not count; another resident is served', async () => {
    const scripted = `script-${randomUUID().slice(0, 8)}`;
    // Invalid bodies are refused (422) and use none of the allowance.
    for (let i = 0; i < 5; i++)
      expect(
        (await call('POST', 'requests', { as: scripted, body: aServiceRequest({ serviceCode: 'nope' }) })).status,
      ).toBe(422);
    for (let i = 0; i < limitOf('reports'); i++)
      expect((await call('POST', 'requests', { as: scripted, body: aServiceRequest() })).status).toBe(201);
    await expectTooMany(await call('POST', 'requests', { as: scripted, body: aServiceRequest() }));
    expect(
      (await call('POST', 'requests', { as: `other-${randomUUID().slice(0, 8)}`, body: aServiceRequest() })).status,
    ).toBe(201);
  });
});
