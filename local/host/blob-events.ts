/**
 * The blob watcher: Event Grid's BlobCreated, raised locally for the containers its
 * subscriptions cover (`shared/events/event-subscriptions.ts`).
 */
import { randomUUID } from 'node:crypto';
import type { BlobEventSubscription } from '../../shared/events/event-subscriptions.js';
import { startPoller } from '../poller.js';
import type { InvocationOutcome } from './registry.js';

/**
 * Raises Microsoft.Storage.BlobCreated events for new blobs in a container (the
 * emulator's account), with Event Grid's delivery semantics: retried with back-off
 * while the function fails, up to 30 attempts.
 */
export async function startBlobEvents(
  subscription: BlobEventSubscription,
  deliver: (event: Record<string, unknown>) => Promise<InvocationOutcome>,
  log: (line: string) => void,
): Promise<() => Promise<void>> {
  const connectionString = process.env.Storage;
  if (!connectionString) {
    log(`[host] ${subscription.functionName}: no Storage connection string; blob events are not raised locally`);
    return () => Promise.resolve();
  }
  const { BlobServiceClient } = await import('@azure/storage-blob');
  const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(subscription.container);
  const delivered = new Map<string, string>();
  const retries = new Map<string, { attempts: number; next: number }>();
  const poll = async () => {
    const present = new Set<string>();
    for await (const blob of container.listBlobsFlat()) {
      present.add(blob.name);
      const etag = blob.properties.etag;
      if (delivered.get(blob.name) === etag) continue;
      const retry = retries.get(blob.name);
      if (retry && retry.next > Date.now()) continue;
      const event = {
        id: randomUUID(),
        topic: '/subscriptions/local/resourceGroups/local/providers/Microsoft.Storage/storageAccounts/devstoreaccount1',
        subject: `/blobServices/default/containers/${subscription.container}/blobs/${blob.name}`,
        eventType: 'Microsoft.Storage.BlobCreated',
        eventTime: new Date().toISOString(),
        dataVersion: '',
        metadataVersion: '1',
        data: {
          api: 'PutBlob',
          contentType: blob.properties.contentType,
          contentLength: blob.properties.contentLength,
          blobType: 'BlockBlob',
          eTag: etag,
          url: container.getBlobClient(blob.name).url,
        },
      };
      try {
        await deliver(event);
        delivered.set(blob.name, etag);
        retries.delete(blob.name);
      } catch (error) {
        const attempts = (retry?.attempts ?? 0) + 1;
        log(
          `[host] ${subscription.functionName}: delivery ${attempts} of blob-created failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        if (attempts >= 30) {
          delivered.set(blob.name, etag);
          retries.delete(blob.name);
        } else retries.set(blob.name, { attempts, next: Date.now() + Math.min(60_000, 250 * 2 ** attempts) });
      }
    }
    for (const name of delivered.keys()) if (!present.has(name)) delivered.delete(name);
  };
  return startPoller(200, poll, () => undefined);
}
