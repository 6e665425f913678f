/**
 * Cosmos DB: `@vercel/cosmosdb-server`, in process, memory only, over plain HTTP
 * on loopback (the SDK accepts an http endpoint, so no certificate trust is bent).
 *
 * Gaps this stack works around (see README "Decisions"): no OFFSET/LIMIT (Doorstep
 * pages with continuation tokens); TTL is not enforced (the sweeper below deletes
 * expired items of TTL-enabled containers, as Cosmos does in the background); and a
 * transactional batch is not rolled back when one operation fails (`atomicBatches`
 * below restores the container, as Cosmos does, because the outbox relies on it).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { ContainerDefinition } from '../shared/data/cosmos-containers.js';
import { suspendableServer, type Suspendable } from './outage.js';
import { startPoller } from './poller.js';

/** The documented key of Microsoft's Cosmos DB emulator: public, and meaningless to Azure. */
export const emulatorKey = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export type CosmosOperationKind =
  'read' | 'query' | 'write' | 'delete' | 'batch' | 'batchOperation' | 'metadata' | 'host';

export interface CosmosEmulator extends Suspendable {
  /** HTTP requests served so far: each is one Cosmos DB operation (benchmarks count them). */
  operations(): number;
  /**
   * The app's operations by kind, for RU estimates; the local Functions host's own
   * change-feed polling (user agent `doorstep-local-host`) is counted apart, since in
   * Azure the trigger reads the change feed its own way.
   */
  operationsByKind(): Readonly<Record<CosmosOperationKind, number>>;
  readonly port: number;
  readonly endpoint: string;
  readonly connectionString: string;
  close(): Promise<void>;
}

interface DocumentStore {
  _data: Map<string, unknown>;
  _index: Map<string, string>;
  _ridCount: number;
}
interface BatchResult {
  statusCode: number;
  requestCharge: number;
}
type BatchHandler = (
  account: { database(id: string): { collection(id: string): { documents?: DocumentStore } } },
  req: { headers: Record<string, string | string[] | undefined> },
  res: unknown,
  params: { dbId: string; collId: string },
) => Promise<BatchResult[] | Record<string, unknown>>;

const batchOperationCounters = new Set<(n: number) => void>();

function classify(req: IncomingMessage): CosmosOperationKind {
  const header = (name: string) => String(req.headers[name] ?? '').toLowerCase();
  if (header('user-agent').includes('doorstep-local-host')) return 'host';
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (!/\/docs(\/|$)/.test(path)) return 'metadata';
  if (req.method === 'GET') return 'read';
  if (req.method === 'DELETE') return 'delete';
  if (header('x-ms-cosmos-is-batch-request') === 'true') return 'batch';
  if (header('x-ms-documentdb-isquery') === 'true' || header('content-type').includes('query+json')) return 'query';
  return 'write';
}

let serverModule: { createHttpServer(options: object): Server } | undefined;

/**
 * Loads the server with its batch handler made atomic: the container's documents are
 * snapshotted before the batch and restored if any operation fails, and every other
 * operation then reports 424 Failed Dependency, as Cosmos DB does.
 */
function loadServer(): { createHttpServer(options: object): Server } {
  if (serverModule) return serverModule;
  const require = createRequire(import.meta.url);
  const batchModule = require('@vercel/cosmosdb-server/lib/handler/batch-documents.js') as { default: BatchHandler };
  const original = batchModule.default;
  batchModule.default = async (account, req, res, params) => {
    const store = account.database(params.dbId).collection(params.collId).documents;
    const snapshot = store && { data: new Map(store._data), index: new Map(store._index), ridCount: store._ridCount };
    const result = await original(account, req, res, params);
    for (const count of batchOperationCounters) count(Array.isArray(result) ? result.length : 0);
    const atomic = String(req.headers['x-ms-cosmos-batch-atomic'] ?? '').toLowerCase() === 'true';
    if (!Array.isArray(result) || !store || !snapshot || !atomic || !result.some((r) => r.statusCode >= 400))
      return result;
    store._data = snapshot.data;
    store._index = snapshot.index;
    store._ridCount = snapshot.ridCount;
    return result.map((r) => (r.statusCode >= 400 ? r : { statusCode: 424, requestCharge: 0 }));
  };
  serverModule = require('@vercel/cosmosdb-server') as { createHttpServer(options: object): Server };
  return serverModule;
}

export async function startCosmos(options: { port?: number; host?: string } = {}): Promise<CosmosEmulator> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = loadServer().createHttpServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}/`;
  let operations = 0;
  const kinds: Record<CosmosOperationKind, number> = {
    read: 0,
    query: 0,
    write: 0,
    delete: 0,
    batch: 0,
    batchOperation: 0,
    metadata: 0,
    host: 0,
  };
  server.on('request', (req: IncomingMessage) => {
    operations++;
    kinds[classify(req)]++;
  });
  batchOperationCounters.add((n) => {
    kinds.batchOperation += n;
  });
  return {
    operations: () => operations,
    operationsByKind: () => ({ ...kinds }),
    port,
    endpoint,
    connectionString: `AccountEndpoint=${endpoint};AccountKey=${emulatorKey};`,
    ...suspendableServer(server, host, port, 'reset'),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/** Creates the database and containers as `infra/` provisions them. */
export async function provisionCosmos(
  endpoint: string,
  database: string,
  containers: readonly ContainerDefinition[],
): Promise<void> {
  const { CosmosClient } = await import('@azure/cosmos');
  const client = new CosmosClient({ endpoint, key: emulatorKey, connectionPolicy: { enableEndpointDiscovery: false } });
  try {
    const { database: db } = await client.databases.createIfNotExists({ id: database });
    for (const c of containers) {
      await db.containers.createIfNotExists({
        id: c.name,
        partitionKey: { paths: [c.partitionKeyPath] },
        ...(c.defaultTtlSeconds !== undefined ? { defaultTtl: c.defaultTtlSeconds } : {}),
      });
    }
  } finally {
    client.dispose();
  }
}

/**
 * Deletes items past their TTL in TTL-enabled containers, as Cosmos does in the
 * background; the emulator keeps them forever otherwise.
 */
export function startTtlSweeper(
  endpoint: string,
  database: string,
  containers: readonly ContainerDefinition[],
  intervalMs = 1000,
): () => Promise<void> {
  // One client for every sweep: a new one a second read the account and each container's query plan
  // again each time, which was a good part of what the stack did while the tests waited.
  let client: import('@azure/cosmos').CosmosClient | undefined;
  const sweep = async () => {
    const { CosmosClient } = await import('@azure/cosmos');
    client ??= new CosmosClient({
      endpoint,
      key: emulatorKey,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    try {
      const db = client.database(database);
      for (const c of containers.filter((x) => x.defaultTtlSeconds !== undefined)) {
        const now = Math.floor(Date.now() / 1000);
        const defaultTtl = c.defaultTtlSeconds ?? -1;
        const query = {
          query:
            `SELECT c.id, c.${c.partitionKeyPath.slice(1)} AS pk FROM c WHERE` +
            '  (IS_DEFINED(c.ttl) AND c.ttl > 0 AND c._ts + c.ttl <= @now) OR (NOT IS_DEFINED(c.ttl) AND @defaultTtl > 0 AND c._ts + @defaultTtl <= @now)',
          parameters: [
            { name: '@now', value: now },
            { name: '@defaultTtl', value: defaultTtl },
          ],
        };
        const { resources } = await db.container(c.name).items.query<{ id: string; pk: string }>(query).fetchAll();
        for (const item of resources)
          await db
            .container(c.name)
            .item(item.id, item.pk)
            .delete()
            .catch(() => undefined);
      }
    } catch {
      // The next sweep tries again; a stopped emulator is not an error here.
    }
  };
  const stop = startPoller(intervalMs, sweep);
  return async () => {
    await stop();
    client?.dispose();
  };
}
