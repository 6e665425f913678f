/**
 * Reading what the platform published, as a subscriber would: through the SDK,
 * against the local Service Bus emulator.
 */
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { inject } from 'vitest';

/**
 * Everything on a topic subscription about `correlationId`, collected for
 * `waitMs` (long enough to see a duplicate arrive). Others' messages are left.
 */
export async function messagesAbout(
  topic: string,
  subscription: string,
  correlationId: string,
  waitMs = 2500,
): Promise<ServiceBusReceivedMessage[]> {
  const client = new ServiceBusClient(inject('appSettings').ServiceBus ?? '');
  const receiver = client.createReceiver(topic, subscription);
  const found: ServiceBusReceivedMessage[] = [];
  const deadline = Date.now() + waitMs;
  try {
    while (Date.now() < deadline) {
      for (const m of await receiver.receiveMessages(50, { maxWaitTimeInMs: 300 })) {
        if (m.correlationId === correlationId) {
          found.push(m);
          await receiver.completeMessage(m);
        } else await receiver.abandonMessage(m);
      }
    }
    return found;
  } finally {
    await receiver.close();
    await client.close();
  }
}
