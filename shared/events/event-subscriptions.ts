/**
 * Event Grid subscriptions from Blob Storage to functions: `infra/` creates them in
 * Azure, and the local host raises the same events by watching the containers.
 */
import { documentContainers } from '../data/blob-containers.js';

export interface BlobEventSubscription {
  readonly name: string;
  readonly functionName: string;
  readonly container: string;
  readonly eventTypes: readonly 'Microsoft.Storage.BlobCreated'[];
}

export const blobEventSubscriptions: readonly BlobEventSubscription[] = [
  {
    name: 'scan-upload',
    functionName: 'scan-upload',
    container: documentContainers.quarantine,
    eventTypes: ['Microsoft.Storage.BlobCreated'],
  },
];

/** The blob name an Event Grid Blob Storage event is about, if it is in `container`. */
export function blobNameOf(subject: unknown, container: string): string | undefined {
  const prefix = `/blobServices/default/containers/${container}/blobs/`;
  return typeof subject === 'string' && subject.startsWith(prefix) ? subject.slice(prefix.length) : undefined;
}
