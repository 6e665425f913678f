/**
 * Consents from My Account: give, withdraw, list. Checked by the outbox publisher when
 * each care event is published (care.ts), so a withdrawal stops the next event.
 */
import { carePartnerIds, type CarePartnerId } from '../catalogue/partners.js';
import type { Principal } from '../identity/principal.js';
import { consentId, toConsentView, type ConsentDoc } from './model.js';
import type { ConsentStore } from './store.js';

export interface ConsentDeps {
  readonly consents: ConsentStore;
  readonly now: () => Date;
}

export async function listConsents(principal: Principal, deps: ConsentDeps) {
  const mine = new Map((await deps.consents.list(principal.sub)).map((c) => [c.partnerId, c]));
  return carePartnerIds.map((id) => toConsentView(id, mine.get(id)));
}

/** Idempotent: giving consent already given changes nothing. */
export async function giveConsent(partnerId: CarePartnerId, principal: Principal, deps: ConsentDeps) {
  const current = await deps.consents.get(principal.sub, partnerId);
  if (current?.state === 'given') return toConsentView(partnerId, current);
  const at = deps.now().toISOString();
  const doc: ConsentDoc = {
    id: consentId(partnerId),
    residentId: principal.sub,
    kind: 'consent',
    partnerId,
    state: 'given',
    givenAt: at,
    updatedAt: at,
  };
  return toConsentView(partnerId, await deps.consents.put(doc));
}

/** Idempotent: withdrawing what was never given, or already withdrawn, changes nothing. */
export async function withdrawConsent(partnerId: CarePartnerId, principal: Principal, deps: ConsentDeps) {
  const current = await deps.consents.get(principal.sub, partnerId);
  if (current?.state !== 'given') return toConsentView(partnerId, current);
  const at = deps.now().toISOString();
  return toConsentView(
    partnerId,
    await deps.consents.put({ ...current, state: 'withdrawn', withdrawnAt: at, updatedAt: at }),
  );
}

/** The care partners a resident has consent standing for, now. */
export async function consentedPartners(residentId: string, consents: Pick<ConsentStore, 'list'>) {
  return (await consents.list(residentId)).filter((c) => c.state === 'given').map((c) => c.partnerId);
}
