/**
 * The composition root: the one place that builds Azure SDK clients.
 *
 * The SDKs are imported on first use, not at module load, so a cold start pays
 * only for the clients the invoked function needs (see `npm run bench:coldstart`).
 * Whether a client uses managed identity or a local emulator is decided by the
 * configuration (`shared/config.ts`), never by the code path.
 */
import type { Container, CosmosClient, Database } from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import type { BlobServiceClient } from '@azure/storage-blob';
import { config, connectionStringParts, type Config } from '../config.js';

/** Built on first call and kept; a failed build is tried again on the next call rather than cached. */
export const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => {
    value ??= make().catch((error: unknown) => {
      // A failed construction is retried on the next call rather than cached.
      value = undefined;
      throw error;
    });
    return value;
  };
};

export interface Platform {
  readonly config: Config;
  credential(): Promise<TokenCredential>;
  cosmos(): Promise<CosmosClient>;
  database(): Promise<Database>;
  container(name: string): Promise<Container>;
  blobService(): Promise<BlobServiceClient>;
  serviceBus(): Promise<ServiceBusClient>;
  /** One long-lived sender per entity: links are expensive to open. */
  sender(entity: string): Promise<ServiceBusSender>;
  close(): Promise<void>;
}

export function createPlatform(cfg: Config): Platform {
  const credential = once(async () => {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return new DefaultAzureCredential();
  });

  const cosmos = once(async () => {
    const { CosmosClient } = await import('@azure/cosmos');
    const c = cfg.cosmos;
    const connectionPolicy = { requestTimeout: cfg.dependencyTimeoutMs };
    const retryOptions = { maxRetryAttemptCount: 3, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 5 };
    if (c.kind === 'identity') {
      return new CosmosClient({
        endpoint: c.endpoint,
        aadCredentials: await credential(),
        connectionPolicy: { ...connectionPolicy, retryOptions },
      });
    }
    const parts = connectionStringParts(c.connectionString);
    return new CosmosClient({
      endpoint: c.endpoint,
      key: parts.get('accountkey') ?? '',
      // The emulator is one local endpoint; discovery would chase the regions it advertises.
      connectionPolicy: { ...connectionPolicy, retryOptions, enableEndpointDiscovery: false },
    });
  });

  const database = once(async () => (await cosmos()).database(cfg.cosmos.database));

  const blobService = once(async () => {
    const { BlobServiceClient } = await import('@azure/storage-blob');
    const b = cfg.blob;
    const retryOptions = { maxTries: 3, tryTimeoutInMs: cfg.dependencyTimeoutMs };
    return b.kind === 'identity'
      ? new BlobServiceClient(b.endpoint, await credential(), { retryOptions })
      : BlobServiceClient.fromConnectionString(b.connectionString, { retryOptions });
  });

  const serviceBus = once(async () => {
    const { ServiceBusClient } = await import('@azure/service-bus');
    const s = cfg.serviceBus;
    const retryOptions = { maxRetries: 2, timeoutInMs: cfg.dependencyTimeoutMs, retryDelayInMs: 200 };
    return s.kind === 'identity'
      ? new ServiceBusClient(s.endpoint, await credential(), { retryOptions })
      : new ServiceBusClient(s.connectionString, { retryOptions });
  });

  const senders = new Map<string, Promise<ServiceBusSender>>();

  return {
    config: cfg,
    credential,
    cosmos,
    database,
    container: async (name) => (await database()).container(name),
    blobService,
    serviceBus,
    sender(entity) {
      let s = senders.get(entity);
      if (!s) {
        s = serviceBus().then((client) => client.createSender(entity));
        senders.set(entity, s);
      }
      return s;
    },
    async close() {
      for (const s of senders.values()) await (await s).close();
      senders.clear();
      await (await serviceBus()).close();
      (await cosmos()).dispose();
    },
  };
}

let platformInstance: Platform | undefined;

/** The process-wide platform, built on first use from the process configuration. */
export function platform(): Platform {
  platformInstance ??= createPlatform(config());
  return platformInstance;
}
