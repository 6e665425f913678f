/**
 * The data package descriptor as the data set's one list of live files (decision
 * 1126). A reader that follows datapackage.json sees each file exactly when it is
 * listed; the export adds files and the compaction swaps a day's files for one, each
 * by rewriting the descriptor with If-Match, so neither loses the other's change.
 */
import { AppError } from '../errors.js';
import { dataPackage, dataSetPrefix } from './files.js';
import type { DataLake } from './lake.js';

export const descriptorPath = 'datapackage.json';

/** A listed file without its extension: `<prefix>/date=YYYY-MM-DD/<name>`, written as .parquet and .csv. */
export type FileBase = string;

export const dayOfBase = (base: FileBase): string | undefined => /\/date=(\d{4}-\d{2}-\d{2})\//.exec(base)?.[1];

interface Listed {
  readonly bases: ReadonlySet<FileBase>;
  readonly etag: string | undefined;
}

/** The files the descriptor lists now (none before the first is written). */
export async function listedFiles(lake: DataLake): Promise<Listed> {
  const found = await lake.read(descriptorPath);
  if (!found) return { bases: new Set(), etag: undefined };
  const descriptor = JSON.parse(new TextDecoder().decode(found.content)) as {
    resources?: { format?: string; path?: string[] | string }[];
  };
  const parquet = descriptor.resources?.find((r) => r.format === 'parquet')?.path ?? [];
  const paths = typeof parquet === 'string' ? [parquet] : parquet;
  return { bases: new Set(paths.map((p) => p.replace(/\.parquet$/, ''))), etag: found.etag };
}

/**
 * Applies `change` to the listed files and writes the descriptor if another writer
 * has not written it since it was read; otherwise reads it again and reapplies.
 * Returns the files listed afterwards.
 */
export async function updateDescriptor(
  deps: { readonly lake: DataLake; readonly publisher: string },
  change: (bases: Set<FileBase>) => void,
): Promise<ReadonlySet<FileBase>> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { bases, etag } = await listedFiles(deps.lake);
    const next = new Set(bases);
    change(next);
    if (etag !== undefined && next.size === bases.size && [...next].every((b) => bases.has(b))) return bases;
    const sorted = [...next].sort();
    const descriptor = dataPackage(deps.publisher, {
      parquet: sorted.map((b) => `${b}.parquet`),
      csv: sorted.map((b) => `${b}.csv`),
    });
    if (await deps.lake.putIf(descriptorPath, `${JSON.stringify(descriptor, null, 2)}\n`, 'application/json', etag))
      return next;
  }
  throw new AppError('conflict', 'The open data descriptor kept changing; the work will be done again.');
}

export const isDataSetFile = (base: string) => base.startsWith(`${dataSetPrefix}/date=`);
