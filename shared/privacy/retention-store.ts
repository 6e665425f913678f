/**
 * The retention timer's reach into Cosmos DB and Blob Storage (see retention-sweep.ts).
 * Queries across partitions find what is due; each change then re-reads its record,
 * checks the rule again and writes with If-Match, so the sweep never acts on a stale
 * answer. The local Cosmos server ignores the `partitionKey` option, so every query
 * that means one resident's partition also filters by resident.
 */
import type { Container, SqlQuerySpec } from '@azure/cosmos';
import type { BlobServiceClient } from '@azure/storage-blob';
import { documentContainers } from '../data/blob-containers.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import { retryWhileStale, stale } from '../data/retry-stale.js';
import type { PaymentDoc } from '../payments/model.js';
import type { ProfileDoc } from '../residents/profile.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { isOnLegalHold, type LegalHold } from '../uploads/legal-hold.js';
import type { DocumentDoc } from '../uploads/model.js';
import { purposes } from '../uploads/policy.js';
import type { AccountActivity, QuietAccount, RetentionStores } from './retention-sweep.js';
import { deleteBlobEverywhere, deleteItem, type PrivacyContainers } from './store.js';

const closedStatuses =
  "('fixed', 'closed', 'duplicate', 'not-councils-responsibility', 'no-further-action', 'referred')";

/** The end of a UTC day named `YYYY-MM-DD`: seen that day counts as seen until its end. */
export const endOfDay = (day: string) => `${day}T23:59:59.999Z`;

async function query<T>(container: Container, spec: SqlQuerySpec, partitionKey?: string): Promise<T[]> {
  return (await container.items.query<T>(spec, partitionKey !== undefined ? { partitionKey } : {}).fetchAll())
    .resources;
}

async function read<T extends object>(container: Container, id: string, pk = id): Promise<T | undefined> {
  try {
    return (await container.item(id, pk).read<T & { id: string }>()).resource;
  } catch (error) {
    if (isCosmosStatus(error, 404)) return undefined;
    throw error;
  }
}

/** Every item of one partition (an entity and its outbox events, send state). */
async function deletePartition(container: Container, pk: string, last: string): Promise<void> {
  const items = await query<{ id: string }>(
    container,
    { query: 'SELECT c.id FROM c WHERE c.pk = @pk', parameters: [{ name: '@pk', value: pk }] },
    pk,
  );
  // The entity last, so a pass that dies midway finds it again and finishes.
  for (const { id } of items) if (id !== last) await deleteItem(container, id, pk);
  await deleteItem(container, last, pk);
}

/** A resident's My Account entries that point at one record. */
async function deleteEntries(residents: Container, residentId: string, field: string, id: string): Promise<void> {
  const entries = await query<{ id: string }>(
    residents,
    {
      query: `SELECT c.id FROM c WHERE c.residentId = @r AND c.${field} = @id`,
      parameters: [
        { name: '@r', value: residentId },
        { name: '@id', value: id },
      ],
    },
    residentId,
  );
  for (const e of entries) await deleteItem(residents, e.id, residentId);
}

export function cosmosRetentionStores(
  c: Pick<PrivacyContainers, 'residents' | 'requests' | 'payments' | 'documents'>,
  blobs: BlobServiceClient,
): RetentionStores {
  const documentsBlobs = blobs.getContainerClient(documentContainers.documents);
  const quarantineBlobs = blobs.getContainerClient(documentContainers.quarantine);
  const ids = async (container: Container, spec: SqlQuerySpec) => [
    ...new Set((await query<{ id: string }>(container, spec)).map((r) => r.id)),
  ];

  async function replaceIfMatch(
    container: Container,
    pk: string,
    doc: { readonly id: string; readonly _etag?: string },
    etag: string,
  ): Promise<boolean | typeof stale> {
    const { _etag: _old, ...body } = doc;
    try {
      await container.item(doc.id, pk).replace(body, { accessCondition: { type: 'IfMatch', condition: etag } });
      return true;
    } catch (error) {
      if (isCosmosStatus(error, 412)) return stale;
      if (isCosmosStatus(error, 404)) return false;
      throw error;
    }
  }

  return {
    requestsToRedact: (before, max) =>
      ids(c.requests, {
        query: `SELECT TOP ${Math.trunc(max)} c.id FROM c WHERE c.type = 'request' AND c.status IN ${closedStatuses} AND c.updatedAt < @before AND NOT IS_DEFINED(c.redactedAt)`,
        parameters: [{ name: '@before', value: before }],
      }),
    requestsToDelete: (before, max) =>
      ids(c.requests, {
        query: `SELECT TOP ${Math.trunc(max)} c.id FROM c WHERE c.type = 'request' AND c.status IN ${closedStatuses} AND c.updatedAt < @before`,
        parameters: [{ name: '@before', value: before }],
      }),
    async redactRequest(id, change) {
      let owner: string | undefined;
      const done = await retryWhileStale(
        5,
        async () => {
          const doc = await read<ServiceRequestDoc>(c.requests, id);
          if (doc?.type !== 'request') return false;
          const next = change(doc);
          if (!next) return false;
          owner = doc.residentId;
          return replaceIfMatch(c.requests, id, next, doc._etag ?? '');
        },
        () => new Error('request kept changing during redaction'),
      );
      // The reporter's My Account no longer lists a report that is no longer theirs.
      if (done && owner) await deleteEntries(c.residents, owner, 'requestId', id);
      return done;
    },
    async deleteRequest(id, due) {
      const doc = await read<ServiceRequestDoc>(c.requests, id);
      if (doc?.type !== 'request' || !due(doc)) return false;
      await deleteEntries(c.residents, doc.residentId, 'requestId', id);
      const pointers = await query<{ id: string; pk: string }>(c.requests, {
        query: "SELECT c.id, c.pk FROM c WHERE c.type = 'partner-ref' AND c.requestId = @id",
        parameters: [{ name: '@id', value: id }],
      });
      for (const p of pointers) await deleteItem(c.requests, p.id, p.pk);
      await deletePartition(c.requests, id, id);
      return true;
    },
    documentsDue: (before, max) =>
      ids(c.documents, {
        query: `SELECT TOP ${Math.trunc(max)} c.id FROM c WHERE c.type = 'document' AND (${purposes
          .map((p) => `(c.purpose = '${p}' AND c.createdAt < @${p})`)
          .join(' OR ')})`,
        parameters: purposes.map((p) => ({ name: `@${p}`, value: before[p] })),
      }),
    async deleteDocument(id, before) {
      const doc = await read<DocumentDoc & { legalHold?: LegalHold }>(c.documents, id);
      if (doc?.type !== 'document' || doc.createdAt >= before[doc.purpose]) return 'not-due';
      if (isOnLegalHold(doc)) return 'held';
      if (doc.blobName) await deleteBlobEverywhere(documentsBlobs, doc.blobName);
      await deleteBlobEverywhere(quarantineBlobs, doc.quarantineBlob);
      await deleteEntries(c.residents, doc.ownerId, 'documentId', id);
      // A hold set while the files went would come too late for them; it is checked once more for the record.
      const again = await read<DocumentDoc & { legalHold?: LegalHold }>(c.documents, id);
      if (again && isOnLegalHold(again)) return 'held';
      await deletePartition(c.documents, id, id);
      return 'deleted';
    },
    paymentsDue: (before, max) =>
      ids(c.payments, {
        query: `SELECT TOP ${Math.trunc(max)} c.id FROM c WHERE c.type = 'payment' AND c.updatedAt < @before`,
        parameters: [{ name: '@before', value: before }],
      }),
    async deletePayment(id, due) {
      const doc = await read<PaymentDoc>(c.payments, id);
      if (doc?.type !== 'payment' || !due(doc)) return false;
      await deleteEntries(c.residents, doc.ownerId, 'paymentId', id);
      await deletePartition(c.payments, id, id);
      return true;
    },
    async quietAccounts(before, max) {
      // Every profile unchanged since `before` is a candidate (last-seen is a separate item, so a resident who
      // signs in but never edits their profile is one too, read and passed over): one cheap query a day.
      const quietProfiles = (
        await query<{ residentId: string }>(c.residents, {
          query: "SELECT c.residentId FROM c WHERE c.kind = 'profile' AND c.updatedAt < @before",
          parameters: [{ name: '@before', value: before }],
        })
      ).map((r) => r.residentId);
      const quiet: QuietAccount[] = [];
      for (const residentId of quietProfiles) {
        if (quiet.length >= max) break;
        const profile = await read<ProfileDoc>(c.residents, 'profile', residentId);
        if (!profile) continue;
        const activity = await read<AccountActivity>(c.residents, 'activity', residentId);
        const seen = activity?.lastSeenOn ? endOfDay(activity.lastSeenOn) : '';
        const lastSeen = [profile.updatedAt, seen].sort().at(-1) ?? profile.updatedAt;
        if (lastSeen >= before) continue;
        quiet.push({
          residentId,
          lastSeen,
          ...(activity?.warnedAt ? { warnedAt: activity.warnedAt } : {}),
          ...(activity?.closesOn ? { closesOn: activity.closesOn } : {}),
        });
      }
      return quiet;
    },
    async markWarned(residentId, at, closesOn, seenBefore) {
      return retryWhileStale(
        5,
        async () => {
          const activity = await read<AccountActivity>(c.residents, 'activity', residentId);
          if (activity?.lastSeenOn && endOfDay(activity.lastSeenOn) >= seenBefore) return false;
          const next: AccountActivity = {
            ...(activity ?? { id: 'activity', residentId, kind: 'activity' }),
            warnedAt: at,
            closesOn,
          };
          if (!activity) {
            try {
              await c.residents.items.create(next);
              return true;
            } catch (error) {
              if (isCosmosStatus(error, 409)) return stale;
              throw error;
            }
          }
          return replaceIfMatch(c.residents, residentId, next, activity._etag ?? '');
        },
        () => new Error('account activity kept changing'),
      );
    },
  };
}
