/**
 * Reading what the platform published, as a subscriber would: through the SDK,
 * against the local Service Bus emulator.
 *
 * "Nothing more arrived" is never judged by waiting a while: a marker message is sent
 * to the topic after the awaited messages, and the subscription is read until the
 * marker comes back. The emulator hands out messages oldest first, so by then
 * everything enqueued before the marker has been seen.
 */
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/** What the marker needs to pass the subscription's filter (e.g. `to` for a work-order back office). */
export interface Marker {
  readonly to?: string;
  readonly applicationProperties?: Record<string, string | number | boolean>;
}

export interface ReadOptions {
  /** Read at least this many matching messages before placing the marker. */
  readonly atLeast?: number;
  readonly marker?: Marker;
  /** A deadline for a loaded machine, not a window to wait through. */
  readonly timeout?: number;
}

/**
 * Every message on `subscription` that `mine` accepts, completed; others are left
 * (abandoned). Returns once `atLeast` were read and a marker sent after them came back.
 */
export async function readSubscription(
  connectionString: string,
  topic: string,
  subscription: string,
  mine: (m: ServiceBusReceivedMessage) => boolean,
  { atLeast = 0, marker = {}, timeout = 30_000 }: ReadOptions = {},
): Promise<ServiceBusReceivedMessage[]> {
  const client = new ServiceBusClient(connectionString);
  const receiver = client.createReceiver(topic, subscription);
  const found: ServiceBusReceivedMessage[] = [];
  const deadline = Date.now() + timeout;
  const barrier = `barrier:${randomUUID()}`;
  let barrierSent = false;
  let barrierSeen = false;
  try {
    while (!barrierSeen) {
      if (Date.now() > deadline)
        throw new Error(
          `Timed out reading ${topic}/${subscription}: ${found.length} of at least ${atLeast} read, marker ${barrierSent ? 'not back' : 'not sent'}`,
        );
      if (!barrierSent && found.length >= atLeast) {
        const sender = client.createSender(topic);
        await sender.sendMessages({
          messageId: barrier,
          correlationId: barrier,
          subject: 'test.barrier',
          body: {},
          ...(marker.to ? { to: marker.to } : {}),
          ...(marker.applicationProperties ? { applicationProperties: marker.applicationProperties } : {}),
        });
        await sender.close();
        barrierSent = true;
      }
      for (const m of await receiver.receiveMessages(50, { maxWaitTimeInMs: 300 })) {
        if (m.correlationId === barrier) {
          barrierSeen = true;
          await receiver.completeMessage(m);
        } else if (mine(m)) {
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

/** Everything on a topic subscription about `correlationId` (see `readSubscription`). */
export const messagesAbout = (
  topic: string,
  subscription: string,
  correlationId: string,
  options: ReadOptions = {},
): Promise<ServiceBusReceivedMessage[]> =>
  readSubscription(
    inject('appSettings').ServiceBus ?? '',
    topic,
    subscription,
    (m) => m.correlationId === correlationId,
    options,
  );

/** The messages on a queue or subscription that `mine` accepts, locked or not, without settling any (peek). */
export async function peekAll(
  connectionString: string,
  entity: { queue: string } | { topic: string; subscription: string },
  mine: (m: ServiceBusReceivedMessage) => boolean = () => true,
): Promise<ServiceBusReceivedMessage[]> {
  const client = new ServiceBusClient(connectionString);
  const receiver =
    'queue' in entity ? client.createReceiver(entity.queue) : client.createReceiver(entity.topic, entity.subscription);
  const found: ServiceBusReceivedMessage[] = [];
  try {
    // Each peek continues where the last one stopped.
    for (let page = await receiver.peekMessages(100); page.length > 0; page = await receiver.peekMessages(100))
      found.push(...page.filter(mine));
    return found;
  } finally {
    await receiver.close();
    await client.close();
  }
}
