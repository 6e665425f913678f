import type { InvocationContext } from '@azure/functions';
import { publishOutbox } from '../shared/events/publisher.js';
import { logEvent } from '../shared/observability/log.js';
import { depsFor, type OutboxContainer } from '../shared/platform/deps.js';

/** Change feed of a container holding outbox entries → the `events` topic. */
export function outboxPublisher(container: OutboxContainer) {
  return async (documents: unknown[], context: InvocationContext): Promise<void> => {
    const published = await publishOutbox(documents, await depsFor.outbox(container));
    if (published > 0) logEvent(context, 'info', 'outbox.published', { container, published });
  };
}

export const publishRequests = outboxPublisher('requests');
export const publishPayments = outboxPublisher('payments');
export const publishDocuments = outboxPublisher('documents');
