/**
 * What a new council needs to try Doorstep locally. Each capability adds its
 * seed here; every seed is idempotent (upserts), so restarts are harmless.
 */
import { CosmosClient } from '@azure/cosmos';
import { cosmosCatalogueStore } from '../shared/catalogue/catalogue.js';
import { serviceDefinitionSchema } from '../shared/catalogue/service-definition.js';
import { starterServices } from '../shared/catalogue/starter-services.js';
import { emulatorKey } from './cosmos.js';
import type { LocalStack } from './stack.js';

export type Seeder = (stack: LocalStack) => Promise<string>;

const serviceCatalogue: Seeder = async (stack) => {
  const client = new CosmosClient({
    endpoint: stack.endpoints.cosmos.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    const store = cosmosCatalogueStore(client.database(stack.endpoints.cosmos.database).container('catalogue'));
    for (const service of starterServices) await store.put(serviceDefinitionSchema.parse(service));
    return `${starterServices.length} services in the catalogue`;
  } finally {
    client.dispose();
  }
};

const seeders: Seeder[] = [serviceCatalogue];

/** Runs every seeder; returns one line per seeder saying what it seeded. */
export async function seedLocalData(stack: LocalStack): Promise<string[]> {
  const done: string[] = [];
  for (const seed of seeders) done.push(await seed(stack));
  return done;
}
