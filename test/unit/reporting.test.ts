import { describe, expect, it } from 'vitest';
import type { Principal } from '../../shared/identity/principal.js';
import { closedAtOf, type ReportBucket } from '../../shared/reporting/model.js';
import { indexRequests, median, reportFor } from '../../shared/reporting/reporting.js';
import type { ReportIndex } from '../../shared/reporting/store.js';
import type { StoredService } from '../../shared/catalogue/catalogue.js';

const staff: Principal = { sub: 'sam', issuer: 'workforce', roles: new Set(['staff']) };

function memoryIndex(): ReportIndex & { buckets: Map<string, ReportBucket> } {
  const buckets = new Map<string, ReportBucket>();
  return {
    buckets,
    update(service, id, change) {
      buckets.set(`${service}/${id}`, change(buckets.get(`${service}/${id}`)));
      return Promise.resolve();
    },
    read(q) {
      const found = [...buckets.values()].filter(
        (b) => b.day >= q.from && b.day <= q.to && (!q.service || b.pk === q.service) && (!q.ward || b.ward === q.ward),
      );
      return Promise.resolve({ buckets: found, itemsRead: found.length, requestCharge: 0 });
    },
  };
}

const aRequest = (id: string, createdAt: string, overrides: Record<string, unknown> = {}) => ({
  id,
  type: 'request',
  serviceCode: 'pothole',
  ward: 'E05900002',
  status: 'submitted',
  createdAt,
  updatedAt: createdAt,
  timeline: [{ at: createdAt, kind: 'submitted', status: 'submitted' }],
  ...overrides,
});

const closed = (id: string, createdAt: string, closedAt: string) =>
  aRequest(id, createdAt, {
    status: 'fixed',
    updatedAt: closedAt,
    timeline: [
      { at: createdAt, status: 'submitted' },
      { at: closedAt, status: 'fixed' },
    ],
  });

describe('the reporting index', () => {
  it('when a request closed and then had a note added, then its closing time is the status change, not the note', () => {
    const r = closed('a', '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z');
    expect(closedAtOf({ ...r, status: 'fixed', updatedAt: '2026-11-05T00:00:00Z' } as never)).toBe(
      '2026-11-02T00:00:00Z',
    );
  });

  it('when medians are taken, then an even count averages the middle two', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });

  it('when changes arrive twice or out of date, then each request counts once, as its newest version says', async () => {
    const index = memoryIndex();
    const done = closed('b', '2026-11-01T09:00:00Z', '2026-11-01T19:00:00Z');
    await indexRequests([aRequest('a', '2026-11-01T08:00:00Z'), done, done, { type: 'pin' }], { reports: index });
    await indexRequests([aRequest('b', '2026-11-01T09:00:00Z')], { reports: index }); // an older version of b
    const services = [{ code: 'pothole', expectedDays: 5 } as StoredService];
    const report = await reportFor({ from: '2026-11-01', to: '2026-11-30' }, staff, {
      reports: index,
      catalogue: { list: () => Promise.resolve(services) },
      now: () => new Date('2026-11-10T00:00:00Z'),
    });
    expect(report.rows).toEqual([
      { service: 'pothole', ward: 'E05900002', opened: 2, open: 1, overdue: 1, closed: 1, medianHoursToClose: 10 },
    ]);
    expect(report.index.itemsRead).toBe(1);
  });
});

describe('keeping up with the change feed', () => {
  it('when a batch holds many requests of one bucket, then the bucket is read and written once, not once per request', async () => {
    const index = memoryIndex();
    let updates = 0;
    const counting: ReportIndex = {
      update: (service, id, change) => {
        updates++;
        return index.update(service, id, change);
      },
      read: (q) => index.read(q),
    };
    const batch = Array.from({ length: 100 }, (_, i) =>
      aRequest(`r${i}`, `2026-11-01T08:${String(i % 60).padStart(2, '0')}:00Z`, i % 2 ? { ward: 'E05900004' } : {}),
    );
    expect(await indexRequests(batch, { reports: counting })).toBe(100);
    // Two buckets (two wards, one day): two updates, where there were a hundred.
    expect(updates).toBe(2);
    const report = await reportFor({ from: '2026-11-01', to: '2026-11-01' }, staff, {
      reports: index,
      catalogue: { list: () => Promise.resolve([]) },
      now: () => new Date('2026-11-01T12:00:00Z'),
    });
    expect(report.rows.map((r) => [r.ward, r.opened])).toEqual([
      ['E05900002', 50],
      ['E05900004', 50],
    ]);
  });
});
