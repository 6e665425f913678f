/**
 * Where service requests live in Cosmos DB (see README "Decisions" for the RU):
 * - the request and its outbox events: `requests`, pk = request id (point reads,
 *   one transactional batch per change);
 * - the owner's My Account entry: `residents`, pk = resident (single-partition list);
 * - the nearby pin of an open request: `requests`, pk = grid cell.
 */
import type { Container, SqlParameter } from '@azure/cosmos';
import { createWithEvents, replaceWithEvents } from '../data/outbox-batch.js';
import { decodeToken, encodeToken, type Page } from '../data/page-token.js';
import { listEntries, putEntry } from '../residents/my-account.js';
import type { DispatchDoc } from '../dispatch/model.js';
import type { OutboxDoc } from '../events/cloud-event.js';
import type { MyRequestEntry, NearbyPin, ServiceRequestDoc } from './model.js';
import type { Status } from './status.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import { withModerationFlag } from './moderation-due.js';

export type { Page };

export interface StaffFilters {
  readonly status?: Status;
  readonly statuses?: readonly Status[];
  readonly serviceCode?: string;
  readonly from?: string;
  readonly to?: string;
  readonly bbox?: readonly [number, number, number, number];
  readonly assignedTo?: string;
  readonly ward?: string;
  /** Made before this instant (the queue's age filter). */
  readonly createdBefore?: string;
  /**
   * Overdue (`is: true`) or not: open and past its stored deadline, `expectedAt`
   * (the rule of shared/service-requests/overdue.ts as one range clause).
   */
  readonly overdue?: { readonly is: boolean; readonly open: readonly Status[]; readonly now: string };
}

export interface RequestStore {
  /** Creates the request with its events and dispatch; 'exists' if a request with that id is already stored. */
  create(
    doc: ServiceRequestDoc,
    events: readonly OutboxDoc[],
    dispatch?: DispatchDoc,
  ): Promise<ServiceRequestDoc | 'exists'>;
  get(id: string): Promise<ServiceRequestDoc | undefined>;
  /** Replaces the request if its ETag is still `ifMatch`, with its events; 'stale' otherwise. */
  replace(doc: ServiceRequestDoc, ifMatch: string, events: readonly OutboxDoc[]): Promise<ServiceRequestDoc | 'stale'>;
  putMyEntry(entry: MyRequestEntry): Promise<void>;
  listMine(residentId: string, pageSize: number, continuation?: string): Promise<Page<MyRequestEntry>>;
  putPin(pin: NearbyPin): Promise<void>;
  deletePin(cell: string, requestId: string): Promise<void>;
  /** Pins in each cell, at most `perCell` from each (one single-partition query per cell). */
  pins(cells: readonly string[], serviceCode: string | undefined, perCell: number): Promise<NearbyPin[]>;
  staffList(filters: StaffFilters, pageSize: number, continuation?: string): Promise<Page<ServiceRequestDoc>>;
  /** How many requests match (an aggregate query; for the queue's counts per service). */
  staffCount(filters: StaffFilters): Promise<number>;
}

/** The WHERE clause of the staff queries: every value a parameter, never spliced in. */
function staffWhere(filters: StaffFilters): { where: string; parameters: SqlParameter[] } {
  const where = ["c.type = 'request'"];
  const parameters: SqlParameter[] = [];
  const add = (clause: string, name: string, value: SqlParameter['value']) => {
    where.push(clause);
    parameters.push({ name, value });
  };
  if (filters.status) add('c.status = @status', '@status', filters.status);
  if (filters.statuses) add('ARRAY_CONTAINS(@statuses, c.status)', '@statuses', [...filters.statuses]);
  if (filters.serviceCode) add('c.serviceCode = @service', '@service', filters.serviceCode);
  if (filters.from) add('c.createdAt >= @from', '@from', filters.from);
  if (filters.to) add('c.createdAt <= @to', '@to', filters.to);
  if (filters.createdBefore) add('c.createdAt < @createdBefore', '@createdBefore', filters.createdBefore);
  if (filters.assignedTo) add('c.assignedTo = @assignedTo', '@assignedTo', filters.assignedTo);
  if (filters.ward) add('c.ward = @ward', '@ward', filters.ward);
  if (filters.bbox) {
    const [minLong, minLat, maxLong, maxLat] = filters.bbox;
    add('c.location.long >= @minLong', '@minLong', minLong);
    add('c.location.long <= @maxLong', '@maxLong', maxLong);
    add('c.location.lat >= @minLat', '@minLat', minLat);
    add('c.location.lat <= @maxLat', '@maxLat', maxLat);
  }
  if (filters.overdue) {
    parameters.push(
      { name: '@overdueOpen', value: [...filters.overdue.open] },
      { name: '@now', value: filters.overdue.now },
    );
    // Flat clauses: an undefined deadline compares as undefined, which NOT would not turn into true.
    where.push(
      filters.overdue.is
        ? 'ARRAY_CONTAINS(@overdueOpen, c.status) AND IS_DEFINED(c.expectedAt) AND c.expectedAt < @now'
        : '(NOT ARRAY_CONTAINS(@overdueOpen, c.status) OR NOT IS_DEFINED(c.expectedAt) OR c.expectedAt >= @now)',
    );
  }
  return { where: where.join(' AND '), parameters };
}

export function cosmosRequestStore(requests: Container, residents: Container): RequestStore {
  return {
    create: (doc, events, dispatch) =>
      createWithEvents(requests, withModerationFlag(doc), dispatch ? [...events, dispatch] : events),
    async get(id) {
      const { resource } = await requests.item(id, id).read<ServiceRequestDoc>();
      return resource?.type === 'request' ? resource : undefined;
    },
    replace: (doc, ifMatch, events) => replaceWithEvents(requests, withModerationFlag(doc), ifMatch, events),
    putMyEntry: (entry) => putEntry(residents, entry),
    listMine: (residentId, pageSize, continuation) =>
      listEntries<MyRequestEntry>(residents, residentId, 'request', pageSize, continuation),
    async putPin(pin) {
      await requests.items.upsert(pin);
    },
    async deletePin(cell, requestId) {
      try {
        await requests.item(`pin:${requestId}`, cell).delete();
      } catch (error) {
        if (!isCosmosStatus(error, 404)) throw error;
      }
    },
    async pins(cells, serviceCode, perCell) {
      const all = await Promise.all(
        cells.map(async (cell) => {
          const parameters: SqlParameter[] = [{ name: '@cell', value: cell }];
          // An integer from code, never from the caller.
          let query = `SELECT TOP ${Math.trunc(perCell)} * FROM c WHERE c.pk = @cell AND c.type = 'pin'`;
          if (serviceCode) {
            query += ' AND c.serviceCode = @service';
            parameters.push({ name: '@service', value: serviceCode });
          }
          const { resources } = await requests.items
            .query<NearbyPin>({ query, parameters }, { partitionKey: cell })
            .fetchAll();
          return resources;
        }),
      );
      return all.flat();
    },
    async staffList(filters, pageSize, continuation) {
      const { where, parameters } = staffWhere(filters);
      const iterator = requests.items.query<ServiceRequestDoc>(
        { query: `SELECT * FROM c WHERE ${where} ORDER BY c.createdAt DESC`, parameters },
        { maxItemCount: pageSize, continuationToken: decodeToken(continuation) },
      );
      const page = await iterator.fetchNext();
      return { items: page.resources, continuation: encodeToken(page.continuationToken) };
    },
    async staffCount(filters) {
      const { where, parameters } = staffWhere(filters);
      const { resources } = await requests.items
        .query<number>({ query: `SELECT VALUE COUNT(1) FROM c WHERE ${where}`, parameters })
        .fetchAll();
      // A cross-partition aggregate may come back as one partial count per partition range.
      return resources.reduce((sum, n) => sum + n, 0);
    },
  };
}
