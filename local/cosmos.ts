/**
 * Cosmos DB: `@vercel/cosmosdb-server`, in process, memory only, over plain HTTP
 * on loopback (the SDK accepts an http endpoint, so no certificate trust is bent).
 *
 * Gaps this stack works around (see README "Decisions"): no OFFSET/LIMIT (Doorstep
 * pages with continuation tokens), and TTL is not enforced (the sweeper below
 * deletes expired items of TTL-enabled containers, as Cosmos does in the background).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '@vercel/cosmosdb-server';
import type { ContainerDefinition } from '../shared/data/cosmos-containers.js';

/** The documented key of Microsoft's Cosmos DB emulator: public, and meaningless to Azure. */
export const emulatorKey = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface CosmosEmulator {
  readonly port: number;
  readonly endpoint: string;
  readonly connectionString: string;
  close(): Promise<void>;
}

export async function startCosmos(options: { port?: number; host?: string } = {}): Promise<CosmosEmulator> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createHttpServer({ keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}/`;
  return {
    port,
    endpoint,
    connectionString: `AccountEndpoint=${endpoint};AccountKey=${emulatorKey};`,
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
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const sweep = async () => {
    const { CosmosClient } = await import('@azure/cosmos');
    const client = new CosmosClient({
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
    } finally {
      client.dispose();
    }
  };
  const timer = setInterval(() => {
    if (!stopped) running = running.then(sweep);
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
