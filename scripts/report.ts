/**
 * `npm run report [-- --dir <folder>] [--now <ISO time>]`
 *
 * The headline figures a council publishes, read from the open data files only
 * (decision 1120): reports per category per week, median days to fix per service,
 * and open requests overdue per service (the one `isOverdue`). Without `--dir` the
 * lake container is downloaded first: from `OPEN_DATA_LAKE_URL` with your Entra
 * login, a `Storage` connection string, or the local stack `npm start` is running.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dataLakeContainers } from '../shared/data/blob-containers.js';
import { descriptorPath } from '../shared/open-data/descriptor.js';
import { dataSetPrefix } from '../shared/open-data/files.js';
import { isOverdue } from '../shared/service-requests/overdue.js';
import { statuses, type Status } from '../shared/service-requests/status.js';

export interface HeadlineFigures {
  readonly requests: number;
  readonly perCategoryWeek: readonly { week: string; category: string; reports: number }[];
  readonly medianDaysToFix: readonly { service: string; fixed: number; medianDays: number }[];
  readonly overdue: readonly { service: string; open: number; overdue: number }[];
}

/**
 * The files of the data set: those datapackage.json lists (decision 1126: the list
 * changes in one write, so a day is never read twice or half), or, in a folder
 * without one, every Parquet file under it.
 */
async function dataSetFiles(dir: string): Promise<string> {
  const quote = (path: string) => `'${path.replace(/'/g, "''")}'`;
  const descriptor = await readFile(join(dir, descriptorPath), 'utf8').catch(() => undefined);
  if (descriptor === undefined) return quote(`${join(dir, dataSetPrefix)}/date=*/*.parquet`);
  const parquet = (JSON.parse(descriptor) as { resources: { format: string; path: string[] }[] }).resources.find(
    (r) => r.format === 'parquet',
  );
  return `[${(parquet?.path ?? []).map((p) => quote(join(dir, p))).join(', ')}]`;
}

/** Each request's latest row: a change delivered twice, or a request changed since, counts once. */
const latest = (files: string) => `
  SELECT * FROM read_parquet(${files}, hive_partitioning = false)
  QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY updated_at DESC) = 1`;

export async function headlineFigures(dir: string, now: Date): Promise<HeadlineFigures> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const rows = async (sql: string) => (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  try {
    await c.run(`CREATE TEMP VIEW latest AS ${latest(await dataSetFiles(dir))}`);
    const [{ n } = { n: 0 }] = await rows('SELECT count(*)::INTEGER AS n FROM latest');
    const perCategoryWeek = await rows(`
      SELECT strftime(date_trunc('week', reported_at), '%Y-%m-%d') AS week, service_group AS category,
             count(*)::INTEGER AS reports
      FROM latest GROUP BY ALL ORDER BY week, category`);
    const medianDaysToFix = await rows(`
      SELECT service_code AS service, count(*)::INTEGER AS fixed,
             round(median(epoch(resolved_at - reported_at) / 86400), 1)::DOUBLE AS "medianDays"
      FROM latest WHERE resolved_at IS NOT NULL GROUP BY ALL ORDER BY service`);
    const open = await rows(`
      SELECT service_code, status, strftime(reported_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS created_at, expected_days
      FROM latest WHERE is_open`);
    const overdue = new Map<string, { open: number; overdue: number }>();
    for (const r of open) {
      const status = String(r.status) as Status;
      if (!(statuses as readonly string[]).includes(status)) continue;
      const expectedDays = typeof r.expected_days === 'number' ? r.expected_days : undefined;
      const tally = overdue.get(String(r.service_code)) ?? { open: 0, overdue: 0 };
      tally.open++;
      if (
        isOverdue({ status, createdAt: String(r.created_at) }, expectedDays === undefined ? {} : { expectedDays }, now)
      )
        tally.overdue++;
      overdue.set(String(r.service_code), tally);
    }
    return {
      requests: Number(n),
      perCategoryWeek: perCategoryWeek.map((r) => ({
        week: String(r.week),
        category: String(r.category),
        reports: Number(r.reports),
      })),
      medianDaysToFix: medianDaysToFix.map((r) => ({
        service: String(r.service),
        fixed: Number(r.fixed),
        medianDays: Number(r.medianDays),
      })),
      overdue: [...overdue].sort(([a], [b]) => a.localeCompare(b)).map(([service, t]) => ({ service, ...t })),
    };
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

async function lakeContainer() {
  const { BlobServiceClient } = await import('@azure/storage-blob');
  const container = process.env.OPEN_DATA_CONTAINER ?? dataLakeContainers.openData;
  const url = process.env.OPEN_DATA_LAKE_URL;
  if (url) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return new BlobServiceClient(url, new DefaultAzureCredential()).getContainerClient(container);
  }
  let connectionString = process.env.Storage;
  if (!connectionString) {
    const file = join(import.meta.dirname, '../.local/endpoints.json');
    connectionString = (JSON.parse(await readFile(file, 'utf8')) as { blob: { connectionString: string } }).blob
      .connectionString;
  }
  return BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
}

/** Downloads the descriptor and the Parquet files it lists (never a file it does not list). */
async function download(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'doorstep-report-'));
  const container = await lakeContainer();
  const descriptor = await container.getBlobClient(descriptorPath).downloadToBuffer();
  await writeFile(join(dir, descriptorPath), descriptor);
  const { resources } = JSON.parse(descriptor.toString('utf8')) as { resources: { format: string; path: string[] }[] };
  for (const path of resources.find((r) => r.format === 'parquet')?.path ?? []) {
    const target = join(dir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await container.getBlobClient(path).downloadToBuffer());
  }
  return dir;
}

const table = (rows: readonly Record<string, unknown>[]) =>
  rows.length === 0 ? '  (none)' : rows.map((r) => `  ${Object.values(r).map(String).join('\t')}`).join('\n');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, now: { type: 'string' } } });
  const dir = values.dir ?? (await download());
  const figures = await headlineFigures(dir, values.now ? new Date(values.now) : new Date());
  console.log(`Requests in the open data set: ${figures.requests}`);
  console.log(
    `\nReports per category per week (week starting Monday, category, reports):\n${table(figures.perCategoryWeek)}`,
  );
  console.log(`\nMedian days to fix per service (service, fixed, median days):\n${table(figures.medianDaysToFix)}`);
  console.log(`\nOverdue open requests per service (service, open, overdue):\n${table(figures.overdue)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
