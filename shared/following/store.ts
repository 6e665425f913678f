/**
 * Follow records in the `residents` container. A resident's own follows are a
 * single-partition read; a report's followers are read across partitions, by
 * the indexed `requestId`, only when that report changes (and counted when
 * someone asks to follow it): at a council's scale the container spans a few
 * physical partitions, so the fan-out is a few index lookups (decision 0830).
 */
import type { Container } from '@azure/cosmos';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import { decodeToken, encodeToken, type Page } from '../data/page-token.js';
import { followingId, type FollowingDoc } from './model.js';

export interface FollowingStore {
  get(residentId: string, requestId: string): Promise<FollowingDoc | undefined>;
  /** Creates the record; 'exists' when the resident already follows the report. */
  create(doc: FollowingDoc): Promise<FollowingDoc | 'exists'>;
  /** Removes the record; false when there was none. */
  delete(residentId: string, requestId: string): Promise<boolean>;
  listMine(residentId: string, pageSize: number, continuation?: string): Promise<Page<FollowingDoc>>;
  /** How many reports the resident follows, counted up to `upTo` (reads no more). */
  countMine(residentId: string, upTo: number): Promise<number>;
  /** The residents following a report, at most `limit`. */
  followers(requestId: string, limit: number): Promise<string[]>;
}

export function cosmosFollowingStore(residents: Container): FollowingStore {
  // Counting by reading at most `limit` ids keeps each count bounded, with no aggregate query.
  const ids = async (where: string, value: { name: string; value: string }, limit: number, partitionKey?: string) => {
    const { resources } = await residents.items
      .query<string>(
        {
          query: `SELECT TOP @n VALUE c.${partitionKey === undefined ? 'residentId' : 'requestId'} FROM c WHERE c.kind = @kind AND ${where}`,
          parameters: [{ name: '@n', value: Math.trunc(limit) }, { name: '@kind', value: 'following' }, value],
        },
        partitionKey === undefined ? { maxItemCount: limit } : { partitionKey, maxItemCount: limit },
      )
      .fetchAll();
    return resources;
  };
  return {
    async get(residentId, requestId) {
      try {
        const { resource } = await residents.item(followingId(requestId), residentId).read<FollowingDoc>();
        return resource?.kind === 'following' ? resource : undefined;
      } catch (error) {
        if (isCosmosStatus(error, 404)) return undefined;
        throw error;
      }
    },
    async create(doc) {
      try {
        const { resource } = await residents.items.create(doc);
        return resource ?? doc;
      } catch (error) {
        if (isCosmosStatus(error, 409)) return 'exists';
        throw error;
      }
    },
    async delete(residentId, requestId) {
      try {
        await residents.item(followingId(requestId), residentId).delete();
        return true;
      } catch (error) {
        if (isCosmosStatus(error, 404)) return false;
        throw error;
      }
    },
    async listMine(residentId, pageSize, continuation) {
      const page = await residents.items
        .query<FollowingDoc>(
          {
            query: 'SELECT * FROM c WHERE c.residentId = @r AND c.kind = @kind ORDER BY c.at DESC',
            parameters: [
              { name: '@r', value: residentId },
              { name: '@kind', value: 'following' },
            ],
          },
          { partitionKey: residentId, maxItemCount: pageSize, continuationToken: decodeToken(continuation) },
        )
        .fetchNext();
      return { items: page.resources, continuation: encodeToken(page.continuationToken) };
    },
    countMine: async (residentId, upTo) =>
      (await ids('c.residentId = @r', { name: '@r', value: residentId }, upTo, residentId)).length,
    followers: (requestId, limit) => ids('c.requestId = @id', { name: '@id', value: requestId }, limit),
  };
}
