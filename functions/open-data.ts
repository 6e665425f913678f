import type { InvocationContext, Timer } from '@azure/functions';
import { logEvent } from '../shared/observability/log.js';
import { compactClosedDays } from '../shared/open-data/compaction.js';
import { exportRequestChanges } from '../shared/open-data/export.js';
import { depsFor } from '../shared/platform/deps.js';

/** Change feed of `requests` (its own lease): each batch of changed requests becomes open data files. */
export async function exportOpenData(documents: unknown[], context: InvocationContext): Promise<void> {
  const outcome = await exportRequestChanges(documents, await depsFor.openData());
  if (outcome.rows > 0)
    logEvent(context, 'info', 'open-data.exported', { rows: outcome.rows, files: outcome.files.length });
}

/** Nightly: closed days compacted into one file each; files replaced earlier deleted once readers are done. */
export async function compactOpenData(_timer: Timer, context: InvocationContext): Promise<void> {
  const outcome = await compactClosedDays({ ...(await depsFor.openData()), now: () => new Date() });
  logEvent(context, 'info', 'open-data.compacted', {
    days: outcome.days.length,
    rows: outcome.days.reduce((n, d) => n + d.rows, 0),
    deleted: outcome.deleted,
  });
}
