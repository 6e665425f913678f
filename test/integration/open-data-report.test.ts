/**
 * #18 item 2: `npm run report` prints the headline figures from the files the
 * running stack wrote. Requests go in through the API, the stack's change feed
 * writes them to its lake (Azurite), and the script, run as a council would run
 * it, downloads what datapackage.json lists and prints the figures. The lake is
 * shared with the other files' requests, so the figures are checked to include
 * this file's requests, not to equal fixed numbers.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, inject, it } from 'vitest';
import { dataLakeContainers } from '../../shared/data/blob-containers.js';
import { listedFiles } from '../../shared/open-data/descriptor.js';
import { blobDataLake } from '../../shared/open-data/lake.js';
import { aFixedPotholeAndAnOpenMissedBin } from '../support/open-data.js';
import { waitFor } from '../support/wait.js';

const storage = () => inject('appSettings').Storage ?? '';
const root = join(import.meta.dirname, '../..');

/** Whether the files datapackage.json lists hold a row of each `id` with the wanted status. */
async function listed(wanted: ReadonlyMap<string, string>): Promise<boolean> {
  const lake = blobDataLake(
    BlobServiceClient.fromConnectionString(storage()).getContainerClient(dataLakeContainers.openData),
  );
  const seen = new Set<string>();
  for (const base of (await listedFiles(lake)).bases) {
    const file = await lake.read(`${base}.parquet`);
    if (!file) return false;
    const { buffer, byteOffset, byteLength } = file.content;
    const rows = (await parquetReadObjects({
      file: buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer,
      columns: ['request_id', 'status'],
    })) as { request_id: string; status: string }[];
    for (const r of rows) if (wanted.get(r.request_id) === r.status) seen.add(r.request_id);
  }
  return seen.size === wanted.size;
}

/** The rows printed under a heading, as tab-separated cells. */
function section(output: string, heading: string): string[][] {
  const after = output.split(heading)[1] ?? '';
  const lines = after.split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('  '));
  return (end === -1 ? lines : lines.slice(0, end)).map((l) => l.trim().split('\t'));
}

describe('npm run report over the running stack', () => {
  it('when requests are made, fixed and left open through the API, then the report prints them in each headline figure', async () => {
    const { pothole, missedBin } = await aFixedPotholeAndAnOpenMissedBin('odr');
    await waitFor(
      async () =>
        (await listed(
          new Map([
            [pothole, 'fixed'],
            [missedBin, 'submitted'],
          ]),
        )) || undefined,
      { timeout: 90_000, interval: 1_000, what: 'both requests in the files datapackage.json lists' },
    );

    // A month on, the open missed bin (2 days to fix) is overdue.
    const now = new Date(Date.now() + 30 * 86_400_000);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/report.ts', '--now', now.toISOString()],
      { cwd: root, env: { ...process.env, Storage: storage() }, timeout: 120_000 },
    );

    expect(Number(/Requests in the open data set: (\d+)/.exec(stdout)?.[1])).toBeGreaterThanOrEqual(2);
    const week = (() => {
      const d = new Date();
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      return d.toISOString().slice(0, 10);
    })();
    const perWeek = section(stdout, 'Reports per category per week');
    expect(perWeek).toContainEqual([week, 'roads', expect.stringMatching(/^[1-9]\d*$/)]);
    expect(perWeek).toContainEqual([week, 'waste', expect.stringMatching(/^[1-9]\d*$/)]);
    const toFix = section(stdout, 'Median days to fix per service');
    expect(toFix).toContainEqual([
      'pothole',
      expect.stringMatching(/^[1-9]\d*$/),
      expect.stringMatching(/^\d+(\.\d)?$/),
    ]);
    const overdue = section(stdout, 'Overdue open requests per service');
    expect(overdue).toContainEqual([
      'missed-bin',
      expect.stringMatching(/^[1-9]\d*$/),
      expect.stringMatching(/^[1-9]\d*$/),
    ]);
  });
});
