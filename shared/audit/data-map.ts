/** The data map of the access audit (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { AccessEntry } from './access-log.js';

export const accessEntryDataMap: RecordMap<AccessEntry> = {
  record: 'audit',
  retention: ['audit-entry'],
  title: 'Staff and partner access record',
  kind: 'cosmos',
  where: 'Cosmos DB `audit` (pk = resident id; append-only: the app may only create, read and query)',
  purpose: 'Account for every staff or partner read of a resident’s personal data; part of a subject access export.',
  basis: ['legal-obligation'],
  recipients: ['resident', 'staff'],
  fields: {
    id: { class: 'none' },
    residentId: { class: 'personal', note: 'whose data was read' },
    kind: { class: 'none' },
    at: { class: 'none' },
    actor: { class: 'none', note: 'the member of staff or partner (their id and roles), not a resident' },
    what: { class: 'none', note: 'the type and id of what was read' },
    why: { class: 'free-text', note: 'the route’s purpose and the reason staff gave' },
  },
};
