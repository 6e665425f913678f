/** The data map of consent records and the care events they allow (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { CareEventBody } from './care.js';
import type { ConsentDoc } from './model.js';

export const consentDataMap: RecordMap<ConsentDoc> = {
  record: 'consent',
  retention: ['consent'],
  title: 'Consent to share care events with a care partner',
  kind: 'cosmos',
  where: 'Cosmos DB `residents` (kind `consent`, id `consent:<partnerId>`, pk = resident id)',
  purpose:
    'Share events that matter for care (an assisted collection asked for or missed) with a health or social care partner the resident chose, only while they consent.',
  basis: ['consent'],
  recipients: ['resident'],
  fields: {
    id: { class: 'none', note: '`consent:` and the partner id' },
    residentId: { class: 'personal', note: 'whose consent it is' },
    kind: { class: 'none' },
    partnerId: { class: 'personal', note: 'which care partner: may say the resident receives care' },
    state: { class: 'none' },
    givenAt: { class: 'none' },
    withdrawnAt: { class: 'none' },
    updatedAt: { class: 'none' },
    _etag: { class: 'none' },
  },
};

export const careEventDataMap: RecordMap<CareEventBody> = {
  record: 'consent',
  title: 'Care event copy (by consent)',
  kind: 'event',
  where: 'Service Bus topic `care-events`, subscription per care partner (filter `to`)',
  purpose: 'Tell the care partner the resident consented to that an assisted collection was asked for or missed.',
  basis: ['consent'],
  recipients: ['care-partners'],
  fields: {
    schema: { class: 'none' },
    partnerId: { class: 'none' },
    residentId: { class: 'personal', note: 'who the event is about, for the partner to match to its own record' },
    event: { class: 'none', note: 'the request event as on the events topic: ids, codes, status, times' },
  },
};
