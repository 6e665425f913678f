/**
 * What awaits a moderator (decision 1032): reports of public services whose
 * description or photos nobody has looked at, and updates written outside the council
 * that nobody has published or hidden. One page at a time from the requests' indexed
 * `awaitsModeration` flag, longest waiting first; the list carries no words anyone
 * wrote and nothing about the reporter, only what kind of thing waits.
 */
import type { Container } from '@azure/cosmos';
import type { CatalogueStore } from '../catalogue/catalogue.js';
import { decodeToken, encodeToken, type Page } from '../data/page-token.js';
import { forbidden } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { moderationDue } from '../service-requests/moderation-due.js';
import { isPublicService } from './public-view.js';

type QueuedRequest = Pick<
  ServiceRequestDoc,
  | 'id'
  | 'serviceCode'
  | 'serviceName'
  | 'status'
  | 'createdAt'
  | 'updatedAt'
  | 'description'
  | 'photos'
  | 'mediaUrls'
  | 'timeline'
  | 'moderation'
>;

export interface ModerationQueueStore {
  /** One page of requests flagged as awaiting a moderator, of services other than `excluded`. */
  page(excluded: readonly string[], pageSize: number, continuation?: string): Promise<Page<QueuedRequest>>;
}

export function cosmosModerationQueue(requests: Container): ModerationQueueStore {
  return {
    async page(excluded, pageSize, continuation) {
      const iterator = requests.items.query<QueuedRequest>(
        {
          query:
            'SELECT c.id, c.serviceCode, c.serviceName, c.status, c.createdAt, c.updatedAt, c.description, c.photos, ' +
            "c.mediaUrls, c.timeline, c.moderation FROM c WHERE c.type = 'request' AND c.awaitsModeration = true " +
            'AND NOT ARRAY_CONTAINS(@excluded, c.serviceCode) ORDER BY c.updatedAt ASC',
          parameters: [{ name: '@excluded', value: [...excluded] }],
        },
        { maxItemCount: pageSize, continuationToken: decodeToken(continuation) },
      );
      const page = await iterator.fetchNext();
      return { items: page.resources, continuation: encodeToken(page.continuationToken) };
    },
  };
}

export interface ModerationQueueItem {
  readonly id: string;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly status: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly description: boolean;
  readonly photos: boolean;
  readonly updates: number;
}

export async function moderationQueue(
  query: { pageSize: number; continuation?: string | undefined },
  principal: Principal,
  deps: { readonly moderationQueue: ModerationQueueStore; readonly catalogue: Pick<CatalogueStore, 'list'> },
): Promise<Page<ModerationQueueItem>> {
  if (!principal.roles.has('moderator')) throw forbidden('This needs the moderator role.');
  // Non-public services' reports are never shown publicly, so nothing of theirs needs a moderator.
  const services = await deps.catalogue.list();
  const excluded = services.filter((s) => !isPublicService(s)).map((s) => s.code);
  const shown = new Set(services.filter((s) => isPublicService(s)).map((s) => s.code));
  const page = await deps.moderationQueue.page(excluded, query.pageSize, query.continuation);
  const items = page.items.flatMap((r) => {
    // A service no longer in the catalogue is not public either (decision 1127).
    if (!shown.has(r.serviceCode)) return [];
    // The flag is written with the request; a write that bypassed the store (an erasure) may have left it behind.
    const due = moderationDue(r);
    if (!due.description && !due.photos && due.updates.length === 0) return [];
    return [
      {
        id: r.id,
        serviceCode: r.serviceCode,
        serviceName: r.serviceName,
        status: r.status,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        description: due.description,
        photos: due.photos,
        updates: due.updates.length,
      },
    ];
  });
  return { items, ...(page.continuation ? { continuation: page.continuation } : {}) };
}
