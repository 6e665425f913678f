/**
 * Compaction of the open data set (decision 1126): each closed day's small files,
 * one per change-feed batch, become one Parquet file and one CSV file.
 *
 * Readers follow datapackage.json, so the swap is one conditional write of it: a
 * reader sees the day's small files or its one file, never both and never neither.
 * The files a swap takes out of the list are deleted only `grace` later, so a reader
 * that read the list just before the swap can still fetch them.
 *
 * It may run twice or die anywhere. A manifest, written before the swap, names the
 * day file and the files it replaces. The same inputs always make the same day file,
 * so a run after a crash rewrites it. Afterwards, a manifest whose day file is listed
 * (or was itself compacted again) is committed: its inputs are deleted after `grace`,
 * each only if not written since (a redelivered batch rewrites its file and lists it
 * again). A manifest that never got its swap has its day file deleted after `grace`.
 */
import { createHash } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import { z } from 'zod';
import { dayOfBase, listedFiles, updateDescriptor, type FileBase } from './descriptor.js';
import type { DataLake } from './lake.js';
import { dataSetPrefix, toCsv, toParquet } from './files.js';
import { columnNames, type OpenDataRow } from './row.js';

export interface CompactionDeps {
  readonly lake: DataLake;
  readonly publisher: string;
  readonly now: () => Date;
}

export interface CompactionPolicy {
  /** How long after a UTC day ends it counts as closed: batches still in flight for it have landed. */
  readonly lateness: number;
  /** How long a file taken out of the list is kept for readers that read the list before. */
  readonly grace: number;
}

export const compactionPolicy: CompactionPolicy = { lateness: 60 * 60_000, grace: 6 * 60 * 60_000 };

export interface CompactionOutcome {
  /** Days compacted by this run, with the rows of each. */
  readonly days: readonly { readonly day: string; readonly inputs: number; readonly rows: number }[];
  /** Files (Parquet and CSV) deleted after their grace. */
  readonly deleted: number;
}

const manifestSchema = z.object({
  day: z.string(),
  dayFile: z.string(),
  inputs: z.array(z.string()),
  writtenAt: z.iso.datetime(),
  committedAt: z.iso.datetime().optional(),
});
type Manifest = z.infer<typeof manifestSchema>;

const manifestPrefix = `${dataSetPrefix}/_compaction/`;
// Named by its day file and its inputs: compacting a day file with a late batch of rows it already holds makes the same day file again.
const manifestPath = (dayFile: FileBase, inputs: readonly FileBase[]) =>
  `${manifestPrefix}${dayFile.slice(dataSetPrefix.length + 1)}-${createHash('sha256').update(inputs.join('\n')).digest('hex').slice(0, 16)}.json`;
const isDayFile = (base: FileBase) => /\/day-[0-9a-f]{16}$/.test(base);

export async function compactClosedDays(
  deps: CompactionDeps,
  policy: CompactionPolicy = compactionPolicy,
): Promise<CompactionOutcome> {
  const now = deps.now();
  const { bases } = await listedFiles(deps.lake);
  const byDay = new Map<string, FileBase[]>();
  for (const base of bases) {
    const day = dayOfBase(base);
    if (day) byDay.set(day, [...(byDay.get(day) ?? []), base]);
  }
  const days = [];
  for (const [day, inputs] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
    const closed = Date.parse(`${day}T00:00:00.000Z`) + 86_400_000 + policy.lateness <= now.getTime();
    const compacted = inputs.length === 1 && inputs.every(isDayFile);
    if (closed && !compacted) days.push(await compactDay(day, inputs.sort(), deps));
  }
  return { days, deleted: await collect(deps, policy) };
}

async function compactDay(day: string, inputs: readonly FileBase[], deps: CompactionDeps) {
  const rows = new Map<string, OpenDataRow>();
  for (const input of inputs) {
    const file = await deps.lake.read(`${input}.parquet`);
    if (!file) throw new Error(`A listed open data file is missing: ${input}.parquet`);
    const { buffer, byteOffset, byteLength } = file.content;
    const read = (await parquetReadObjects({
      file: buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer,
    })) as OpenDataRow[];
    // A change delivered in two batches is the same row twice: it is kept once.
    for (const row of read) rows.set(JSON.stringify(columnNames.map((c) => row[c])), row);
  }
  const sorted = [...rows.values()].sort(
    (a, b) =>
      a.updated_at.getTime() - b.updated_at.getTime() ||
      a.request_id.localeCompare(b.request_id) ||
      a.status.localeCompare(b.status),
  );
  const parquet = toParquet(sorted);
  const dayFile = `${dataSetPrefix}/date=${day}/day-${createHash('sha256').update(parquet).digest('hex').slice(0, 16)}`;
  const manifest: Manifest = { day, dayFile, inputs: [...inputs], writtenAt: deps.now().toISOString() };
  await deps.lake.put(manifestPath(dayFile, inputs), JSON.stringify(manifest), 'application/json');
  await deps.lake.put(`${dayFile}.parquet`, parquet, 'application/vnd.apache.parquet');
  await deps.lake.put(`${dayFile}.csv`, toCsv(sorted), 'text/csv; charset=utf-8');
  // The swap: files listed for the day since this run read the list (a late batch) stay listed beside it.
  // Only if every input is still listed: a run that lost a race leaves its day file unlisted, to be collected.
  await updateDescriptor(deps, (listed) => {
    if (!inputs.every((i) => listed.has(i))) return;
    for (const input of inputs) listed.delete(input);
    listed.add(dayFile);
  });
  return { day, inputs: inputs.length, rows: sorted.length };
}

/** Deletes what the list no longer names once readers have had `grace` to finish with it. */
async function collect(deps: CompactionDeps, policy: CompactionPolicy): Promise<number> {
  const now = deps.now();
  const { bases } = await listedFiles(deps.lake);
  const manifests: { path: string; m: Manifest }[] = [];
  for (const path of await deps.lake.list(manifestPrefix)) {
    const found = await deps.lake.read(path);
    const parsed = found && manifestSchema.safeParse(JSON.parse(new TextDecoder().decode(found.content)));
    if (parsed?.success) manifests.push({ path, m: parsed.data });
  }
  // A day file compacted again is an input of a later manifest, which deletes it in its own time.
  const inputOfAnother = new Set(manifests.flatMap(({ m }) => m.inputs));
  let deleted = 0;
  const removeFiles = async (base: FileBase, unmodifiedSince?: Date) => {
    for (const ext of ['parquet', 'csv']) if (await deps.lake.remove(`${base}.${ext}`, unmodifiedSince)) deleted++;
  };
  for (const { path, m } of manifests) {
    const swapped = bases.has(m.dayFile) || !m.inputs.some((i) => bases.has(i));
    if (!swapped) {
      // Written by a run that died before its swap (or one still running): its day file was never listed.
      if (now.getTime() - Date.parse(m.writtenAt) < policy.grace) continue;
      if (!bases.has(m.dayFile)) await removeFiles(m.dayFile);
      await deps.lake.remove(path);
    } else if (!m.committedAt) {
      // The grace runs from when the swap is first seen, so it is never shorter than the readers had.
      await deps.lake.put(path, JSON.stringify({ ...m, committedAt: now.toISOString() }), 'application/json');
    } else if (now.getTime() - Date.parse(m.committedAt) >= policy.grace) {
      const committed = new Date(m.committedAt);
      for (const input of m.inputs) if (!bases.has(input)) await removeFiles(input, committed);
      if (!bases.has(m.dayFile) && !inputOfAnother.has(m.dayFile)) await removeFiles(m.dayFile);
      await deps.lake.remove(path);
    }
  }
  return deleted;
}
