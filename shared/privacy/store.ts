/**
 * The erasure job's reach into every store: jobs in `privacy` (pk = job id); the
 * resident's partition of `residents`; their requests, payments and documents
 * (each its own partition, with its outbox entries); idempotency records; and the
 * documents account's blobs with every version and snapshot. The `resident.erased`
 * event goes out through the requests container's outbox, so the existing
 * publisher delivers it.
 */
import type { Container, SqlQuerySpec } from '@azure/cosmos';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { documentContainers } from '../data/blob-containers.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import { retryWhileStale, stale } from '../data/retry-stale.js';
import type { OutboxDoc } from '../events/cloud-event.js';
import { residentErasedType, type ResidentErasedEvent } from './erased-event.js';
import type { PaymentDoc } from '../payments/model.js';
import type { ProfileDoc } from '../residents/profile.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { isOnLegalHold } from '../uploads/legal-hold.js';
import type { DocumentDoc } from '../uploads/model.js';
import type { ErasureFound, ErasureJob, ErasureStores, ErasureSubject } from './erasure.js';
import type { ExportJob, ExportStores } from './export.js';
import { azureUploadBlobs } from '../uploads/blob-store.js';
import type { AccountActivity } from './retention-sweep.js';

export interface PrivacyContainers {
  readonly privacy: Container;
  readonly residents: Container;
  readonly requests: Container;
  readonly payments: Container;
  readonly documents: Container;
  readonly idempotency: Container;
}

async function ids(container: Container, query: SqlQuerySpec, partitionKey?: string): Promise<string[]> {
  const { resources } = await container.items
    .query<{ id: string }>(query, partitionKey !== undefined ? { partitionKey } : {})
    .fetchAll();
  return [...new Set(resources.map((r) => r.id))];
}

/** Deletes one item: 1 if it was there, 0 if it was already gone (a rerun after a partial pass). */
export async function deleteItem(container: Container, id: string, pk: string): Promise<number> {
  try {
    await container.item(id, pk).delete();
    return 1;
  } catch (error) {
    if (isCosmosStatus(error, 404)) return 0;
    throw error;
  }
}

/** Sent outbox entries of one partition: they may carry what the entity held, and have done their job. */
async function deleteSentEvents(container: Container, pk: string): Promise<number> {
  const sent = await ids(
    container,
    {
      query: "SELECT c.id FROM c WHERE c.pk = @pk AND c.type = 'outbox' AND c.state = 'sent'",
      parameters: [{ name: '@pk', value: pk }],
    },
    pk,
  );
  let n = 0;
  for (const id of sent) n += await deleteItem(container, id, pk);
  return n;
}

/** Replaces a privacy job if its ETag is still `ifMatch`; 'stale' if someone wrote first. */
async function replaceJob<T extends { readonly id: string; readonly pk: string; readonly _etag?: string }>(
  privacy: Container,
  job: T,
  ifMatch: string,
): Promise<T | 'stale'> {
  const { _etag: _old, ...body } = job;
  try {
    const { resource } = await privacy
      .item(job.id, job.pk)
      .replace(body, { accessCondition: { type: 'IfMatch', condition: ifMatch } });
    return (resource as T | undefined) ?? job;
  } catch (error) {
    if (isCosmosStatus(error, 412)) return 'stale';
    throw error;
  }
}

/**
 * Rewrites one entity (its id is its partition) as `change` decides, under If-Match;
 * a concurrent write means read and decide again. 1 if it was rewritten, 0 if it is
 * gone, not of this kind, or `change` left it as it was.
 */
async function rewriteWhileStale<T extends { readonly type: string; readonly _etag?: string | undefined }>(
  container: Container,
  id: string,
  kind: T['type'],
  change: (doc: T) => T | undefined,
): Promise<number> {
  return retryWhileStale(
    5,
    async () => {
      const doc: T | undefined = (await container.item(id, id).read<T>()).resource;
      if (doc?.type !== kind) return 0;
      const next = change(doc);
      if (!next) return 0;
      const { _etag, ...body } = next;
      try {
        await container
          .item(id, id)
          .replace(body, { accessCondition: { type: 'IfMatch', condition: doc._etag ?? '' } });
        return 1;
      } catch (error) {
        if (isCosmosStatus(error, 412)) return stale;
        throw error;
      }
    },
    () => new Error(`${kind} kept changing during erasure`),
  );
}

/**
 * The blob and its snapshots. Its previous versions (Azure keeps one when a blob is
 * deleted) go by the lifecycle rule `previousVersionDeleteAfterDays`, and soft-deleted
 * copies by the account's delete retention: deleting versions needs a permission the
 * app is not given (decision 0930). Azurite emulates neither.
 */
export async function deleteBlobEverywhere(container: ContainerClient, name: string): Promise<number> {
  const current = await container.getBlobClient(name).deleteIfExists({ deleteSnapshots: 'include' });
  return current.succeeded ? 1 : 0;
}

export function cosmosErasureStores(c: PrivacyContainers, blobs: BlobServiceClient): ErasureStores {
  const documentsBlobs = blobs.getContainerClient(documentContainers.documents);
  const quarantineBlobs = blobs.getContainerClient(documentContainers.quarantine);
  const read = async <T extends object>(container: Container, id: string, pk = id): Promise<T | undefined> =>
    (await container.item(id, pk).read<T & { id: string }>()).resource;

  return {
    getJob: (id) => read<ErasureJob>(c.privacy, id).then((j) => (j?.type === 'erasure' ? j : undefined)),
    async createJob(job) {
      try {
        const { resource } = await c.privacy.items.create(job);
        return resource ?? job;
      } catch (error) {
        if (isCosmosStatus(error, 409)) return 'exists';
        throw error;
      }
    },
    replaceJob: (job, ifMatch) => replaceJob(c.privacy, job, ifMatch),
    dueJobs: (now, max) =>
      ids(c.privacy, {
        query: `SELECT TOP ${Math.trunc(max)} c.id FROM c WHERE c.type = 'erasure' AND c.state = 'running' AND (IS_NULL(c.leaseUntil) OR c.leaseUntil < @now)`,
        parameters: [{ name: '@now', value: now }],
      }),
    async subjectOf(residentId) {
      const profile = await read<ProfileDoc>(c.residents, 'profile', residentId);
      const contact = profile?.contact ?? {};
      return {
        residentId,
        ...(contact.name ? { name: contact.name } : {}),
        ...(contact.email ? { email: contact.email } : {}),
        ...(contact.phone ? { phone: contact.phone } : {}),
      };
    },
    async find(subject: ErasureSubject, byContacts: boolean): Promise<ErasureFound> {
      const r = [{ name: '@r', value: subject.residentId }];
      const entries = await c.residents.items
        .query<{ requestId?: string; paymentId?: string; documentId?: string }>(
          // The partition key scopes the query in Azure; the filter says the same everywhere (the local server ignores it).
          { query: 'SELECT c.requestId, c.paymentId, c.documentId FROM c WHERE c.residentId = @r', parameters: r },
          { partitionKey: subject.residentId },
        )
        .fetchAll();
      const contacts: string[] = [];
      const parameters = [...r];
      if (byContacts && subject.email) {
        contacts.push('LOWER(c.reporter.email) = @email');
        parameters.push({ name: '@email', value: subject.email.toLowerCase() });
      }
      if (byContacts && subject.phone) {
        contacts.push('c.reporter.phone = @phone');
        parameters.push({ name: '@phone', value: subject.phone });
      }
      const requestIds = await ids(c.requests, {
        query: `SELECT c.id FROM c WHERE c.type = 'request' AND (c.residentId = @r${contacts.map((x) => ` OR ${x}`).join('')})`,
        parameters,
      });
      const paymentIds = await ids(c.payments, {
        query: "SELECT c.id FROM c WHERE c.type = 'payment' AND c.ownerId = @r",
        parameters: r,
      });
      const documentIds = await ids(c.documents, {
        query: "SELECT c.id FROM c WHERE c.type = 'document' AND c.ownerId = @r",
        parameters: r,
      });
      const own = entries.resources;
      // Entries in My Account name the same things; a union covers a half-written projection.
      const union = (a: string[], b: (string | undefined)[]) => [
        ...new Set([...a, ...b.filter((x): x is string => !!x)]),
      ];
      return {
        requestIds: union(
          requestIds,
          own.map((e) => e.requestId),
        ),
        paymentIds: union(
          paymentIds,
          own.map((e) => e.paymentId),
        ),
        documentIds: union(
          documentIds,
          own.map((e) => e.documentId),
        ),
      };
    },
    async eraseDocument(id, residentId) {
      const doc = await read<DocumentDoc>(c.documents, id);
      // Only ever the subject's own: an id that reached the list by mistake deletes nothing of anyone else's.
      if (doc?.type === 'document' && doc.ownerId !== residentId) return 0;
      // Held by the records system (a legal case): kept whole, file and record, until the hold is released.
      if (doc?.type === 'document' && isOnLegalHold(doc)) return 'held';
      let n = 0;
      if (doc?.type === 'document') {
        if (doc.blobName) n += await deleteBlobEverywhere(documentsBlobs, doc.blobName);
        n += await deleteBlobEverywhere(quarantineBlobs, doc.quarantineBlob);
      }
      const all = await ids(
        c.documents,
        { query: 'SELECT c.id FROM c WHERE c.pk = @pk', parameters: [{ name: '@pk', value: id }] },
        id,
      );
      // The document last, so a crash midway finds it again and finishes.
      for (const other of all.filter((x) => x !== id)) n += await deleteItem(c.documents, other, id);
      return n + (await deleteItem(c.documents, id, id));
    },
    async updateRequest(id, change) {
      const n = await rewriteWhileStale<ServiceRequestDoc>(c.requests, id, 'request', change);
      return n + (await deleteSentEvents(c.requests, id));
    },
    async updatePayment(id, change) {
      const n = await rewriteWhileStale<PaymentDoc>(c.payments, id, 'payment', change);
      return n + (await deleteSentEvents(c.payments, id));
    },
    async deleteIdempotency(resourceIds) {
      if (resourceIds.length === 0) return 0;
      const { resources } = await c.idempotency.items
        .query<{ id: string; pk: string }>({
          query: 'SELECT c.id, c.pk FROM c WHERE ARRAY_CONTAINS(@ids, c.resourceId)',
          parameters: [{ name: '@ids', value: [...resourceIds] }],
        })
        .fetchAll();
      let n = 0;
      for (const r of resources) n += await deleteItem(c.idempotency, r.id, r.pk);
      return n;
    },
    async deleteResidentPartition(residentId) {
      const all = await ids(
        c.residents,
        { query: 'SELECT c.id FROM c WHERE c.residentId = @r', parameters: [{ name: '@r', value: residentId }] },
        residentId,
      );
      let n = 0;
      for (const id of all) n += await deleteItem(c.residents, id, residentId);
      return n;
    },
    async deleteExports(residentId) {
      const { resources } = await c.privacy.items
        .query<{ id: string; blobName?: string }>({
          query: "SELECT c.id, c.blobName FROM c WHERE c.type = 'export' AND c.residentId = @r",
          parameters: [{ name: '@r', value: residentId }],
        })
        .fetchAll();
      const exportsBlobs = blobs.getContainerClient(documentContainers.exports);
      let n = 0;
      for (const job of resources) {
        if (job.blobName) n += await deleteBlobEverywhere(exportsBlobs, job.blobName);
        n += await deleteItem(c.privacy, job.id, job.id);
      }
      return n;
    },
    async announce(jobId, data, now) {
      // One event per job (its id derives from the job's), in a partition of its own.
      const id = `resident-erased-${jobId.slice('erasure:'.length, 'erasure:'.length + 40)}`;
      const pk = `erasure-event:${id}`;
      const existing = await read<Omit<OutboxDoc, 'state'> & { state: string }>(c.requests, id, pk);
      if (existing?.state === 'sent') {
        await deleteItem(c.requests, id, pk);
        return 'sent';
      }
      if (existing) return 'pending';
      const cloudEvent: ResidentErasedEvent = {
        specversion: '1.0',
        id,
        source: '/doorstep/residents',
        type: residentErasedType,
        subject: data.residentId,
        time: now.toISOString(),
        datacontenttype: 'application/json',
        data: { residentId: data.residentId, requestIds: [...data.requestIds] },
      };
      const event: OutboxDoc = {
        id,
        pk,
        type: 'outbox',
        state: 'pending',
        event: cloudEvent,
        routing: { eventFamily: 'resident' },
        createdAt: now.toISOString(),
      };
      try {
        await c.requests.items.create(event);
      } catch (error) {
        if (!isCosmosStatus(error, 409)) throw error;
      }
      return 'pending';
    },
  };
}

const ownFields = <T extends object>(doc: T, keys: readonly (keyof T)[]): Record<string, unknown> =>
  Object.fromEntries(keys.filter((k) => doc[k] !== undefined).map((k) => [k, doc[k]]));

/** The export job's stores: jobs in `privacy`, reads of the resident's own records, the archive in `exports`. */
export function cosmosExportStores(
  c: Omit<PrivacyContainers, 'idempotency'>,
  blobs: BlobServiceClient,
  signing: 'user-delegation' | 'account-key',
): ExportStores {
  const archives = azureUploadBlobs(blobs, signing, {
    quarantine: documentContainers.quarantine,
    documents: documentContainers.exports,
  });
  const documentsBlobs = blobs.getContainerClient(documentContainers.documents);
  const query = async <T>(container: Container, spec: SqlQuerySpec, partitionKey?: string) =>
    (await container.items.query<T>(spec, partitionKey !== undefined ? { partitionKey } : {}).fetchAll()).resources;
  const r = (residentId: string) => [{ name: '@r', value: residentId }];
  return {
    async getJob(id) {
      const { resource } = await c.privacy.item(id, id).read<ExportJob>();
      return resource?.type === 'export' ? resource : undefined;
    },
    async createJob(job) {
      const { resource } = await c.privacy.items.create(job);
      return resource ?? job;
    },
    replaceJob: (job, ifMatch) => replaceJob(c.privacy, job, ifMatch),
    dueJobs: (now, max) =>
      ids(c.privacy, {
        query: `SELECT TOP ${Math.trunc(max)} c.id FROM c WHERE c.type = 'export' AND c.state = 'gathering' AND (IS_NULL(c.leaseUntil) OR c.leaseUntil < @now)`,
        parameters: [{ name: '@now', value: now }],
      }),
    expiredJobs: (now, max) =>
      ids(c.privacy, {
        query: `SELECT TOP ${Math.trunc(max)} c.id FROM c WHERE c.type = 'export' AND c.state = 'ready' AND c.expiresAt < @now`,
        parameters: [{ name: '@now', value: now }],
      }),
    untoldJobs: (now, max) =>
      ids(c.privacy, {
        query: `SELECT TOP ${Math.trunc(max)} c.id FROM c WHERE c.type = 'export' AND c.state = 'ready' AND NOT IS_DEFINED(c.told) AND c.expiresAt > @now`,
        parameters: [{ name: '@now', value: now }],
      }),
    async gather(residentId) {
      const own = await query<Record<string, unknown> & { kind?: string; requestId?: string; at?: string }>(
        c.residents,
        { query: 'SELECT * FROM c WHERE c.residentId = @r', parameters: r(residentId) },
        residentId,
      );
      const profile = own.find((e) => e.kind === 'profile');
      const activity = own.find((e) => e.kind === 'activity');
      const requests = await query<ServiceRequestDoc>(c.requests, {
        query: "SELECT * FROM c WHERE c.type = 'request' AND c.residentId = @r",
        parameters: r(residentId),
      });
      const following = [];
      // A followed report is someone else's: only what the public may see of it.
      for (const f of own.filter((e) => e.kind === 'following' && typeof e.requestId === 'string')) {
        const id = f.requestId ?? '';
        const doc = (await c.requests.item(id, id).read<ServiceRequestDoc>()).resource;
        following.push({
          requestId: id,
          followedAt: f.at,
          ...(doc?.type === 'request' ? ownFields(doc, ['serviceName', 'status', 'updatedAt']) : {}),
        });
      }
      const payments = await query<PaymentDoc>(c.payments, {
        query: "SELECT * FROM c WHERE c.type = 'payment' AND c.ownerId = @r",
        parameters: r(residentId),
      });
      const documents = await query<DocumentDoc>(c.documents, {
        query: "SELECT * FROM c WHERE c.type = 'document' AND c.ownerId = @r",
        parameters: r(residentId),
      });
      const files = [];
      for (const d of documents) {
        if (d.status !== 'available' || !d.blobName) continue;
        const bytes = await documentsBlobs
          .getBlobClient(d.blobName)
          .downloadToBuffer()
          .catch(() => undefined);
        if (bytes) files.push({ documentId: d.id, fileName: d.fileName, bytes });
      }
      return {
        profile: profile
          ? ownFields(profile as unknown as ProfileDoc, ['contact', 'preferences', 'createdAt', 'updatedAt'])
          : null,
        requests: requests.map((q) =>
          ownFields(q, [
            'id',
            'serviceCode',
            'serviceName',
            'status',
            'description',
            'attributes',
            'location',
            'photos',
            'timeline',
            'createdAt',
            'updatedAt',
          ]),
        ),
        ...(activity
          ? { activity: ownFields(activity as unknown as AccountActivity, ['lastSeenOn', 'warnedAt', 'closesOn']) }
          : {}),
        following,
        payments: payments.map((p) => ({
          ...ownFields(p, ['id', 'itemCode', 'description', 'amount', 'status', 'noticeReference', 'createdAt']),
          refunds: p.refunds.map((f) => ({ amount: f.amount, status: f.status, at: f.at })),
        })),
        documents: documents.map((d) => ({
          id: d.id,
          ...ownFields(d, ['purpose', 'fileName', 'status', 'rejection', 'size', 'createdAt']),
        })),
        files,
      };
    },
    putArchive: (blobName, bytes) => archives.putDocument(blobName, bytes, 'application/zip', 'doorstep-export.zip'),
    async deleteArchive(blobName) {
      await blobs
        .getContainerClient(documentContainers.exports)
        .getBlobClient(blobName)
        .deleteIfExists({ deleteSnapshots: 'include' });
    },
    archiveUrl: (blobName, expiresOn) => archives.downloadUrl(blobName, 'doorstep-export.zip', expiresOn),
  };
}
