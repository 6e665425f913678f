/**
 * The outbox publisher: each pending outbox entry becomes a CloudEvents 1.0
 * message (structured mode) on the `events` topic, with the event id as the
 * message id, then is marked sent. If it crashes between the two, the entry is
 * sent again and Service Bus duplicate detection drops the copy; if Service Bus
 * is down, the invocation fails and the change feed delivers the batch again.
 */
import type { Container } from '@azure/cosmos';
import type { ServiceBusMessage } from '@azure/service-bus';
import type { OutboxDoc } from './cloud-event.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';

export interface PublisherDeps {
  send(messages: ServiceBusMessage[]): Promise<void>;
  markSent(entry: OutboxDoc & { _etag?: string }): Promise<void>;
  /** Care copies by consent (shared/consents/care.ts), for the outboxes that have care events. */
  readonly care?: {
    copies(pending: readonly OutboxDoc[]): Promise<ServiceBusMessage[]>;
    send(messages: ServiceBusMessage[]): Promise<void>;
  };
}

/** Sent entries expire after a week: long enough to investigate, short enough to stay small. */
export const sentOutboxTtlSeconds = 7 * 24 * 60 * 60;

export function isPendingOutbox(doc: unknown): doc is OutboxDoc & { _etag?: string } {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    (doc as { type?: unknown }).type === 'outbox' &&
    (doc as { state?: unknown }).state === 'pending'
  );
}

export function toMessage(entry: OutboxDoc): ServiceBusMessage {
  return {
    messageId: entry.event.id,
    subject: entry.event.type,
    correlationId: entry.event.subject,
    contentType: 'application/cloudevents+json; charset=utf-8',
    body: entry.event,
    applicationProperties: {
      ...entry.routing,
      'cloudEvents:type': entry.event.type,
      'cloudEvents:source': entry.event.source,
    },
  };
}

/** Publishes the pending outbox entries among `changed` documents; returns how many. */
export async function publishOutbox(changed: readonly unknown[], deps: PublisherDeps): Promise<number> {
  const pending = changed.filter(isPendingOutbox);
  if (pending.length === 0) return 0;
  await deps.send(pending.map(toMessage));
  // Before marking sent: if this fails, the batch comes again and duplicate detection drops the repeats.
  const copies = deps.care ? await deps.care.copies(pending) : [];
  if (copies.length > 0) await deps.care?.send(copies);
  for (const entry of pending) await deps.markSent(entry);
  return pending.length;
}

export function cosmosMarkSent(container: Container): PublisherDeps['markSent'] {
  return async (entry) => {
    try {
      await container
        .item(entry.id, entry.pk)
        .replace(
          { ...entry, state: 'sent', sentAt: new Date().toISOString(), ttl: sentOutboxTtlSeconds },
          entry._etag ? { accessCondition: { type: 'IfMatch', condition: entry._etag } } : {},
        );
    } catch (error) {
      // Already marked by a redelivery, or expired: either way it was sent.
      if (!isCosmosStatus(error, 412) && !isCosmosStatus(error, 404)) throw error;
    }
  };
}
