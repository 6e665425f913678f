/**
 * The two reads Open311 serves to anyone, bounded by construction: one indexed,
 * cross-partition query each (`requests` container, composite indexes on
 * `type` + `createdAt` and `type` + `updatedAt`), newest first, at most `max`
 * documents, and no further page once the request's budget is spent.
 */
import type { Container, SqlParameter } from '@azure/cosmos';
import { dependencyUnavailable } from '../errors.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import type { Status } from '../service-requests/status.js';

export interface RequestWindow {
  readonly from: string;
  readonly to: string;
  /** Only these services (Open311's `service_code`). */
  readonly serviceCode?: string;
  /** Never these services (non-public ones, for readers who may not see them). */
  readonly excludeServiceCodes?: readonly string[];
  readonly statuses?: readonly Status[];
}

export interface Open311Queries {
  /** Requests created in the window, newest first. */
  created(window: RequestWindow, max: number, deadline: number): Promise<ServiceRequestDoc[]>;
  /** Requests changed since `from` (so every update in the window is on one of them), most recently changed first. */
  changed(window: RequestWindow, max: number, deadline: number): Promise<ServiceRequestDoc[]>;
}

export function cosmosOpen311Queries(requests: Container): Open311Queries {
  async function bounded(
    field: 'createdAt' | 'updatedAt',
    window: RequestWindow,
    max: number,
    deadline: number,
  ): Promise<ServiceRequestDoc[]> {
    const where = ["c.type = 'request'"];
    const parameters: SqlParameter[] = [];
    const add = (clause: string, name: string, value: SqlParameter['value']) => {
      where.push(clause);
      parameters.push({ name, value });
    };
    // An update in the window leaves updatedAt at or after its start; a request created after the window has none in it.
    add(`c.${field} >= @from`, '@from', window.from);
    add('c.createdAt <= @to', '@to', window.to);
    if (window.serviceCode) add('c.serviceCode = @service', '@service', window.serviceCode);
    if (window.excludeServiceCodes?.length)
      add('NOT ARRAY_CONTAINS(@hidden, c.serviceCode)', '@hidden', [...window.excludeServiceCodes]);
    if (window.statuses) add('ARRAY_CONTAINS(@statuses, c.status)', '@statuses', [...window.statuses]);
    const iterator = requests.items.query<ServiceRequestDoc>(
      { query: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.${field} DESC`, parameters },
      // One page holds the whole bound; Cosmos DB splits it only past 4 MB or its time slice.
      { maxItemCount: max },
    );
    const out: ServiceRequestDoc[] = [];
    while (out.length < max && iterator.hasMoreResults()) {
      // Past the budget the caller has had its 503: stop rather than read on unobserved.
      if (Date.now() >= deadline) throw dependencyUnavailable('The requests store');
      const page = await iterator.fetchNext();
      out.push(...page.resources);
    }
    return out.slice(0, max);
  }
  return {
    created: (window, max, deadline) => bounded('createdAt', window, max, deadline),
    changed: (window, max, deadline) => bounded('updatedAt', window, max, deadline),
  };
}
