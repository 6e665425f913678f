/**
 * What the sensors' integration tests share: the device registry and state stores in the stack's
 * Cosmos DB, and the stack's Service Bus with a sender to `device-readings` (as IoT Hub's route
 * delivers readings). Call once at a file's top level; it closes what it opened after the file.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, inject } from 'vitest';
import { cosmosDeviceRegistry, cosmosDeviceStateStore } from '../../shared/sensors/store.js';
import { stackCosmos } from './cosmos.js';

export function sensorsOnTheStack() {
  const settings = inject('appSettings');
  const { client, db } = stackCosmos(settings);
  const bus = new ServiceBusClient(settings.ServiceBus ?? '');
  const sender = bus.createSender('device-readings');
  afterAll(async () => {
    await sender.close();
    await bus.close();
    client.dispose();
  });
  return {
    settings,
    db,
    bus,
    sender,
    registry: cosmosDeviceRegistry(db.container('catalogue')),
    states: cosmosDeviceStateStore(db.container('sensors')),
  };
}
