/**
 * Where payments live in Cosmos DB:
 * - the payment and its outbox events: `payments`, pk = payment id (point reads,
 *   one transactional batch per change);
 * - the owner's My Account entry: `residents`, pk = resident;
 * - what can be paid for, and penalty notices: `catalogue`, pk = `payable-item` /
 *   `penalty-notice`.
 */
import type { Container } from '@azure/cosmos';
import { createWithEvents, replaceWithEvents } from '../data/outbox-batch.js';
import type { OutboxDoc } from '../events/cloud-event.js';
import { listEntries, putEntry, type Page } from '../residents/my-account.js';
import type { MyPaymentEntry, PaymentDoc } from './model.js';
import { payableItemSchema, type PayableItem, type PenaltyNotice } from './payable-items.js';
import { finalStatuses } from './status.js';

export type { Page };

export interface PaymentStore {
  /** Creates the payment; 'exists' if one with that id is already stored. */
  create(doc: PaymentDoc): Promise<PaymentDoc | 'exists'>;
  get(id: string): Promise<PaymentDoc | undefined>;
  /** Replaces the payment if its ETag is still `ifMatch`, with its events; 'stale' otherwise. */
  replace(doc: PaymentDoc, ifMatch: string, events: readonly OutboxDoc[]): Promise<PaymentDoc | 'stale'>;
  /** Payments not in a final state, created before `before` (ISO time). */
  unfinishedBefore(before: string): Promise<PaymentDoc[]>;
  putMyEntry(entry: MyPaymentEntry): Promise<void>;
  listMine(residentId: string, pageSize: number, continuation?: string): Promise<Page<MyPaymentEntry>>;
}

export interface PayableItemStore {
  /** The active item with that code. */
  item(code: string): Promise<PayableItem | undefined>;
  activeItems(): Promise<PayableItem[]>;
  notice(reference: string): Promise<PenaltyNotice | undefined>;
  putNotice(notice: PenaltyNotice): Promise<void>;
}

export function cosmosPaymentStore(payments: Container, residents: Container): PaymentStore {
  return {
    create: (doc) => createWithEvents(payments, doc, []),
    async get(id) {
      const { resource } = await payments.item(id, id).read<PaymentDoc>();
      return resource?.type === 'payment' ? resource : undefined;
    },
    replace: (doc, ifMatch, events) => replaceWithEvents(payments, doc, ifMatch, events),
    async unfinishedBefore(before) {
      const { resources } = await payments.items
        .query<PaymentDoc>({
          query:
            "SELECT * FROM c WHERE c.type = 'payment' AND NOT ARRAY_CONTAINS(@final, c.status) AND c.createdAt < @before",
          parameters: [
            { name: '@final', value: [...finalStatuses] },
            { name: '@before', value: before },
          ],
        })
        .fetchAll();
      return resources;
    },
    putMyEntry: (entry) => putEntry(residents, entry),
    listMine: (residentId, pageSize, continuation) =>
      listEntries<MyPaymentEntry>(residents, residentId, 'payment', pageSize, continuation),
  };
}

// Catalogue documents carry storage keys (`id`, `kind`) and Cosmos' system fields beside the item.
const withoutStorageKeys = (raw: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_') && k !== 'id' && k !== 'kind'));

export function cosmosPayableItemStore(catalogue: Container): PayableItemStore {
  return {
    async item(code) {
      const { resource } = await catalogue.item(code, 'payable-item').read<Record<string, unknown>>();
      const parsed = resource ? payableItemSchema.safeParse(withoutStorageKeys(resource)) : undefined;
      return parsed?.success && parsed.data.active ? parsed.data : undefined;
    },
    async activeItems() {
      const { resources } = await catalogue.items
        .query<Record<string, unknown>>(
          { query: "SELECT * FROM c WHERE c.kind = 'payable-item'" },
          { partitionKey: 'payable-item' },
        )
        .fetchAll();
      return resources
        .map((r) => payableItemSchema.safeParse(withoutStorageKeys(r)))
        .flatMap((r) => (r.success && r.data.active ? [r.data] : []));
    },
    async notice(reference) {
      const { resource } = await catalogue.item(reference, 'penalty-notice').read<PenaltyNotice>();
      return resource;
    },
    async putNotice(notice) {
      const { resource } = await catalogue.item(notice.reference, 'penalty-notice').read<Record<string, unknown>>();
      if (resource) await catalogue.items.upsert({ ...resource, ...notice });
    },
  };
}
