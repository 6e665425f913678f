/** The data map of Idempotency-Key records (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { IdempotencyDoc } from './idempotency.js';

export const idempotencyDataMap: RecordMap<IdempotencyDoc> = {
  record: 'idempotency',
  retention: ['idempotency'],
  title: 'Idempotency-Key record',
  kind: 'cosmos',
  where: 'Cosmos DB `idempotency` (pk = hash of caller and key; container TTL)',
  purpose: 'Answer a retried create with the first result instead of doing it twice.',
  basis: ['public-task'],
  recipients: [],
  fields: {
    id: { class: 'none' },
    pk: { class: 'personal', note: 'a hash of the caller’s id and their key' },
    resourceId: { class: 'none' },
    fingerprint: { class: 'none', note: 'a hash of the request body' },
    createdAt: { class: 'none' },
  },
};
