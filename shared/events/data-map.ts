/** The data map of outbox entries (see shared/data-map/classification.ts); each family's event data has its own. */
import type { RecordMap } from '../data-map/classification.js';
import type { OutboxDoc } from './cloud-event.js';

export const outboxDataMap: RecordMap<OutboxDoc> = {
  record: 'request',
  retention: ['outbox-event'],
  title: 'Outbox entry (an event waiting to be published)',
  kind: 'cosmos',
  where: 'Cosmos DB `requests`, `payments`, `documents` (type `outbox`, in the changed entity’s partition)',
  purpose: 'Publish each change exactly when it is committed.',
  basis: ['public-task'],
  recipients: ['events'],
  fields: {
    id: { class: 'none' },
    pk: { class: 'none' },
    type: { class: 'none' },
    state: { class: 'none' },
    event: { class: 'none', note: 'a CloudEvent whose data is classified by its family’s map below' },
    routing: { class: 'none', note: 'codes subscriptions filter on' },
    createdAt: { class: 'none' },
  },
};
