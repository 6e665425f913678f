/**
 * Service Bus triggers as the host runs them: peek-lock, complete on success, abandon
 * on throw (redelivered until the entity's max delivery count, then dead-lettered by
 * the broker), one client per connection setting.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import type { RpcBindingInfo, RpcTypedData } from '@azure/functions-core';
import { typed, type InvocationOutcome, type RegisteredFunction } from './registry.js';

const serviceBusClients = new Map<string, ServiceBusClient>();

async function serviceBusClientFor(connection: string): Promise<ServiceBusClient> {
  const existing = serviceBusClients.get(connection);
  if (existing) return existing;
  const { ServiceBusClient } = await import('@azure/service-bus');
  const connectionString = process.env[connection];
  const namespace = process.env[`${connection}__fullyQualifiedNamespace`];
  let client: ServiceBusClient;
  if (connectionString) client = new ServiceBusClient(connectionString);
  else if (namespace) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    client = new ServiceBusClient(namespace, new DefaultAzureCredential());
  } else throw new Error(`Service Bus trigger connection '${connection}' is not configured`);
  serviceBusClients.set(connection, client);
  return client;
}

function triggerMetadataOf(m: ServiceBusReceivedMessage): Record<string, RpcTypedData> {
  const meta: Record<string, unknown> = {
    MessageId: m.messageId,
    // The host counts the current attempt; the AMQP header counts earlier ones.
    DeliveryCount: (m.deliveryCount ?? 0) + 1,
    EnqueuedTimeUtc: m.enqueuedTimeUtc?.toISOString(),
    ExpiresAtUtc: m.expiresAtUtc?.toISOString(),
    SequenceNumber: m.sequenceNumber?.toNumber(),
    LockToken: m.lockToken,
    Subject: m.subject,
    CorrelationId: m.correlationId,
    ContentType: m.contentType,
    ApplicationProperties: m.applicationProperties,
  };
  const out: Record<string, RpcTypedData> = {};
  for (const [k, v] of Object.entries(meta)) if (v !== undefined && v !== null) out[k] = typed(v);
  return out;
}

export async function startServiceBusTrigger(
  fn: RegisteredFunction,
  run: (data: RpcTypedData, meta: Record<string, RpcTypedData>) => Promise<InvocationOutcome>,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const t = fn.trigger as RpcBindingInfo & {
    connection?: string;
    queueName?: string;
    topicName?: string;
    subscriptionName?: string;
  };
  const client = await serviceBusClientFor(t.connection ?? 'ServiceBus');
  const receiver: ServiceBusReceiver = t.queueName
    ? client.createReceiver(t.queueName, { receiveMode: 'peekLock' })
    : client.createReceiver(t.topicName ?? '', t.subscriptionName ?? '', { receiveMode: 'peekLock' });
  const subscription = receiver.subscribe(
    {
      processMessage: async (message) => {
        try {
          const body = message.body as unknown;
          await run(typed(body), triggerMetadataOf(message));
          await receiver.completeMessage(message);
        } catch (error) {
          log(
            `[host] ${fn.name}: invocation failed, message ${String(message.messageId ?? '')} abandoned: ${error instanceof Error ? error.message : String(error)}`,
          );
          await receiver.abandonMessage(message).catch(() => undefined);
        }
      },
      processError: async (args) => {
        log(`[host] ${fn.name}: Service Bus receiver error (${args.errorSource}): ${args.error.message}`);
        await Promise.resolve();
      },
    },
    { autoCompleteMessages: false, maxConcurrentCalls: 16 },
  );
  return async () => {
    // Bounded, as the Functions host bounds shutdown: after an outage of the emulator the
    // SDK's subscription.close() has been seen never to resolve (cause not found yet).
    await settleWithin(subscription.close(), 5000, () => {
      log(`[host] ${fn.name}: the Service Bus subscription did not close within 5 s`);
    });
    await settleWithin(receiver.close(), 5000, () => undefined);
  };
}

async function settleWithin(work: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, ms);
  });
  const outcome = await Promise.race([work.then(() => 'done' as const).catch(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') onTimeout();
}

/** Closes the Service Bus clients the triggers opened. */
export async function closeTriggerClients(): Promise<void> {
  for (const client of serviceBusClients.values()) await settleWithin(client.close(), 5000, () => undefined);
  serviceBusClients.clear();
}
