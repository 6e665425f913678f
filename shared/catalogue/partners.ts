/**
 * Partners of the event hub that are not back offices (they take no work orders):
 * the council's records system (its EDRMS, IDOX in one council), and the health and
 * social care partners a resident may consent to share with. Each has its own Entra
 * identity, its own subscription and, where it answers, its own inbound queue, like a
 * back office (see messaging/topology.ts).
 */
import { backOfficeIds, type BackOfficeId } from './back-offices.js';

export const recordsSystemId = 'records-system';

/** Care partners: a resident's events reach one only with that resident's consent for it. */
export const carePartnerIds = ['adult-social-care', 'community-health'] as const;
export type CarePartnerId = (typeof carePartnerIds)[number];

export const carePartners: Readonly<Record<CarePartnerId, { readonly name: string; readonly description: string }>> = {
  'adult-social-care': {
    name: 'Adult social care',
    description:
      'The council’s adult social care team: assisted collections that failed can mean a resident is struggling.',
  },
  'community-health': {
    name: 'Community health services',
    description: 'The NHS community team (district nurses, occupational therapists) who support people at home.',
  },
};

export const isCarePartner = (id: string): id is CarePartnerId => (carePartnerIds as readonly string[]).includes(id);

export const partnerIds = [...backOfficeIds, recordsSystemId, ...carePartnerIds] as const;
/** Anyone outside the platform that holds its own rights on a Service Bus entity. */
export type PartnerId = BackOfficeId | typeof recordsSystemId | CarePartnerId;
