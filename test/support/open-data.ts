/**
 * Requests made through the API for the open data tests to find again in the lake the stack's
 * change feed writes.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { aServiceRequest, admin, call } from './api.js';

/** Reports `body` through the API as a resident of its own (`<prefix>-<uuid>`); the request's id. */
export async function reported(prefix: string, body: Record<string, unknown>): Promise<string> {
  const response = await call('POST', 'requests', { as: `${prefix}-${randomUUID()}`, body });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** A pothole that staff then mark fixed, and a missed bin left open; each field of `overrides` on its request. */
export async function aFixedPotholeAndAnOpenMissedBin(
  prefix: string,
  overrides: { pothole?: Record<string, unknown>; missedBin?: Record<string, unknown> } = {},
): Promise<{ pothole: string; missedBin: string }> {
  const pothole = await reported(prefix, aServiceRequest(overrides.pothole));
  const missedBin = await reported(
    prefix,
    aServiceRequest({
      serviceCode: 'missed-bin',
      location: { lat: 51.454512, long: -2.587866, uprn: '100012345679' },
      attributes: { bin: 'general', collection_date: '2026-11-20' },
      ...overrides.missedBin,
    }),
  );
  const read = await call('GET', `requests/${pothole}`, { as: admin });
  const fixed = await call('PATCH', `staff/requests/${pothole}`, {
    as: admin,
    headers: { 'if-match': read.headers.get('etag') ?? '' },
    body: { status: 'fixed', publicUpdate: 'Filled.' },
  });
  expect(fixed.status).toBe(200);
  return { pothole, missedBin };
}
