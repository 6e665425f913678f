/**
 * The council systems a new request is sent to, FixMyStreet-style: each service
 * belongs to one back office, named on the service or defaulted by its group.
 * Each back office reads work orders from its own subscription of the
 * `work-orders` topic (filtered on the message's `to`), and answers on its own
 * queue, `partner-inbound-<id>` (see messaging/topology.ts).
 *
 * Part of the catalogue (the council's own data), so that service definitions,
 * the messaging topology, dispatch and partners all read it from below.
 */
import type { ServiceGroup } from './service-groups.js';

export const backOfficeIds = ['highways-contractor', 'waste-contractor', 'council-crm'] as const;
export type BackOfficeId = (typeof backOfficeIds)[number];

export const backOffices: Readonly<Record<BackOfficeId, { readonly name: string; readonly description: string }>> = {
  'highways-contractor': {
    name: 'Highways works contractor',
    description: 'Roads, street lighting and drainage repairs.',
  },
  'waste-contractor': {
    name: 'Waste and cleansing contractor',
    description: 'Missed collections, fly-tipping and street cleansing.',
  },
  'council-crm': {
    name: 'Council CRM',
    description: 'Everything the council handles in house (parks, parking, environmental health).',
  },
};

const byGroup: Readonly<Record<ServiceGroup, BackOfficeId>> = {
  roads: 'highways-contractor',
  'street-lighting': 'highways-contractor',
  drainage: 'highways-contractor',
  waste: 'waste-contractor',
  'street-cleansing': 'waste-contractor',
  'parks-and-trees': 'council-crm',
  parking: 'council-crm',
  'environmental-health': 'council-crm',
};

export const backOfficeFor = (service: { readonly group: ServiceGroup; readonly backOffice?: BackOfficeId }) =>
  service.backOffice ?? byGroup[service.group];
