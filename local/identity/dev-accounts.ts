/**
 * Who can sign in locally. Any other name signs in as a resident, so a tester
 * can invent residents freely; staff and admins must be one of these. Residents sign in
 * at the resident issuer, everyone with another role at the workforce issuer (decision 1000).
 */
export type Role = 'resident' | 'staff' | 'admin' | 'moderator' | 'finance' | 'councillor' | 'operator';

export interface DevAccount {
  readonly sub: string;
  readonly name: string;
  readonly email: string;
  readonly roles: readonly Role[];
}

export const devAccounts: readonly DevAccount[] = [
  { sub: 'alice', name: 'Alice Resident', email: 'alice@example.com', roles: ['resident'] },
  { sub: 'bob', name: 'Bob Resident', email: 'bob@example.com', roles: ['resident'] },
  { sub: 'sam', name: 'Sam Streets (staff)', email: 'sam.streets@council.example', roles: ['staff'] },
  { sub: 'ada', name: 'Ada Admin (admin)', email: 'ada.admin@council.example', roles: ['staff', 'admin'] },
  { sub: 'mo', name: 'Mo Moderator (staff)', email: 'mo.moderator@council.example', roles: ['staff', 'moderator'] },
  { sub: 'fin', name: 'Fin Ance (finance)', email: 'fin.ance@council.example', roles: ['staff', 'finance'] },
  { sub: 'fay', name: 'Fay Ledger (finance)', email: 'fay.ledger@council.example', roles: ['staff', 'finance'] },
  { sub: 'cllr', name: 'Cllr Chris Ward', email: 'chris.ward@council.example', roles: ['councillor'] },
  { sub: 'ops', name: 'Oli Ops (platform operator)', email: 'oli.ops@council.example', roles: ['operator'] },
  // A second councillor, so the casework browser test's wards and enquiries are its own.
  { sub: 'cllr-web', name: 'Cllr Robin Moor', email: 'robin.moor@council.example', roles: ['councillor'] },
  // A moderator who is not staff: their way in is the moderation queue (decision 1032).
  { sub: 'mia', name: 'Mia Moderator (moderator only)', email: 'mia.moderator@council.example', roles: ['moderator'] },
  // A third, whose wards only the admin page's browser test sets.
  { sub: 'cllr-wards', name: 'Cllr Sol Marsh', email: 'sol.marsh@council.example', roles: ['councillor'] },
];

/** Which local issuer a token for these roles comes from: any role but resident is the workforce's. */
export const populationFor = (roles: readonly Role[]): 'resident' | 'workforce' =>
  roles.some((r) => r !== 'resident') ? 'workforce' : 'resident';

export function devAccount(sub: string): DevAccount {
  return devAccounts.find((a) => a.sub === sub) ?? { sub, name: sub, email: `${sub}@example.com`, roles: ['resident'] };
}
