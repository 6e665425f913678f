/**
 * How the operator CLIs reach Service Bus: Azure with your Entra login when
 * `ServiceBus__fullyQualifiedNamespace` is set, a connection string in `ServiceBus`,
 * or else the local stack that `npm start` is running (.local/endpoints.json).
 */
import type { ServiceBusClient } from '@azure/service-bus';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function connect(): Promise<ServiceBusClient> {
  const { ServiceBusClient } = await import('@azure/service-bus');
  const namespace = process.env.ServiceBus__fullyQualifiedNamespace;
  if (namespace) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return new ServiceBusClient(namespace, new DefaultAzureCredential());
  }
  let connectionString = process.env.ServiceBus;
  if (!connectionString) {
    const file = join(import.meta.dirname, '../.local/endpoints.json');
    connectionString = (JSON.parse(await readFile(file, 'utf8')) as { serviceBus: { connectionString: string } })
      .serviceBus.connectionString;
  }
  return new ServiceBusClient(connectionString);
}
