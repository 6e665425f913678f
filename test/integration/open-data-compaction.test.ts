/**
 * #18 item 2: compaction against Blob Storage (Azurite), read back with DuckDB as a
 * reader would: through the files datapackage.json lists (decision 1126). Its own
 * container, so other files' exports are never compacted under them.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { compactClosedDays, compactionPolicy } from '../../shared/open-data/compaction.js';
import { descriptorPath } from '../../shared/open-data/descriptor.js';
import { exportRequestChanges } from '../../shared/open-data/export.js';
import { blobDataLake } from '../../shared/open-data/lake.js';
import { downloadLake, duck } from '../support/data-lake.js';
import { publicCatalogue, requestChange } from '../support/open-data-changes.js';

const storage = () => inject('appSettings').Storage ?? '';
const catalogue = publicCatalogue;
const change = requestChange;

async function aLake() {
  const name = `od-compaction-${randomUUID().slice(0, 8)}`;
  const container = BlobServiceClient.fromConnectionString(storage()).getContainerClient(name);
  await container.create();
  return { name, container, lake: blobDataLake(container) };
}

/** The rows a reader following the descriptor sees, per day file. */
async function read(name: string) {
  const dir = await downloadLake(storage(), name);
  const { resources } = JSON.parse(await readFile(join(dir, descriptorPath), 'utf8')) as {
    resources: { format: string; path: string[] }[];
  };
  const listed = (format: string) => resources.find((r) => r.format === format)?.path ?? [];
  const files = (paths: string[]) => `[${paths.map((p) => `'${join(dir, p)}'`).join(', ')}]`;
  const parquet = await duck(
    `SELECT request_id, status, filename FROM read_parquet(${files(listed('parquet'))}, filename = true) ORDER BY updated_at, request_id`,
  );
  const csv = await duck(`SELECT count(*)::INTEGER AS n FROM read_csv(${files(listed('csv'))}, header = true)`);
  return { parquet, csvRows: csv[0]?.n, listed: listed('parquet') };
}

describe('open data compaction in Blob Storage', () => {
  it('when a closed day is compacted twice, then DuckDB reads each of its changes once from one Parquet and one CSV file', async () => {
    const { name, lake } = await aLake();
    const deps = { lake, catalogue, publisher: 'Test Council' };
    await exportRequestChanges(
      [change('a', '2026-11-02T09:00:00.000Z'), change('b', '2026-11-02T10:00:00.000Z')],
      deps,
    );
    await exportRequestChanges([change('a', '2026-11-02T12:00:00.000Z', 'fixed')], deps);
    await exportRequestChanges([change('b', '2026-11-02T10:00:00.000Z')], deps);
    const before = await read(name);
    expect(before.listed).toHaveLength(3);

    const compaction = { lake, publisher: 'Test Council', now: () => new Date('2026-11-03T02:00:00.000Z') };
    expect((await compactClosedDays(compaction)).days).toEqual([{ day: '2026-11-02', inputs: 3, rows: 3 }]);
    expect((await compactClosedDays(compaction)).days).toEqual([]);

    const after = await read(name);
    expect(after.listed).toEqual([
      expect.stringMatching(/^service-requests\/date=2026-11-02\/day-[0-9a-f]{16}\.parquet$/),
    ]);
    expect(after.parquet.map((r) => `${String(r.request_id)}:${String(r.status)}`)).toEqual([
      'a:submitted',
      'b:submitted',
      'a:fixed',
    ]);
    expect(after.csvRows).toBe(3);
    // Readers of the list before the swap can still fetch what it named.
    for (const path of before.listed) expect(await lake.read(path)).toBeDefined();
  });

  it('when the grace has passed, then Blob Storage deletes the replaced files, but keeps one written again after the swap', async () => {
    const { name, lake, container } = await aLake();
    const deps = { lake, catalogue, publisher: 'Test Council' };
    await exportRequestChanges([change('a', '2026-11-02T09:00:00.000Z')], deps);
    const late = [change('b', '2026-11-02T10:00:00.000Z')];
    const { files } = await exportRequestChanges(late, deps);
    let now = new Date();
    const compaction = { lake, publisher: 'Test Council', now: () => now };
    // Closed at the real clock's now: the 2 November of 2026 has long ended by any machine's clock here.
    await compactClosedDays(compaction);
    await compactClosedDays(compaction); // sees the swap: the grace starts
    // A redelivery writes one replaced file again after the swap (its Last-Modified is now later than the swap).
    await waitUntilNextSecond();
    await exportRequestChanges(late, deps);

    now = new Date(now.getTime() + compactionPolicy.grace + 60_000);
    await compactClosedDays(compaction);
    const left = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'service-requests/date=' })) left.push(blob.name);
    expect(left.filter((n) => n.includes('/changes-'))).toEqual([...files].sort());
    const { parquet } = await read(name);
    expect(parquet.map((r) => String(r.request_id))).toEqual(['a', 'b']);
  });
});

/** Blob Storage's Last-Modified is to the second: wait for the clock to pass into the next one. */
async function waitUntilNextSecond() {
  const second = Math.floor(Date.now() / 1000);
  while (Math.floor(Date.now() / 1000) === second) await new Promise((r) => setTimeout(r, 50));
}
