/**
 * Cosmos DB triggers, driven from the container's change feed (see `startChangeFeed`).
 */
import type { RpcBindingInfo } from '@azure/functions-core';
import { connectionStringParts } from '../../shared/config.js';
import { startPoller } from '../poller.js';
import type { InvocationOutcome, RegisteredFunction } from './registry.js';

/** Doorstep's containers are partitioned by `pk`, `residentId`, `kind` or `id`. */
const partitionKeyOf = (d: Record<string, unknown>) => ['pk', 'residentId', 'kind'].find((k) => k in d) ?? 'id';

/**
 * Drives a Cosmos DB trigger from the container's change feed, from the beginning,
 * as the Functions extension does with a lease. A failed batch is delivered again
 * (with the function's back-off) before the feed moves on.
 */
export async function startChangeFeed(
  fn: RegisteredFunction,
  deliver: (documents: unknown[]) => Promise<InvocationOutcome>,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const t = fn.trigger as RpcBindingInfo & { connection?: string; databaseName?: string; containerName?: string };
  const connectionString = process.env[t.connection ?? 'CosmosDb'];
  if (!connectionString) {
    log(`[host] ${fn.name}: no ${t.connection ?? 'CosmosDb'} connection string; the change feed is not driven locally`);
    return () => Promise.resolve();
  }
  const { CosmosClient } = await import('@azure/cosmos');
  const parts = connectionStringParts(connectionString);
  const client = new CosmosClient({
    endpoint: parts.get('accountendpoint') ?? '',
    key: parts.get('accountkey') ?? '',
    connectionPolicy: { enableEndpointDiscovery: false },
    // So that benchmarks can tell the host's polling from the app's own operations.
    userAgentSuffix: 'doorstep-local-host',
  });
  const container = client.database(t.databaseName ?? '').container(t.containerName ?? '');
  // The emulator answers every incremental change-feed read with 304, so the feed is read
  // as the latest version of each item changed since the last second seen (`_ts`), and
  // versions already delivered (by `_etag`) are skipped.
  let since = 0;
  const delivered = new Map<string, { etag: string; ts: number }>();
  let pending: Record<string, unknown>[] | undefined;
  let failures = 0;
  let nextTry = 0;
  // Every read is a query over the whole container on the local server, and a test run spends
  // most of its time waiting: after a few quiet seconds the feed is read once a second rather
  // than five times, and from the first change found it is read every 200 ms again.
  let quietReads = 0;
  const poll = async () => {
    if (Date.now() < nextTry) return;
    if (!pending) {
      const { resources } = await container.items
        .query<Record<string, unknown>>({
          query: 'SELECT * FROM c WHERE c._ts >= @since',
          parameters: [{ name: '@since', value: since }],
        })
        .fetchAll();
      const changed = resources
        .filter((d) => delivered.get(`${String(d.id)}|${JSON.stringify(d[partitionKeyOf(d)])}`)?.etag !== d._etag)
        .sort((a, b) => Number(a._ts) - Number(b._ts));
      if (changed.length > 0) pending = changed.slice(0, 100);
    }
    if (!pending) {
      quietReads++;
      if (quietReads >= 15) nextTry = Date.now() + 800;
      return;
    }
    quietReads = 0;
    try {
      await deliver(pending);
      for (const d of pending) {
        const ts = Number(d._ts);
        delivered.set(`${String(d.id)}|${JSON.stringify(d[partitionKeyOf(d)])}`, { etag: String(d._etag), ts });
        since = Math.max(since, ts);
      }
      for (const [key, v] of delivered) if (v.ts < since - 5) delivered.delete(key);
      pending = undefined;
      failures = 0;
    } catch (error) {
      failures++;
      nextTry = Date.now() + Math.min(5000, 100 * 2 ** failures);
      log(
        `[host] ${fn.name}: change feed batch failed (${failures}), retrying: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const stop = startPoller(200, poll, (error) => {
    log(`[host] ${fn.name}: change feed read failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  return async () => {
    await stop();
    client.dispose();
  };
}
