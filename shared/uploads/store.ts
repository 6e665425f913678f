import type { Container } from '@azure/cosmos';
import { createWithEvents, replaceWithEvents } from '../data/outbox-batch.js';
import type { OutboxDoc } from '../events/cloud-event.js';
import type { DocumentDoc } from './model.js';

/** Documents (pk = document id) with their outbox events. */
export interface DocumentStore {
  create(doc: DocumentDoc): Promise<DocumentDoc>;
  get(id: string): Promise<DocumentDoc | undefined>;
  replace(doc: DocumentDoc, ifMatch: string, events: readonly OutboxDoc[]): Promise<DocumentDoc | 'stale'>;
  /** Up to `max` documents still pending whose upload link expired before `cutoff` (oldest first). */
  pendingExpiredBefore(cutoff: string, max: number): Promise<DocumentDoc[]>;
}

export function cosmosDocumentStore(container: Container): DocumentStore {
  return {
    async create(doc) {
      const created = await createWithEvents(container, doc, []);
      if (created === 'exists') throw new Error('document id collision');
      return created;
    },
    async get(id) {
      const { resource } = await container.item(id, id).read<DocumentDoc>();
      return resource?.type === 'document' ? resource : undefined;
    },
    replace: (doc, ifMatch, events) => replaceWithEvents(container, doc, ifMatch, events),
    async pendingExpiredBefore(cutoff, max) {
      const { resources } = await container.items
        .query<DocumentDoc>(
          {
            query:
              "SELECT TOP @max * FROM c WHERE c.type = 'document' AND c.status = 'pending' AND c.uploadExpiresAt < @cutoff ORDER BY c.uploadExpiresAt",
            parameters: [
              { name: '@max', value: max },
              { name: '@cutoff', value: cutoff },
            ],
          },
          { maxItemCount: max },
        )
        .fetchNext();
      return resources;
    },
  };
}
