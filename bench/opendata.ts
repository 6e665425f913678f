/**
 * `npm run bench:opendata [-- --requests 100000]`
 *
 * The open data writer alone, in process: synthetic request documents (as the
 * change feed delivers them) through the export use case into an in-memory lake,
 * in change-feed-sized batches of 100. Prints rows per second (wall and CPU) and
 * the bytes of Parquet and CSV per 100k requests. Storage upload time is not in it.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { exportRequestChanges, type DataLake } from '../shared/open-data/export.js';
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

const sizes = { parquet: 0, csv: 0 };
const lake: DataLake = {
  put(path, content) {
    const bytes = typeof content === 'string' ? Buffer.byteLength(content) : content.byteLength;
    if (path.endsWith('.parquet')) sizes.parquet += bytes;
    else if (path.endsWith('.csv')) sizes.csv += bytes;
    return Promise.resolve();
  },
  list: () => Promise.resolve([]),
};
const byCode = new Map(starterServices.map((s) => [s.code, s]));
const deps = {
  lake,
  catalogue: { get: (code: string) => Promise.resolve(byCode.get(code) as never) },
  publisher: 'Bench',
};

const documents = Array.from({ length: total }, (_, i) => aRequest(i));
for (const batchSize of [100, 1000]) {
  sizes.parquet = 0;
  sizes.csv = 0;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < documents.length; i += batchSize)
    await exportRequestChanges(documents.slice(i, i + batchSize), deps);
  const ms = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const per100k = (bytes: number) => ((bytes / total) * 100_000) / 1024 / 1024;
  console.log(
    `batch ${batchSize}: ${total} rows in ${ms.toFixed(0)} ms = ${Math.round(total / (ms / 1000))} rows/s wall, ${Math.round(total / (cpuMs / 1000))} rows/s per CPU second; per 100k requests: Parquet ${per100k(sizes.parquet).toFixed(2)} MiB, CSV ${per100k(sizes.csv).toFixed(2)} MiB`,
  );
}
console.log(
  `(load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; files are per batch and day, so small batches make more, smaller files)`,
);
