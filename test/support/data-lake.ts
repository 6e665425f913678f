/**
 * Reading the open data set back as a user would: the lake container's files
 * downloaded from Azurite into a folder, then queried with DuckDB.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Downloads every blob of the container (optionally under a prefix) into a new folder; returns it. */
export async function downloadLake(connectionString: string, container: string, prefix?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'open-data-'));
  const client = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  for await (const blob of client.listBlobsFlat(prefix ? { prefix } : {})) {
    const target = join(dir, blob.name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await client.getBlobClient(blob.name).downloadToBuffer());
  }
  return dir;
}

export type Row = Record<string, unknown>;

/** Runs one query in a fresh in-memory DuckDB; JSON-shaped rows (timestamps as strings). */
export async function duck(sql: string): Promise<Row[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}
