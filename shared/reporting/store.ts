/** The reporting index in Cosmos DB (`reports`, pk = service code). */
import type { Container } from '@azure/cosmos';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import type { ReportBucket, ReportQuery } from './model.js';

export interface ReportIndex {
  /** Applies `change` to a bucket (created when missing), retrying when another writer got there first. */
  update(service: string, id: string, change: (current: ReportBucket | undefined) => ReportBucket): Promise<void>;
  /** The buckets a report needs, with what the read cost: it never touches `requests`. */
  read(query: ReportQuery): Promise<{ buckets: ReportBucket[]; itemsRead: number; requestCharge: number }>;
}

export function cosmosReportIndex(reports: Container): ReportIndex {
  return {
    async update(service, id, change) {
      for (let attempt = 0; ; attempt++) {
        let current: ReportBucket | undefined;
        try {
          current = (await reports.item(id, service).read<ReportBucket>()).resource;
        } catch (error) {
          if (!isCosmosStatus(error, 404)) throw error;
        }
        const next = change(current);
        try {
          if (current)
            await reports
              .item(id, service)
              .replace(next, { accessCondition: { type: 'IfMatch', condition: current._etag ?? '' } });
          else await reports.items.create(next);
          return;
        } catch (error) {
          // Someone changed or created the bucket since it was read: read it again.
          if (attempt < 20 && (isCosmosStatus(error, 412) || isCosmosStatus(error, 409))) continue;
          throw error;
        }
      }
    },
    async read(query) {
      const where = ['c.kind = "bucket"', 'c.day >= @from', 'c.day <= @to'];
      const parameters = [
        { name: '@from', value: query.from },
        { name: '@to', value: query.to },
      ];
      // In the query as well as the partition key: not every Cosmos DB server honours the option alone.
      if (query.service) {
        where.push('c.pk = @service');
        parameters.push({ name: '@service', value: query.service });
      }
      if (query.ward) {
        where.push('c.ward = @ward');
        parameters.push({ name: '@ward', value: query.ward });
      }
      const iterator = reports.items.query<ReportBucket>(
        { query: `SELECT * FROM c WHERE ${where.join(' AND ')}`, parameters },
        query.service ? { partitionKey: query.service } : {},
      );
      const buckets: ReportBucket[] = [];
      let requestCharge = 0;
      while (iterator.hasMoreResults()) {
        const page = await iterator.fetchNext();
        buckets.push(...page.resources);
        requestCharge += page.requestCharge;
      }
      return { buckets, itemsRead: buckets.length, requestCharge };
    },
  };
}
