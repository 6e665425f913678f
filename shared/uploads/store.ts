/**
 * Where documents live in Cosmos DB:
 * - the document and its outbox events: `documents`, pk = document id;
 * - the owner's My Account entry: `residents`, pk = resident (single-partition list).
 */
import type { Container } from '@azure/cosmos';
import { createWithEvents, replaceWithEvents } from '../data/outbox-batch.js';
import type { Page } from '../data/page-token.js';
import type { OutboxDoc } from '../events/cloud-event.js';
import { listEntries, putEntry } from '../residents/my-account.js';
import type { DocumentDoc, MyDocumentEntry } from './model.js';

/** Documents (pk = document id) with their outbox events, and their owners' My Account entries. */
export interface DocumentStore {
  create(doc: DocumentDoc): Promise<DocumentDoc>;
  get(id: string): Promise<DocumentDoc | undefined>;
  replace(doc: DocumentDoc, ifMatch: string, events: readonly OutboxDoc[]): Promise<DocumentDoc | 'stale'>;
  /** Up to `max` documents still pending whose upload link expired before `cutoff` (oldest first). */
  pendingExpiredBefore(cutoff: string, max: number): Promise<DocumentDoc[]>;
  putMyEntry(entry: MyDocumentEntry): Promise<void>;
  listMine(residentId: string, pageSize: number, continuation?: string): Promise<Page<MyDocumentEntry>>;
}

export function cosmosDocumentStore(container: Container, residents: Container): DocumentStore {
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
    putMyEntry: (entry) => putEntry(residents, entry),
    listMine: (residentId, pageSize, continuation) =>
      listEntries<MyDocumentEntry>(residents, residentId, 'document', pageSize, continuation),
  };
}
