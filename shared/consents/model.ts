/**
 * A resident's consent to share care events with one health or social care partner
 * (#18 item 3, decision 1102): `residents` container, pk = resident, id
 * `consent:<partnerId>`. Withdrawn consent is kept as withdrawn (what was shared, and
 * until when, must be shown: UK GDPR Art. 7(1)); it stops the next event.
 */
import { z } from 'zod';
import { carePartnerIds, carePartners, type CarePartnerId } from '../catalogue/partners.js';

export const consentStates = ['given', 'withdrawn'] as const;
export type ConsentState = (typeof consentStates)[number];

/** Either way, any number of times: giving and withdrawing are the resident's to repeat. */
export const consentTransitions: Readonly<Record<ConsentState, readonly ConsentState[]>> = {
  given: ['withdrawn'],
  withdrawn: ['given'],
};

export interface ConsentDoc {
  readonly id: `consent:${CarePartnerId}`;
  readonly residentId: string;
  readonly kind: 'consent';
  readonly partnerId: CarePartnerId;
  readonly state: ConsentState;
  readonly givenAt: string;
  readonly withdrawnAt?: string;
  readonly updatedAt: string;
  readonly _etag?: string;
}

export const consentId = (partnerId: CarePartnerId): ConsentDoc['id'] => `consent:${partnerId}`;

export const partnerIdParam = z.enum(carePartnerIds, { message: `One of ${carePartnerIds.join(', ')}` });

export const toConsentView = (partnerId: CarePartnerId, doc: ConsentDoc | undefined) => ({
  partnerId,
  partnerName: carePartners[partnerId].name,
  description: carePartners[partnerId].description,
  state: doc?.state ?? 'not-given',
  givenAt: doc?.givenAt ?? null,
  withdrawnAt: doc?.withdrawnAt ?? null,
});
