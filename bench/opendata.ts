/**
 * `npm run bench:opendata [-- --requests 100000]`
 *
 * The open data writer alone, in process: synthetic request documents (as the
 * change feed delivers them) through the export use case into an in-memory lake,
 * in change-feed-sized batches of 100 and 1000, then the nightly compaction of every
 * closed day (decision 1126). Prints rows per second (wall and CPU) of each, and the
 * bytes of Parquet and CSV per 100k requests that the descriptor lists before and
 * after compaction. Storage upload time is not in it.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { compactClosedDays } from '../shared/open-data/compaction.js';
import { listedFiles } from '../shared/open-data/descriptor.js';
import { exportRequestChanges, type DataLake } from '../shared/open-data/export.js';
import { memoryDataLake } from '../shared/open-data/lake.js';
import { starterServices } from '../shared/catalogue/starter-services.js';

const { values } = parseArgs({ options: { requests: { type: 'string' } } });
const total = Number(values.requests ?? 100_000);
const statuses = ['submitted', 'investigating', 'in-progress', 'fixed', 'closed'] as const;
const start = Date.parse('2026-01-05T08:00:00.000Z');

function aRequest(i: number) {
  const service = starterServices[i % starterServices.length];
  const createdAt = new Date(start + i * 300_000).toISOString();
  const status = statuses[i % statuses.length] ?? 'submitted';
  const updatedAt = new Date(start + i * 300_000 + 86_400_000 * (i % 7)).toISOString();
  return {
    id: randomUUID(),
    pk: 'x',
    type: 'request',
    serviceCode: service?.code ?? 'pothole',
    serviceName: service?.name ?? 'Pothole',
    serviceGroup: service?.group ?? 'roads',
    status,
    source: 'api',
    description: 'A description that is never exported',
    location: { lat: 51.45 + (i % 1000) / 100_000, long: -2.59 + (i % 997) / 100_000 },
    timeline: [
      { at: createdAt, status: 'submitted' },
      ...(status === 'fixed' || status === 'closed' ? [{ at: updatedAt, status }] : []),
    ],
    createdAt,
    updatedAt,
  };
}

const byCode = new Map(starterServices.map((s) => [s.code, s]));
const catalogue = { get: (code: string) => Promise.resolve(byCode.get(code) as never) };
const per100k = (bytes: number) => ((bytes / total) * 100_000) / 1024 / 1024;

/** The bytes of the files the descriptor lists (what a reader downloads), and how many there are. */
async function listedSize(lake: DataLake, blobs: ReadonlyMap<string, { content: Uint8Array }>) {
  const { bases } = await listedFiles(lake);
  const size = (path: string) => blobs.get(path)?.content.byteLength ?? 0;
  let parquet = 0;
  let csv = 0;
  for (const base of bases) {
    parquet += size(`${base}.parquet`);
    csv += size(`${base}.csv`);
  }
  return { files: bases.size, parquet, csv };
}

const timed = async (work: () => Promise<unknown>) => {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
};
const rate = (rows: number, { ms, cpuMs }: { ms: number; cpuMs: number }) =>
  `${Math.round(rows / (ms / 1000))} rows/s wall, ${Math.round(rows / (cpuMs / 1000))} rows/s per CPU second`;
const mib = (s: { parquet: number; csv: number; files: number }) =>
  `Parquet ${per100k(s.parquet).toFixed(2)} MiB, CSV ${per100k(s.csv).toFixed(2)} MiB in ${s.files} file pairs`;

const documents = Array.from({ length: total }, (_, i) => aRequest(i));
for (const batchSize of [100, 1000]) {
  const { lake, blobs } = memoryDataLake();
  const deps = { lake, catalogue, publisher: 'Bench' };
  const exported = await timed(async () => {
    for (let i = 0; i < documents.length; i += batchSize)
      await exportRequestChanges(documents.slice(i, i + batchSize), deps);
  });
  const before = await listedSize(lake, blobs);
  // Every day closed: the whole set is compacted, as a nightly run finds it after a backfill.
  const compacted = await timed(() =>
    compactClosedDays({ lake, publisher: 'Bench', now: () => new Date('2100-01-01') }),
  );
  const after = await listedSize(lake, blobs);
  console.log(
    `batch ${batchSize}: export ${total} rows in ${exported.ms.toFixed(0)} ms = ${rate(total, exported)}; per 100k requests ${mib(before)}`,
  );
  console.log(
    `  compaction: ${total} rows in ${compacted.ms.toFixed(0)} ms = ${rate(total, compacted)}; per 100k requests ${mib(after)}`,
  );
}
console.log(
  `(load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; before compaction files are per batch and day, after it one per day)`,
);
