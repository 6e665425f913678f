/**
 * A client to the test stack's Cosmos DB, for arranging or checking records the API does not show.
 * Where the stack is comes from its `CosmosDb` connection string (`cosmosOf`); the key is the emulator's.
 */
import { CosmosClient, type Database } from '@azure/cosmos';
import { emulatorKey } from '../../local/cosmos.js';
import { cosmosOf } from './outbox.js';

export interface StackCosmos {
  readonly client: CosmosClient;
  readonly db: Database;
}

/** From the app settings the stack provides (`inject('appSettings')`); dispose `client` when done. */
export function stackCosmos(settings: Readonly<Record<string, string | undefined>>): StackCosmos {
  const at = cosmosOf(settings.CosmosDb, settings.COSMOS_DATABASE ?? 'doorstep');
  const client = new CosmosClient({
    endpoint: at.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  return { client, db: client.database(at.database) };
}
