/**
 * A positive barrier for "everything this change caused has been published": each
 * outbox entry in the given partitions is marked sent (the publisher marks an entry
 * only after Service Bus accepted it).
 */
import { CosmosClient } from '@azure/cosmos';
import { emulatorKey } from '../../local/cosmos.js';
import { waitFor } from './wait.js';

export interface CosmosAt {
  readonly endpoint: string;
  readonly database: string;
}

/** Where the integration stack's Cosmos DB is, from its `CosmosDb` connection string. */
export const cosmosOf = (connectionString: string | undefined, database = 'doorstep'): CosmosAt => ({
  endpoint: /AccountEndpoint=([^;]+)/.exec(connectionString ?? '')?.[1] ?? '',
  database,
});

export async function outboxPublished(
  at: CosmosAt,
  partitions: readonly string[],
  { timeout = 60_000 }: { readonly timeout?: number } = {},
): Promise<void> {
  const cosmos = new CosmosClient({
    endpoint: at.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    await waitFor(
      async () => {
        const { resources } = await cosmos
          .database(at.database)
          .container('requests')
          .items.query<{ state: string }>({
            query: "SELECT c.state FROM c WHERE c.type = 'outbox' AND ARRAY_CONTAINS(@pks, c.pk)",
            parameters: [{ name: '@pks', value: [...partitions] }],
          })
          .fetchAll();
        return resources.length > 0 && resources.every((r) => r.state === 'sent');
      },
      // A deadline, not a duration: after an outage the publisher catches up at the machine's pace.
      { what: 'the outbox to be published', timeout },
    );
  } finally {
    cosmos.dispose();
  }
}
