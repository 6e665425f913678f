/**
 * The open data export (decision 1120): each batch of changed documents from the
 * `requests` container's change feed becomes, per UTC day of change, one Parquet
 * file and one CSV file under `service-requests/date=YYYY-MM-DD/`, and the data
 * package descriptor is rewritten to list them.
 *
 * Delivery is at least once (a batch is delivered again after a failure, and the
 * feed starts from the beginning once): a file's name is the hash of its rows, so
 * the same batch writes the same files again, and readers take the latest row of
 * each request (`latestRows` in scripts/report.ts), so a change seen twice counts once.
 * Files become part of the data set when datapackage.json lists them (decision 1126),
 * and a closed day's files are later compacted into one (compaction.ts).
 */
import { createHash } from 'node:crypto';
import type { CatalogueStore } from '../catalogue/catalogue.js';
import { updateDescriptor } from './descriptor.js';
import type { DataLake } from './lake.js';
import { dataSetPrefix, toCsv, toParquet } from './files.js';
import { changedRequestSchema, dayOf, toOpenDataRow, type OpenDataRow } from './row.js';

/** Where the files go: a container of the data lake (ADLS Gen2 in Azure, Azurite locally). */
export interface OpenDataDeps {
  readonly lake: DataLake;
  readonly catalogue: Pick<CatalogueStore, 'get'>;
  /** Named as the data package's publisher. */
  readonly publisher: string;
}

export interface ExportOutcome {
  readonly rows: number;
  readonly files: readonly string[];
  /** Documents of the container that are not requests (outbox events, pins, dispatches), or not readable as one. */
  readonly skipped: number;
}

export async function exportRequestChanges(documents: readonly unknown[], deps: OpenDataDeps): Promise<ExportOutcome> {
  const services = new Map<string, Awaited<ReturnType<OpenDataDeps['catalogue']['get']>>>();
  const byDay = new Map<string, OpenDataRow[]>();
  let skipped = 0;
  for (const document of documents) {
    const parsed = changedRequestSchema.safeParse(document);
    if (!parsed.success) {
      skipped++;
      continue;
    }
    const code = parsed.data.serviceCode;
    if (!services.has(code)) services.set(code, await deps.catalogue.get(code));
    const row = toOpenDataRow(parsed.data, services.get(code));
    const day = dayOf(row);
    byDay.set(day, [...(byDay.get(day) ?? []), row]);
  }
  const files: string[] = [];
  const bases: string[] = [];
  for (const [day, rows] of byDay) {
    const parquet = toParquet(rows);
    const name = `${dataSetPrefix}/date=${day}/changes-${createHash('sha256').update(parquet).digest('hex').slice(0, 16)}`;
    await deps.lake.put(`${name}.parquet`, parquet, 'application/vnd.apache.parquet');
    await deps.lake.put(`${name}.csv`, toCsv(rows), 'text/csv; charset=utf-8');
    files.push(`${name}.parquet`, `${name}.csv`);
    bases.push(name);
  }
  // Listed only once both files are whole: a reader following the descriptor never sees half a batch.
  if (bases.length > 0) await updateDescriptor(deps, (listed) => bases.forEach((b) => listed.add(b)));
  return { rows: documents.length - skipped, files, skipped };
}

export type { DataLake } from './lake.js';
