/**
 * A Service Bus emulator of a test file's own, with the app's topology, and an SDK
 * client on it: started before the file's tests, closed after them. For tests of the
 * command-line tools, which must not share queues with the integration stack.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, beforeAll } from 'vitest';
import { startServiceBusEmulator, type ServiceBusEmulator } from '../../local/service-bus/amqp-server.js';
import { topology } from '../../shared/messaging/topology.js';

export interface OwnServiceBus {
  readonly emulator: ServiceBusEmulator;
  readonly client: ServiceBusClient;
}

export function ownServiceBus(): OwnServiceBus {
  const own = {} as { emulator: ServiceBusEmulator; client: ServiceBusClient };
  beforeAll(async () => {
    own.emulator = await startServiceBusEmulator({ topology, log: () => undefined });
    own.client = new ServiceBusClient(own.emulator.connectionString);
  });
  afterAll(async () => {
    await own.client.close();
    await own.emulator.close();
  });
  return own;
}
