import { describe, expect, it } from 'vitest';
import { attemptDispatch, type DispatchDeps } from '../../shared/dispatch/dispatch.js';
import { backOffMs, maxDispatchAttempts, newDispatch, type DispatchDoc } from '../../shared/dispatch/model.js';
import type { ServiceRequestDoc } from '../../shared/service-requests/model.js';

const request = {
  id: '3f0c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c',
  pk: '3f0c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c',
  serviceCode: 'pothole',
  serviceName: 'Pothole',
  serviceGroup: 'roads',
  description: 'Deep',
  attributes: {},
  location: { lat: 51.45, long: -2.58 },
  photos: [],
  createdAt: '2026-11-22T09:00:00.000Z',
} as unknown as ServiceRequestDoc;

/** A plain in-memory store and a clock: the dispatch rules are pure logic over them. */
function harness(send: () => Promise<void>) {
  let stored = newDispatch(request, 'highways-contractor', new Date('2026-11-22T09:00:00Z'));
  let now = new Date('2026-11-22T09:00:00Z');
  const deps: DispatchDeps = {
    dispatches: {
      get: () => Promise.resolve(stored),
      replace: (doc: DispatchDoc) => Promise.resolve((stored = doc)),
      due: () => Promise.resolve([stored]),
      list: () => Promise.resolve({ items: [stored] }),
      byPartnerReference: () => Promise.resolve(undefined),
      rememberPartnerReference: () => Promise.resolve(),
    },
    getRequest: () => Promise.resolve({ ...request, atHome: false }),
    sendWorkOrder: send,
    now: () => now,
  };
  return {
    deps,
    current: () => stored,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}

describe('dispatch', () => {
  it('backs off 1, 2, 4 … minutes, capped at an hour', () => {
    expect([1, 2, 3, 4, 7, 8, 12].map(backOffMs)).toEqual([
      60_000, 120_000, 240_000, 480_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it('records a failed attempt with its error and the next attempt time, and does not retry early', async () => {
    const h = harness(() => Promise.reject(Object.assign(new Error('link detached'), { code: 'ServiceUnavailable' })));
    expect(await attemptDispatch(h.current(), h.deps)).toBe('retrying');
    expect(h.current()).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'ServiceUnavailable: link detached',
      nextAttemptAt: '2026-11-22T09:01:00.000Z',
    });
    h.advance(30_000);
    expect(await attemptDispatch(h.current(), h.deps)).toBe('skipped');
    expect(h.current().attempts).toBe(1);
  });

  it('gives up as failed after the last attempt, for staff to resend', async () => {
    const h = harness(() => Promise.reject(new Error('down')));
    const results = [];
    for (let i = 0; i < maxDispatchAttempts + 2; i++) {
      results.push(await attemptDispatch(h.current(), h.deps));
      h.advance(3_600_000);
    }
    expect(results.filter((r) => r === 'retrying')).toHaveLength(maxDispatchAttempts - 1);
    expect(results[maxDispatchAttempts - 1]).toBe('failed');
    expect(h.current()).toMatchObject({ state: 'failed', attempts: maxDispatchAttempts, nextAttemptAt: null });
  });

  it('marks a sent work order with the time, clearing the last error', async () => {
    let fail = true;
    const h = harness(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve()));
    await attemptDispatch(h.current(), h.deps);
    fail = false;
    h.advance(60_000);
    expect(await attemptDispatch(h.current(), h.deps)).toBe('sent');
    expect(h.current()).toMatchObject({
      state: 'sent',
      attempts: 2,
      lastError: null,
      sentAt: '2026-11-22T09:01:00.000Z',
    });
  });
});
