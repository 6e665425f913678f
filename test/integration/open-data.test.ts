/**
 * #18 item 2: the open data export. Requests made through the API reach the data
 * lake as Parquet and CSV partitioned by day, through the `requests` change feed
 * (decision 1120), and read back with DuckDB carry nothing personal.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dataMap } from '../../shared/data-map/registry.js';
import { dataLakeContainers } from '../../shared/data/blob-containers.js';
import { columnNames } from '../../shared/open-data/row.js';
import { aServiceRequest } from '../support/api.js';
import { downloadLake, duck, type Row } from '../support/data-lake.js';
import { aFixedPotholeAndAnOpenMissedBin, reported } from '../support/open-data.js';
import { waitFor } from '../support/wait.js';

const storage = () => inject('appSettings').Storage ?? '';

const create = (body: Record<string, unknown>) => reported('od', body);

/** The latest exported row of each of `ids`, once every one has a row that `ready` accepts. */
async function latestRows(
  ids: readonly string[],
  ready: (rows: Row[]) => boolean,
): Promise<{ dir: string; rows: Row[] }> {
  return waitFor(
    async () => {
      const dir = await downloadLake(storage(), dataLakeContainers.openData);
      const list = ids.map((id) => `'${id}'`).join(',');
      const rows = await duck(`
        SELECT * FROM read_parquet('${dir}/service-requests/date=*/*.parquet', hive_partitioning = true)
        WHERE request_id IN (${list})
        QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY updated_at DESC) = 1`);
      return rows.length === ids.length && ready(rows) ? { dir, rows } : undefined;
    },
    { timeout: 60_000, interval: 500, what: 'the requests in the open data files' },
  );
}

describe('open data export', () => {
  it('when requests are made and one is fixed, then the lake holds anonymous rows per day that DuckDB reads, with the latest status', async () => {
    const tag = randomUUID().slice(0, 8);
    const { pothole, missedBin } = await aFixedPotholeAndAnOpenMissedBin('od', {
      pothole: {
        description: `Pothole by number ${tag}, ring Alex on 07700900123`,
        location: { lat: 51.454567, long: -2.587912, address: `${tag} Bakery Row` },
      },
      missedBin: { description: `Bin missed at ${tag}` },
    });

    const { rows } = await latestRows([pothole, missedBin], (r) =>
      r.some((x) => x.request_id === pothole && x.status === 'fixed'),
    );
    const byId = new Map(rows.map((r) => [r.request_id, r]));
    const p = byId.get(pothole);
    const b = byId.get(missedBin);
    expect(p).toMatchObject({ service_code: 'pothole', status: 'fixed', is_open: false, lat: 51.4546, long: -2.5879 });
    expect(p?.resolved_at).not.toBeNull();
    // A service at a home has no position in open data, as on the public view.
    expect(b).toMatchObject({ service_code: 'missed-bin', status: 'submitted', is_open: true, lat: null, long: null });
    // Partitioned by the UTC day of the change.
    expect(String(p?.date)).toBe(String(p?.updated_at).slice(0, 10));

    // The CSV alongside says the same, and holds no description, address, UPRN or phone number (the Parquet files' columns are checked against the data map below).
    // Each batch writes its Parquet file, then its CSV: wait for the CSV too, not just the Parquet row.
    const csvDir = await waitFor(
      async () => {
        const at = await downloadLake(storage(), dataLakeContainers.openData);
        const csv = await duck(
          `SELECT request_id, status FROM read_csv('${at}/service-requests/date=*/*.csv', header = true) WHERE request_id = '${pothole}' ORDER BY status`,
        );
        return csv.some((r) => r.status === 'fixed') ? at : undefined;
      },
      { timeout: 60_000, interval: 500, what: 'the fixed row in the CSV files' },
    );
    expect(csvDir).toBeDefined();
    const texts = await duck(
      `SELECT count(*)::INTEGER AS n FROM read_text('${csvDir}/service-requests/date=*/*.csv') WHERE content LIKE '%${tag}%' OR content LIKE '%100012345679%' OR content LIKE '%07700900123%'`,
    );
    expect(texts[0]?.n).toBe(0);
  });

  it('when the files are written, then every column is in the data map classified none and the data package describes them', async () => {
    const id = await create(aServiceRequest());
    const { dir } = await latestRows([id], () => true);
    const described = await duck(
      `DESCRIBE SELECT * FROM read_parquet('${dir}/service-requests/date=*/*.parquet', hive_partitioning = false)`,
    );
    const fileColumns = described.map((c) => String(c.column_name));
    expect(fileColumns).toEqual(columnNames);
    const map = dataMap.find((m) => m.kind === 'open-data');
    for (const column of fileColumns) expect(map?.fields[column]?.class, column).toBe('none');

    const descriptor = JSON.parse(await readFile(join(dir, 'datapackage.json'), 'utf8')) as {
      resources: { format: string; path: string[]; schema: { fields: { name: string }[] } }[];
    };
    const parquet = descriptor.resources.find((r) => r.format === 'parquet');
    expect(parquet?.schema.fields.map((f) => f.name)).toEqual(columnNames);
    expect(parquet?.path.length).toBeGreaterThan(0);
    for (const path of parquet?.path ?? [])
      expect(path).toMatch(/^service-requests\/date=\d{4}-\d{2}-\d{2}\/changes-[0-9a-f]{16}\.parquet$/);
  });
});
