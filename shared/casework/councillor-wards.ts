/**
 * What an admin reads before changing a councillor's wards (the staff page
 * /staff/admin/councillor-wards); recording them is casework.ts `assignWards`.
 */
import { notFound } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import type { CaseworkStore } from './store.js';

/**
 * A councillor's directory identifier as the wards API takes it: an Entra Object ID
 * (a GUID) in a council's directory, a short name for the local dev accounts.
 * The same shape casework.ts `assignWards` accepts.
 */
export const councillorSubPattern = /^[A-Za-z0-9._@-]{1,128}$/;

/** The wards a councillor serves today; none recorded is an empty list (an admin is about to add them). */
export async function wardsOfCouncillor(
  councillor: string,
  principal: Principal,
  deps: { readonly casework: Pick<CaseworkStore, 'wardsOf'> },
): Promise<{ councillor: string; wards: readonly string[] }> {
  // The role first, so a caller without it learns nothing about what the route accepts.
  requireRole(principal, 'admin');
  if (!councillorSubPattern.test(councillor)) throw notFound('The councillor');
  return { councillor, wards: await deps.casework.wardsOf(councillor) };
}
