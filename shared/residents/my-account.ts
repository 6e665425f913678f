/**
 * My Account entries: one per request, payment or document, in the resident's
 * own partition of the `residents` container, so "mine" is one single-partition
 * query, newest first, paged with opaque continuation tokens.
 */
import type { Container } from '@azure/cosmos';
import { decodeToken, encodeToken, type Page } from '../data/page-token.js';

export interface MyAccountEntry {
  readonly id: string;
  readonly residentId: string;
  readonly kind: 'request' | 'document' | 'payment';
  readonly at: string;
}

export async function putEntry(residents: Container, entry: MyAccountEntry): Promise<void> {
  await residents.items.upsert(entry);
}

export async function listEntries<T extends MyAccountEntry>(
  residents: Container,
  residentId: string,
  kind: MyAccountEntry['kind'],
  pageSize: number,
  continuation?: string,
): Promise<Page<T>> {
  const iterator = residents.items.query<T>(
    {
      query: 'SELECT * FROM c WHERE c.residentId = @r AND c.kind = @kind ORDER BY c.at DESC',
      parameters: [
        { name: '@r', value: residentId },
        { name: '@kind', value: kind },
      ],
    },
    { partitionKey: residentId, maxItemCount: pageSize, continuationToken: decodeToken(continuation) },
  );
  const page = await iterator.fetchNext();
  return { items: page.resources, continuation: encodeToken(page.continuationToken) };
}
