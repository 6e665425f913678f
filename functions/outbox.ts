import type { InvocationContext } from '@azure/functions';
import { cosmosMarkSent, publishOutbox } from '../shared/events/publisher.js';
import { logEvent } from '../shared/observability/log.js';
import { platform } from '../shared/platform/clients.js';

/** Change feed of a container holding outbox entries → the `events` topic. */
export function outboxPublisher(containerName: string) {
  return async (documents: unknown[], context: InvocationContext): Promise<void> => {
    const p = platform();
    const [sender, container] = await Promise.all([p.sender('events'), p.container(containerName)]);
    const published = await publishOutbox(documents, {
      send: (messages) => sender.sendMessages(messages),
      markSent: cosmosMarkSent(container),
    });
    if (published > 0) logEvent(context, 'info', 'outbox.published', { container: containerName, published });
  };
}

export const publishRequests = outboxPublisher('requests');
export const publishPayments = outboxPublisher('payments');
export const publishDocuments = outboxPublisher('documents');
