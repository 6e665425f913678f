/** The data map of Open311 output and clients (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { ClientDoc } from './clients.js';
import type { Open311Update, toOpen311Request } from './open311.js';

export type Open311RequestOutput = ReturnType<typeof toOpen311Request>;

export const open311RequestDataMap: RecordMap<Open311RequestOutput> = {
  record: 'request',
  title: 'Open311 request (GeoReport v2 output)',
  kind: 'open311',
  where: 'GET /open311/v2/requests(.json|.xml), requests/{id}, tokens/{token}',
  purpose:
    'Publish reported problems (FixMyStreet and others): anonymous, moderated, never the reporter (decisions 0300, 0914).',
  basis: ['public-task'],
  recipients: ['open311-public', 'open311-client'],
  fields: {
    service_request_id: { class: 'none' },
    status: { class: 'none' },
    status_notes: { class: 'free-text', note: 'the council’s words, or a partner’s as a moderator published them' },
    service_name: { class: 'none' },
    service_code: { class: 'none' },
    description: { class: 'free-text', note: 'public only as a moderator published it' },
    agency_responsible: { class: 'none' },
    service_notice: { class: 'none' },
    requested_datetime: { class: 'none' },
    updated_datetime: { class: 'none' },
    expected_datetime: { class: 'none' },
    address: { class: 'home-location', note: 'the sending client only; null in the public view' },
    address_id: { class: 'home-location', note: 'the UPRN: the sending client only; null in the public view' },
    zipcode: { class: 'none' },
    lat: { class: 'none', note: 'public services only, rounded to about 10 m; non-public services are never shown' },
    long: { class: 'none', note: 'public services only, rounded to about 10 m' },
    media_url: { class: 'none', note: 'a checked, stripped photo, unless a moderator hid it' },
    non_public: { class: 'none' },
  },
};

export const open311UpdateDataMap: RecordMap<Open311Update> = {
  record: 'request',
  title: 'Open311 request update (servicerequestupdates output)',
  kind: 'open311',
  where: 'GET /open311/v2/servicerequestupdates(.json|.xml)',
  purpose: 'Publish progress on reported problems: the council’s words, and others’ only as moderated.',
  basis: ['public-task'],
  recipients: ['open311-public', 'open311-client'],
  fields: {
    update_id: { class: 'none' },
    service_request_id: { class: 'none' },
    status: { class: 'none' },
    updated_datetime: { class: 'none' },
    description: { class: 'free-text' },
    media_url: { class: 'none' },
  },
};

export const open311ClientDataMap: RecordMap<ClientDoc> = {
  record: 'open311-client',
  retention: ['open311-client'],
  title: 'Open311 client (API key holder)',
  kind: 'cosmos',
  where: 'Cosmos DB `catalogue` (kind `open311-client`)',
  purpose: 'Know which system sent a report; only the key’s hash is kept.',
  basis: ['public-task'],
  recipients: ['staff'],
  fields: {
    id: { class: 'none', note: 'the key’s hash' },
    name: { class: 'none', note: 'an organisation’s system, e.g. FixMyStreet' },
    createdAt: { class: 'none' },
    revoked: { class: 'none' },
    backOffice: { class: 'none' },
    kind: { class: 'none' },
  },
};
