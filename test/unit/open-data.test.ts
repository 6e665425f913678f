/**
 * #18 item 2: what the open data export writes, and the headline figures read
 * from its files (the files are written by the real writer and read by DuckDB).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataMap } from '../../shared/data-map/registry.js';
import { exportRequestChanges } from '../../shared/open-data/export.js';
import { memoryDataLake } from '../../shared/open-data/lake.js';
import { toCsv } from '../../shared/open-data/files.js';
import { changedRequestSchema, columnNames, toOpenDataRow } from '../../shared/open-data/row.js';
import type { ServiceRequestDoc } from '../../shared/service-requests/model.js';
import { headlineFigures } from '../../scripts/report.js';

/** A stored request full of personal data, so that any of it leaking out is seen. */
const aStoredRequest = (overrides: Partial<ServiceRequestDoc> = {}): ServiceRequestDoc => ({
  id: 'req-1',
  pk: 'req-1',
  type: 'request',
  serviceCode: 'pothole',
  serviceName: 'Pothole',
  serviceGroup: 'roads',
  status: 'submitted',
  description: 'Outside my house, I am Jane Doe of 12 Acacia Avenue',
  attributes: { where: 'road' },
  location: { lat: 51.454512, long: -2.587923, uprn: '100012345678', address: '12 Acacia Avenue, Bristol' },
  photos: ['photo-doc-id'],
  residentId: 'resident-jane',
  source: 'open311',
  reporter: { name: 'Jane Doe', email: 'jane@example.com', phone: '07700900982' },
  timeline: [{ id: 'u0', at: '2026-11-02T09:00:00.000Z', kind: 'submitted', status: 'submitted', by: 'resident' }],
  internalNotes: [{ at: '2026-11-02T09:00:00.000Z', by: 'sam', text: 'Jane rang twice' }],
  createdAt: '2026-11-02T09:00:00.000Z',
  updatedAt: '2026-11-02T09:00:00.000Z',
  ...overrides,
});

const memoryLake = () => {
  const { lake, blobs } = memoryDataLake();
  return { files: blobs, lake };
};

const catalogue = {
  get: (code: string) =>
    Promise.resolve(
      code === 'pothole'
        ? { code, public: true, expectedDays: 28 }
        : code === 'missed-bin'
          ? { code, public: false, expectedDays: 2 }
          : undefined,
    ),
} as never;

describe('open data rows', () => {
  it('when every column is looked up in the data map, then each is classified none', () => {
    const map = dataMap.find((m) => m.kind === 'open-data');
    expect(map).toBeDefined();
    expect(Object.keys(map?.fields ?? {}).sort()).toEqual([...columnNames].sort());
    for (const c of columnNames) expect(map?.fields[c]?.class, c).toBe('none');
  });

  it('when a request full of personal data changes, then its row holds none of it and its position is rounded', async () => {
    const { files, lake } = memoryLake();
    const doc = aStoredRequest();
    await exportRequestChanges([doc], { lake, catalogue, publisher: 'Test Council' });
    const csv = new TextDecoder().decode([...files].find(([k]) => k.endsWith('.csv'))?.[1].content);
    expect(csv).toContain('request_id');
    for (const secret of [
      'Jane',
      'Acacia',
      '100012345678',
      'jane@example.com',
      '07700900982',
      'resident-jane',
      'photo-doc-id',
      'rang twice',
    ])
      expect(csv, secret).not.toContain(secret);
    expect(csv).toContain('51.4545');
    expect(csv).not.toContain('51.454512');
  });

  it('when the service is at a home or no longer in the catalogue, then the row has no position', () => {
    const home = toOpenDataRow(changedRequestSchema.parse(aStoredRequest({ serviceCode: 'missed-bin' })), {
      public: false,
      expectedDays: 2,
    });
    const unknown = toOpenDataRow(changedRequestSchema.parse(aStoredRequest({ serviceCode: 'gone' })), undefined);
    expect([home.lat, home.long, unknown.lat, unknown.long]).toEqual([null, null, null, null]);
  });

  it('when the batch holds outbox events, pins and dispatches, then only requests become rows', async () => {
    const { lake } = memoryLake();
    const outcome = await exportRequestChanges(
      [
        aStoredRequest(),
        { id: 'evt', type: 'event' },
        { id: 'pin:req-1', type: 'pin' },
        { id: 'dispatch:req-1', type: 'dispatch' },
      ],
      { lake, catalogue, publisher: 'Test Council' },
    );
    expect(outcome).toMatchObject({ rows: 1, skipped: 3 });
  });

  it('when a name could be read as a spreadsheet formula, then the CSV neutralises it', () => {
    const row = toOpenDataRow(
      changedRequestSchema.parse(aStoredRequest({ serviceName: '=HYPERLINK("x")' })),
      undefined,
    );
    expect(toCsv([row])).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('when the same batch is delivered again, then it writes the same files (named by their content)', async () => {
    const { files, lake } = memoryLake();
    const deps = { lake, catalogue, publisher: 'Test Council' };
    const first = await exportRequestChanges([aStoredRequest()], deps);
    const again = await exportRequestChanges([aStoredRequest()], deps);
    expect(again.files).toEqual(first.files);
    expect([...files.keys()].filter((k) => k.endsWith('.parquet'))).toHaveLength(1);
  });
});

describe('headline figures from the files', () => {
  it('when requests were reported, fixed and left open, then the figures count each request once by its latest row', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-'));
    const { files, lake } = memoryLake();
    const deps = { lake, catalogue, publisher: 'Test Council' };
    const fixedAt = (days: number) =>
      new Date(Date.parse('2026-11-02T09:00:00.000Z') + days * 86_400_000).toISOString();
    const fixed = (id: string, days: number) =>
      aStoredRequest({
        id,
        status: 'fixed',
        updatedAt: fixedAt(days),
        timeline: [
          { at: '2026-11-02T09:00:00.000Z', kind: 'submitted', status: 'submitted', by: 'resident' },
          { at: fixedAt(days), kind: 'status', status: 'fixed', by: 'council' },
        ],
      });
    // Two potholes reported in the week of 2 November, fixed in 2 and 4 days (each change exported, one twice).
    await exportRequestChanges([aStoredRequest({ id: 'p1' }), aStoredRequest({ id: 'p2' })], deps);
    await exportRequestChanges([fixed('p1', 2)], deps);
    await exportRequestChanges([fixed('p2', 4), fixed('p1', 2)], deps);
    // A missed bin reported on 10 November, still open: overdue after 2 days.
    await exportRequestChanges(
      [
        aStoredRequest({
          id: 'b1',
          serviceCode: 'missed-bin',
          serviceGroup: 'waste',
          createdAt: '2026-11-10T08:00:00.000Z',
          updatedAt: '2026-11-10T08:00:00.000Z',
        }),
      ],
      deps,
    );
    for (const [path, { content }] of files) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
    }

    const figures = await headlineFigures(dir, new Date('2026-11-13T08:00:00.000Z'));

    expect(figures.requests).toBe(3);
    expect(figures.perCategoryWeek).toEqual([
      { week: '2026-11-02', category: 'roads', reports: 2 },
      { week: '2026-11-09', category: 'waste', reports: 1 },
    ]);
    expect(figures.medianDaysToFix).toEqual([{ service: 'pothole', fixed: 2, medianDays: 3 }]);
    expect(figures.overdue).toEqual([{ service: 'missed-bin', open: 1, overdue: 1 }]);
    const early = await headlineFigures(dir, new Date('2026-11-11T08:00:00.000Z'));
    expect(early.overdue).toEqual([{ service: 'missed-bin', open: 1, overdue: 0 }]);
  });
});
