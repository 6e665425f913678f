/**
 * A service request's status: a closed set with an explicit transition table.
 * The names follow FixMyStreet's, which UK back offices already speak.
 */

export const statuses = [
  'submitted',
  'investigating',
  'action-scheduled',
  'in-progress',
  'fixed',
  'closed',
  'duplicate',
  'not-councils-responsibility',
  'no-further-action',
  'referred',
] as const;
export type Status = (typeof statuses)[number];

const openStatuses: ReadonlySet<Status> = new Set(['submitted', 'investigating', 'action-scheduled', 'in-progress']);
export const isOpen = (s: Status) => openStatuses.has(s);

const closedReasons: readonly Status[] = ['duplicate', 'not-councils-responsibility', 'no-further-action', 'referred'];

export const transitions: Readonly<Record<Status, readonly Status[]>> = {
  submitted: ['investigating', 'action-scheduled', 'in-progress', 'fixed', 'closed', ...closedReasons],
  investigating: ['action-scheduled', 'in-progress', 'fixed', 'closed', ...closedReasons],
  'action-scheduled': ['in-progress', 'fixed', 'closed', 'no-further-action'],
  'in-progress': ['action-scheduled', 'fixed', 'closed', 'no-further-action'],
  // Reopening: a resident says it is not fixed, or an inspection finds it back.
  fixed: ['closed', 'investigating'],
  closed: ['investigating'],
  duplicate: ['investigating'],
  'not-councils-responsibility': ['investigating'],
  'no-further-action': ['investigating'],
  referred: ['investigating'],
};

export const canMove = (from: Status, to: Status) => transitions[from].includes(to);

/** Open311 GeoReport v2 has two states. */
export const open311Status = (s: Status): 'open' | 'closed' => (isOpen(s) ? 'open' : 'closed');

/** FixMyStreet's update statuses (lower case, underscores) for servicerequestupdates. */
export const fixMyStreetStatus = (s: Status): string =>
  s === 'submitted' ? 'open' : s === 'referred' ? 'internal_referral' : s.replace(/-/g, '_');
