/**
 * Where dispatches live: beside their request in `requests` (pk = request id),
 * plus a small pointer document per partner reference (its own partition) so that
 * a message naming the job by the partner's reference is a point read.
 */
import type { Container, SqlParameter } from '@azure/cosmos';
import type { BackOfficeId } from '../catalogue/back-offices.js';
import { decodeToken, encodeToken, type Page } from '../data/page-token.js';
import { dispatchId, type DispatchDoc, type DispatchState } from './model.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';

export interface DispatchStore {
  get(requestId: string): Promise<DispatchDoc | undefined>;
  replace(doc: DispatchDoc, ifMatch: string): Promise<DispatchDoc | 'stale'>;
  /** Pending dispatches whose next attempt is due. */
  due(now: Date, limit: number): Promise<DispatchDoc[]>;
  list(state: DispatchState | undefined, pageSize: number, continuation?: string): Promise<Page<DispatchDoc>>;
  byPartnerReference(backOffice: BackOfficeId, reference: string): Promise<DispatchDoc | undefined>;
  /** Records which request a back office's reference names (before the dispatch says so). */
  rememberPartnerReference(backOffice: BackOfficeId, reference: string, requestId: string): Promise<void>;
}

const partnerReferenceKey = (backOffice: BackOfficeId, reference: string) => `partner-ref:${backOffice}:${reference}`;

export function cosmosDispatchStore(requests: Container): DispatchStore {
  const query = async (text: string, parameters: SqlParameter[], limit: number) => {
    const { resources } = await requests.items
      .query<DispatchDoc>({ query: text, parameters }, { maxItemCount: limit })
      .fetchNext();
    return resources;
  };
  const get = async (requestId: string) => {
    try {
      const { resource } = await requests.item(dispatchId(requestId), requestId).read<DispatchDoc>();
      return resource;
    } catch (error) {
      if (isCosmosStatus(error, 404)) return undefined;
      throw error;
    }
  };
  return {
    get,
    async replace(doc, ifMatch) {
      try {
        const { resource } = await requests
          .item(doc.id, doc.pk)
          .replace(doc, { accessCondition: { type: 'IfMatch', condition: ifMatch } });
        return resource ?? doc;
      } catch (error) {
        if (isCosmosStatus(error, 412)) return 'stale';
        throw error;
      }
    },
    due: (now, limit) =>
      query(
        "SELECT * FROM c WHERE c.type = 'dispatch' AND c.state = 'pending' AND c.nextAttemptAt <= @now",
        [{ name: '@now', value: now.toISOString() }],
        limit,
      ),
    async list(state, pageSize, continuation) {
      const where = ["c.type = 'dispatch'"];
      const parameters: SqlParameter[] = [];
      if (state) {
        where.push('c.state = @state');
        parameters.push({ name: '@state', value: state });
      }
      const page = await requests.items
        .query<DispatchDoc>(
          { query: `SELECT * FROM c WHERE ${where.join(' AND ')} ORDER BY c.updatedAt DESC`, parameters },
          { maxItemCount: pageSize, continuationToken: decodeToken(continuation) },
        )
        .fetchNext();
      return { items: page.resources, continuation: encodeToken(page.continuationToken) };
    },
    // A point read of a small pointer document (its own partition), not a cross-partition query:
    // most partner messages name the job by the partner's reference.
    async byPartnerReference(backOffice, reference) {
      const pk = partnerReferenceKey(backOffice, reference);
      let requestId: string | undefined;
      try {
        requestId = (await requests.item('partner-ref', pk).read<{ requestId: string }>()).resource?.requestId;
      } catch (error) {
        if (!isCosmosStatus(error, 404)) throw error;
      }
      if (!requestId) return undefined;
      const dispatch = await get(requestId);
      // The pointer is written first: until the dispatch records the same reference, it is not known.
      return dispatch?.partnerReference === reference && dispatch.backOffice === backOffice ? dispatch : undefined;
    },
    async rememberPartnerReference(backOffice, reference, requestId) {
      await requests.items.upsert({
        id: 'partner-ref',
        pk: partnerReferenceKey(backOffice, reference),
        type: 'partner-ref',
        requestId,
      });
    },
  };
}
