/**
 * #18 item 2: compaction of the open data set (decision 1126). A closed day's batch
 * files become one; a reader following datapackage.json never sees a day twice or
 * half; a second run, or a run after a crash, changes nothing more. Azure and DuckDB
 * over the same use case: test/integration/open-data-compaction.test.ts.
 */
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { compactClosedDays, compactionPolicy } from '../../shared/open-data/compaction.js';
import { dayOfBase, descriptorPath, listedFiles } from '../../shared/open-data/descriptor.js';
import { exportRequestChanges, type DataLake } from '../../shared/open-data/export.js';
import { memoryDataLake } from '../../shared/open-data/lake.js';
import { publicCatalogue, requestChange } from '../support/open-data-changes.js';

const catalogue = publicCatalogue;
const change = requestChange;

/** Three batches on 2 November (one change delivered twice) and one on 3 November. */
async function exported(lake: DataLake) {
  const deps = { lake, catalogue, publisher: 'Test Council' };
  await exportRequestChanges([change('a', '2026-11-02T09:00:00.000Z'), change('b', '2026-11-02T10:00:00.000Z')], deps);
  await exportRequestChanges([change('a', '2026-11-02T12:00:00.000Z', 'investigating')], deps);
  await exportRequestChanges([change('b', '2026-11-02T10:00:00.000Z'), change('c', '2026-11-02T23:59:00.000Z')], deps);
  await exportRequestChanges([change('c', '2026-11-03T08:00:00.000Z', 'fixed')], deps);
}

const byDay = (bases: ReadonlySet<string>) => {
  const days: Record<string, string[]> = {};
  for (const b of bases) (days[dayOfBase(b) ?? '?'] ??= []).push(b);
  return days;
};

async function rowsOf(lake: DataLake, base: string) {
  const file = await lake.read(`${base}.parquet`);
  const bytes = file?.content ?? new Uint8Array();
  return (await parquetReadObjects({
    file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  })) as { request_id: string; status: string }[];
}

const at = (iso: string) => () => new Date(iso);
const hours = (n: number) => n * 3_600_000;

describe('open data compaction', () => {
  it('when a day has closed, then the descriptor lists one file for it holding each change once, and the open day is left alone', async () => {
    const { lake } = memoryDataLake();
    await exported(lake);
    expect(byDay((await listedFiles(lake)).bases)['2026-11-02']).toHaveLength(3);

    // 02:00 on 3 November: the 2nd is closed (an hour's lateness allowed), the 3rd is not.
    const outcome = await compactClosedDays({ lake, publisher: 'Test Council', now: at('2026-11-03T02:00:00.000Z') });

    expect(outcome.days).toEqual([{ day: '2026-11-02', inputs: 3, rows: 4 }]);
    const days = byDay((await listedFiles(lake)).bases);
    expect(days['2026-11-02']).toEqual([expect.stringMatching(/\/date=2026-11-02\/day-[0-9a-f]{16}$/)]);
    expect(days['2026-11-03']).toEqual([expect.stringMatching(/\/changes-[0-9a-f]{16}$/)]);
    const rows = await rowsOf(lake, days['2026-11-02']?.[0] ?? '');
    expect(rows.map((r) => `${r.request_id}:${r.status}`)).toEqual([
      'a:submitted',
      'b:submitted',
      'a:investigating',
      'c:submitted',
    ]);
    expect(new TextDecoder().decode((await lake.read(`${days['2026-11-02']?.[0]}.csv`))?.content)).toContain(
      'a,pothole,Pothole,roads,investigating',
    );
  });

  it('when it runs again, then the descriptor is not written again and no file is added', async () => {
    const { lake, blobs } = memoryDataLake();
    await exported(lake);
    const deps = { lake, publisher: 'Test Council', now: at('2026-11-03T02:00:00.000Z') };
    await compactClosedDays(deps);
    const etag = blobs.get(descriptorPath)?.etag;
    const files = [...blobs.keys()].filter((k) => !k.includes('_compaction')).sort();

    expect((await compactClosedDays(deps)).days).toEqual([]);
    expect(blobs.get(descriptorPath)?.etag).toBe(etag);
    expect([...blobs.keys()].filter((k) => !k.includes('_compaction')).sort()).toEqual(files);
  });

  it('when a run dies before its swap, then readers still see the batch files, and the next run lists the same day file', async () => {
    const clean = memoryDataLake();
    await exported(clean.lake);
    await compactClosedDays({ lake: clean.lake, publisher: 'Test Council', now: at('2026-11-03T02:00:00.000Z') });
    const expected = byDay((await listedFiles(clean.lake)).bases)['2026-11-02'];

    const { lake } = memoryDataLake();
    await exported(lake);
    const before = (await listedFiles(lake)).bases;
    const dying: DataLake = {
      ...lake,
      putIf: (path, ...rest) =>
        path === descriptorPath ? Promise.reject(new Error('the host stopped')) : lake.putIf(path, ...rest),
    };
    await expect(
      compactClosedDays({ lake: dying, publisher: 'Test Council', now: at('2026-11-03T02:00:00.000Z') }),
    ).rejects.toThrow('the host stopped');
    expect((await listedFiles(lake)).bases).toEqual(before);
    for (const base of before) expect(await lake.read(`${base}.parquet`)).toBeDefined();

    await compactClosedDays({ lake, publisher: 'Test Council', now: at('2026-11-03T03:00:00.000Z') });
    expect(byDay((await listedFiles(lake)).bases)['2026-11-02']).toEqual(expected);
  });

  it('when the swap has happened, then the replaced files stay for readers until the grace has passed, and a batch written again since is kept', async () => {
    let now = new Date('2026-11-03T02:00:00.000Z');
    const { lake } = memoryDataLake(() => now);
    await exported(lake);
    const replaced = byDay((await listedFiles(lake)).bases)['2026-11-02'] ?? [];
    const deps = { lake, publisher: 'Test Council', now: () => now };
    await compactClosedDays(deps);

    now = new Date(now.getTime() + compactionPolicy.grace - hours(1));
    await compactClosedDays(deps);
    for (const base of replaced) expect(await lake.read(`${base}.parquet`), base).toBeDefined();

    // A batch of the closed day delivered again: its file is written again (and listed again beside the day file).
    await exportRequestChanges([change('a', '2026-11-02T12:00:00.000Z', 'investigating')], {
      lake,
      catalogue,
      publisher: 'Test Council',
    });
    const again = byDay((await listedFiles(lake)).bases)['2026-11-02']?.find((b) => b.includes('/changes-')) ?? '';
    expect(replaced).toContain(again);

    now = new Date(now.getTime() + hours(2));
    const outcome = await compactClosedDays(deps);
    expect(outcome.deleted).toBe(4);
    for (const base of replaced.filter((b) => b !== again))
      expect(await lake.read(`${base}.parquet`), base).toBeUndefined();
    expect(await lake.read(`${again}.parquet`)).toBeDefined();
    // The run folded the late batch in: its rows were already there, so the day file is the same one.
    const listed = byDay((await listedFiles(lake)).bases)['2026-11-02'] ?? [];
    expect(listed).toHaveLength(1);
    for (const base of (await listedFiles(lake)).bases) expect(await lake.read(`${base}.parquet`), base).toBeDefined();
  });
});
