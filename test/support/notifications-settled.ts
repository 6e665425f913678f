/**
 * A positive barrier instead of waiting a while: the request's outbox is all published, no
 * event about it waits on `notify-residents` and no job naming `about` (the person told, or
 * what their message names) waits on `notifications`. Messages are settled only after their
 * work is done, so nothing more about the request will be sent.
 */
import { inject } from 'vitest';
import { cosmosOf, outboxPublished } from './outbox.js';
import { peekAll } from './service-bus.js';
import { waitFor } from './wait.js';

export async function notificationsSettled(requestId: string, about: string): Promise<void> {
  const settings = inject('appSettings');
  await outboxPublished(cosmosOf(settings.CosmosDb), [requestId]);
  const bus = settings.ServiceBus ?? '';
  await waitFor(
    async () =>
      (await peekAll(bus, { topic: 'events', subscription: 'notify-residents' }, (m) => m.correlationId === requestId))
        .length === 0 &&
      (await peekAll(bus, { queue: 'notifications' }, (m) => JSON.stringify(m.body).includes(about))).length === 0,
    { what: `notifications about ${requestId} to settle` },
  );
}
