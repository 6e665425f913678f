/**
 * The data map of service requests (see shared/data-map/classification.ts): each
 * field of the stored request, its projections and its events, classified.
 */
import type { FieldClass, FieldMap, RecordMap } from '../data-map/classification.js';
import type { MyRequestEntry, NearbyPin, ServiceRequestDoc } from './model.js';
import { myAccountEntryDataMap } from '../residents/my-account-entry.js';

const none: FieldClass = { class: 'none' };
const personal = (note?: string): FieldClass => ({ class: 'personal', ...(note ? { note } : {}) });
const freeText = (note?: string): FieldClass => ({ class: 'free-text', ...(note ? { note } : {}) });

export const requestDataMap: RecordMap<ServiceRequestDoc> = {
  record: 'request',
  retention: ['request', 'request-reporter', 'request-free-text', 'timeline-entry'],
  title: 'Service request',
  kind: 'cosmos',
  where: 'Cosmos DB `requests` (type `request`, pk = request id)',
  purpose: 'Record, route and resolve a problem a resident reports; tell them and the public how it is going.',
  basis: ['public-task'],
  recipients: ['resident', 'staff', 'work-orders', 'open311-public', 'open311-client', 'govuk-notify'],
  fields: {
    id: none,
    pk: none,
    type: none,
    serviceCode: none,
    serviceName: none,
    serviceGroup: none,
    agencyResponsible: none,
    status: none,
    description: freeText('the problem in the reporter’s words; public only as a moderator publishes it'),
    attributes: freeText('answers to the service’s questions; some are free text'),
    location: {
      class: 'home-location',
      note: 'coordinates, UPRN and address of the problem: a home for services the public never sees (missed bin)',
    },
    photos: personal('ids of photos the resident uploaded (stripped of metadata, may show people or homes)'),
    residentId: personal('the reporter (their pseudonymous sign-in id); never outside resident and staff views'),
    source: none,
    reporter: personal('name, email, phone an Open311 client sent: staff only'),
    mediaUrls: personal('links to photos an Open311 client hosts'),
    descriptionTruncated: none,
    moderation: freeText('the description and updates as a moderator published them'),
    moderationLog: personal('which member of staff moderated what (staff ids)'),
    awaitsModeration: none,
    externalUpdateIds: none,
    assignedTo: personal('the team or member of staff assigned (a team code or a staff id)'),
    timeline: freeText(
      'status changes and updates, with their text; partners’ and clients’ public only when moderated',
    ),
    partnerEntriesCompacted: none,
    internalNotes: freeText('staff notes: staff only'),
    createdAt: none,
    updatedAt: none,
    expectedAt: none,
    ward: none,
    enquiry: personal('the councillor’s enquiry it answers: the councillor’s staff id and the deadline'),
    _etag: none,
  },
};

export const myRequestEntryDataMap = myAccountEntryDataMap<MyRequestEntry>({
  kind: 'request',
  purpose: 'List a resident’s own reports in My Account with one query.',
  basis: ['public-task'],
  fields: { requestId: none, summary: none },
});

export const nearbyPinDataMap: RecordMap<NearbyPin> = {
  record: 'request',
  retention: ['nearby-pin'],
  title: 'Nearby pin of an open request',
  kind: 'cosmos',
  where: 'Cosmos DB `requests` (type `pin`, pk = grid cell)',
  purpose: 'Show open problems near a place, so residents need not report them twice.',
  basis: ['public-task'],
  recipients: ['open311-public'],
  fields: {
    id: none,
    pk: none,
    type: none,
    requestId: none,
    serviceCode: none,
    serviceName: none,
    status: none,
    lat: { class: 'home-location', note: 'stored exact; shown rounded to about 10 m' },
    long: { class: 'home-location', note: 'stored exact; shown rounded to about 10 m' },
    createdAt: none,
  },
};

/** The data of `uk.gov.doorstep.request.*` events (service-requests.ts `requestEvent`). */
export interface RequestEventData {
  readonly requestId: string;
  readonly serviceCode: string;
  readonly serviceGroup: string;
  readonly status: string;
  readonly updatedAt: string;
  readonly previousStatus?: string;
  readonly by?: string;
  readonly update?: { readonly id: string; readonly at: string; readonly by: string };
  readonly withStatusChange?: boolean;
}

const requestEventFields: FieldMap<RequestEventData> = {
  requestId: none,
  serviceCode: none,
  serviceGroup: none,
  status: none,
  updatedAt: none,
  previousStatus: none,
  by: { class: 'none', note: 'council, partner or client: a kind, never a person' },
  update: { class: 'none', note: 'the update’s id, time and kind of author; subscribers read its text from the API' },
  withStatusChange: none,
};

export const requestEventDataMap: RecordMap<RequestEventData> = {
  record: 'request',
  title: 'Request events (submitted, status-changed, update-added)',
  kind: 'event',
  where: 'Service Bus topic `events`, type `uk.gov.doorstep.request.*`',
  purpose: 'Tell council systems and contractors that a request changed; start resident notifications.',
  basis: ['public-task'],
  recipients: ['events'],
  fields: requestEventFields,
};
