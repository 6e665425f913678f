/** The data map of councillors' casework and the reporting index (see shared/data-map/classification.ts). */
import type { FieldClass, RecordMap } from '../data-map/classification.js';
import type { BucketEntry, ReportBucket } from '../reporting/model.js';
import type { CouncillorContactDoc, CouncillorNoticeDoc, CouncillorWardsDoc, EnquiryDoc } from './model.js';

const none: FieldClass = { class: 'none' };
const personal = (note: string): FieldClass => ({ class: 'personal', note });

export const enquiryDataMap: RecordMap<EnquiryDoc> = {
  record: 'councillor-enquiry',
  retention: ['councillor-enquiry'],
  title: 'Councillor’s enquiry for a resident',
  kind: 'cosmos',
  where: 'Cosmos DB `casework` (kind `enquiry`, pk = councillor id)',
  purpose:
    'A councillor takes up a resident’s problem with the council, with the resident’s consent; staff answer it by a deadline.',
  basis: ['public-task', 'consent'],
  recipients: ['staff'],
  fields: {
    id: none,
    pk: { class: 'none', note: 'the councillor (an elected member’s staff id), not a resident' },
    kind: none,
    councillor: { class: 'none', note: 'the councillor (an elected member’s staff id), not a resident' },
    requestId: none,
    serviceCode: none,
    ward: none,
    resident: personal('the resident’s name and the contact details and address they gave the councillor'),
    consent: personal('how and when the resident consented, recorded by the councillor'),
    raisedAt: none,
    respondBy: none,
    remindOn: none,
    state: none,
    respondedAt: none,
    reminder: none,
    ttl: none,
    _etag: none,
  },
};

export const councillorWardsDataMap: RecordMap<CouncillorWardsDoc> = {
  record: 'councillor-wards',
  retention: ['councillor-wards'],
  title: 'Wards a councillor serves',
  kind: 'cosmos',
  where: 'Cosmos DB `casework` (id `wards`, pk = councillor id)',
  purpose: 'Show councillors the requests in their wards.',
  basis: ['public-task'],
  recipients: ['staff'],
  fields: {
    id: none,
    pk: { class: 'none', note: 'the councillor (public office), not a resident' },
    kind: none,
    councillor: { class: 'none', note: 'the councillor (public office), not a resident' },
    wards: none,
    updatedAt: none,
    updatedBy: { class: 'none', note: 'the admin who set it (a staff id)' },
    _etag: none,
  },
};

const entry: Readonly<Record<keyof BucketEntry, FieldClass>> = { createdAt: none, closedAt: none, seen: none };

export const reportBucketDataMap: RecordMap<ReportBucket> = {
  record: 'report-bucket',
  retention: ['report-bucket'],
  title: 'Reporting index bucket',
  kind: 'cosmos',
  where: 'Cosmos DB `reports` (pk = service code, id = ward and day)',
  purpose: 'Managers’ reports per service and ward without reading the requests.',
  basis: ['public-task'],
  recipients: ['staff'],
  fields: {
    id: none,
    pk: none,
    kind: none,
    ward: none,
    day: none,
    requests: { class: 'none', note: `request ids with ${Object.keys(entry).join(', ')}: times only` },
    _etag: none,
  },
};

export const councillorContactDataMap: RecordMap<CouncillorContactDoc> = {
  record: 'councillor-contact',
  retention: ['councillor-contact'],
  title: 'Where a councillor is told of their enquiries',
  kind: 'cosmos',
  where: 'Cosmos DB `casework` (id `contact`, pk = councillor id)',
  purpose:
    'Email a councillor each update and status change on the enquiries they raised (decision 1052), unless they turned it off.',
  basis: ['public-task'],
  recipients: ['govuk-notify'],
  fields: {
    id: none,
    pk: { class: 'none', note: 'the councillor (an elected member’s staff id), not a resident' },
    kind: none,
    councillor: { class: 'none', note: 'the councillor (an elected member’s staff id), not a resident' },
    email: personal('the councillor’s work email address, from the council’s directory (`email` claim)'),
    emailUpdates: none,
    seenOn: none,
    updatedAt: none,
    ttl: none,
    _etag: none,
  },
};

export const councillorNoticeDataMap: RecordMap<CouncillorNoticeDoc> = {
  record: 'councillor-notice',
  retention: ['councillor-notice'],
  title: 'A councillor’s update, claimed before it is emailed',
  kind: 'cosmos',
  where: 'Cosmos DB `casework` (kind `councillor-notice`, pk = councillor id)',
  purpose: 'Send each update to a councillor once, however often its job is delivered.',
  basis: ['public-task'],
  recipients: [],
  fields: {
    id: { class: 'none', note: 'the notification job id: event id and channel' },
    pk: { class: 'none', note: 'the councillor (an elected member’s staff id), not a resident' },
    kind: none,
    claimedAt: none,
    ttl: none,
  },
};
