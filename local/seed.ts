/**
 * What a new council needs to try Doorstep locally. Each capability adds its
 * seed here; every seed is idempotent (upserts), so restarts are harmless.
 */
import { CosmosClient } from '@azure/cosmos';
import { cosmosCatalogueStore } from '../shared/catalogue/catalogue.js';
import { serviceDefinitionSchema } from '../shared/catalogue/service-definition.js';
import { starterServices } from '../shared/catalogue/starter-services.js';
import { payableItemSchema, starterPayableItems, starterPenaltyNotices } from '../shared/payments/payable-items.js';
import { cosmosDeviceRegistry } from '../shared/sensors/store.js';
import { starterDevices } from '../shared/sensors/starter-devices.js';
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

const payables: Seeder = async (stack) => {
  const client = new CosmosClient({
    endpoint: stack.endpoints.cosmos.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    const catalogue = client.database(stack.endpoints.cosmos.database).container('catalogue');
    for (const item of starterPayableItems) {
      const parsed = payableItemSchema.parse(item);
      await catalogue.items.upsert({ ...parsed, id: parsed.code, kind: 'payable-item' });
    }
    for (const notice of starterPenaltyNotices)
      await catalogue.items.upsert({ ...notice, id: notice.reference, kind: 'penalty-notice' });
    return `${starterPayableItems.length} payable items, ${starterPenaltyNotices.length} penalty notices`;
  } finally {
    client.dispose();
  }
};

const devices: Seeder = async (stack) => {
  const client = new CosmosClient({
    endpoint: stack.endpoints.cosmos.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    const registry = cosmosDeviceRegistry(client.database(stack.endpoints.cosmos.database).container('catalogue'));
    for (const device of starterDevices) await registry.put(device);
    return `${starterDevices.length} sensors in the device registry`;
  } finally {
    client.dispose();
  }
};

const seeders: Seeder[] = [serviceCatalogue, payables, devices];

/** Runs every seeder; returns one line per seeder saying what it seeded. */
export async function seedLocalData(stack: LocalStack): Promise<string[]> {
  const done: string[] = [];
  for (const seed of seeders) done.push(await seed(stack));
  return done;
}
