import type { InvocationContext } from '@azure/functions';
import { logEvent } from '../shared/observability/log.js';
import { exportRequestChanges } from '../shared/open-data/export.js';
import { depsFor } from '../shared/platform/deps.js';

/** Change feed of `requests` (its own lease): each batch of changed requests becomes open data files. */
export async function exportOpenData(documents: unknown[], context: InvocationContext): Promise<void> {
  const outcome = await exportRequestChanges(documents, await depsFor.openData());
  if (outcome.rows > 0)
    logEvent(context, 'info', 'open-data.exported', { rows: outcome.rows, files: outcome.files.length });
}
