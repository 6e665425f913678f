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
import { decodeToken, encodeToken, type Page } from '../data/page-token.js';
import { listEntries, putEntry } from '../residents/my-account.js';
import type { MyPaymentEntry, PaymentDoc } from './model.js';
import { payableItemSchema, type PayableItem, type PenaltyNotice } from './payable-items.js';
import { finalStatuses } from './status.js';
import { withoutStorageFields } from '../data/cosmos-item.js';

export type { Page };

export interface PaymentStore {
  /** Creates the payment; 'exists' if one with that id is already stored. */
  create(doc: PaymentDoc): Promise<PaymentDoc | 'exists'>;
  get(id: string): Promise<PaymentDoc | undefined>;
  /** Replaces the payment if its ETag is still `ifMatch`, with its events; 'stale' otherwise. */
  replace(doc: PaymentDoc, ifMatch: string, events: readonly OutboxDoc[]): Promise<PaymentDoc | 'stale'>;
  /** Payments not in a final state, created before `before` (ISO time). */
  unfinishedBefore(before: string): Promise<PaymentDoc[]>;
  /** Payments with a refund still on its way (`openRefunds`). */
  withOpenRefunds(): Promise<PaymentDoc[]>;
  /**
   * One page of the payments with a refund awaiting a second approver, longest waiting
   * first: a query on the indexed `awaitingApproval` flag, never a scan (decision 1031).
   */
  awaitingApproval(pageSize: number, continuation?: string): Promise<Page<PaymentDoc>>;
  /** Payments with these GOV.UK Pay payment ids. */
  byProviderIds(providerIds: readonly string[]): Promise<PaymentDoc[]>;
  /** Keeps a note of a GOV.UK Pay webhook Doorstep acknowledged without acting on it. */
  recordIgnoredWebhook(note: IgnoredWebhook): Promise<void>;
  putMyEntry(entry: MyPaymentEntry): Promise<void>;
  listMine(residentId: string, pageSize: number, continuation?: string): Promise<Page<MyPaymentEntry>>;
}

export interface IgnoredWebhook {
  readonly messageId: string;
  readonly eventType?: string;
  readonly resourceType?: string;
  /** GOV.UK Pay's payment id (never the message's reference, which a payer may have typed). */
  readonly resourceId?: string;
  readonly reason: string;
  readonly at: string;
}

/** Notes of ignored webhooks are kept long enough to answer "did GOV.UK Pay tell us?" after its 2-day retries. */
const ignoredWebhookTtlSeconds = 90 * 24 * 60 * 60;

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
    async withOpenRefunds() {
      const { resources } = await payments.items
        .query<PaymentDoc>("SELECT * FROM c WHERE c.type = 'payment' AND c.openRefunds = true")
        .fetchAll();
      return resources;
    },
    async awaitingApproval(pageSize, continuation) {
      const page = await payments.items
        .query<PaymentDoc>(
          {
            query: "SELECT * FROM c WHERE c.type = 'payment' AND c.awaitingApproval = true ORDER BY c.updatedAt ASC",
          },
          { maxItemCount: pageSize, continuationToken: decodeToken(continuation) },
        )
        .fetchNext();
      return { items: page.resources, continuation: encodeToken(page.continuationToken) };
    },
    async byProviderIds(providerIds) {
      const found: PaymentDoc[] = [];
      // In slices, to keep each query well inside Cosmos DB's query size limit.
      for (let i = 0; i < providerIds.length; i += 500) {
        const { resources } = await payments.items
          .query<PaymentDoc>({
            query: "SELECT * FROM c WHERE c.type = 'payment' AND ARRAY_CONTAINS(@ids, c.providerId)",
            parameters: [{ name: '@ids', value: providerIds.slice(i, i + 500) }],
          })
          .fetchAll();
        found.push(...resources);
      }
      return found;
    },
    async recordIgnoredWebhook(note) {
      const id = `webhook:${note.messageId}`;
      await payments.items.upsert({ ...note, id, pk: id, type: 'ignored-webhook', ttl: ignoredWebhookTtlSeconds });
    },
    putMyEntry: (entry) => putEntry(residents, entry),
    listMine: (residentId, pageSize, continuation) =>
      listEntries<MyPaymentEntry>(residents, residentId, 'payment', pageSize, continuation),
  };
}

export function cosmosPayableItemStore(catalogue: Container): PayableItemStore {
  return {
    async item(code) {
      const { resource } = await catalogue.item(code, 'payable-item').read<Record<string, unknown>>();
      const parsed = resource ? payableItemSchema.safeParse(withoutStorageFields(resource)) : undefined;
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
        .map((r) => payableItemSchema.safeParse(withoutStorageFields(r)))
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
