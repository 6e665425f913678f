/**
 * How long each record type is kept, and what erasing a resident does to it: the
 * one table the erasure and export jobs, the retention timer, Cosmos DB TTLs and
 * the Storage lifecycle rules (derived below, applied by `infra/`) all read, and
 * the data map's document quotes. Each rule says why, because a data protection
 * officer has to defend it.
 */

const day = 1;
const year = 365 * day;

/**
 * `{ days, from }`: that many days after the moment named (`created`, `closed`,
 * `finished`, `sent`, `last-sign-in`); `while-account-active`: until the account is
 * erased (or closed as inactive); `until-used`: a transient record, gone once its job
 * is done.
 */
export type KeepFor =
  | { readonly days: number; readonly from: 'created' | 'closed' | 'finished' | 'sent' | 'last-sign-in' | 'completed' }
  | 'while-account-active'
  | 'until-used';

export type OnErasure = 'delete' | 'anonymise' | 'keep';

/** What makes the period happen without anyone remembering to: Cosmos DB TTL, the retention timer, a lifecycle rule. */
export type EnforcedBy = 'cosmos-ttl' | 'retention-timer' | 'blob-lifecycle' | 'queue-ttl' | 'erasure-only';

export interface RetentionRule {
  readonly keepFor: KeepFor;
  readonly onErasure: OnErasure;
  readonly enforcedBy: readonly EnforcedBy[];
  /** Why this period and this erasure action (said plainly, for the record of processing). */
  readonly reason: string;
}

export const recordTypes = [
  'profile',
  'my-account-entry',
  'following',
  'request',
  'request-reporter',
  'request-free-text',
  'request-photo',
  'timeline-entry',
  'dispatch',
  'nearby-pin',
  'outbox-event',
  'document-photo',
  'document-evidence',
  'quarantine-upload',
  'payment',
  'refund',
  'ignored-webhook',
  'notification',
  'idempotency',
  'audit-entry',
  'export-archive',
  'privacy-job',
  'erasure-record',
  'open311-client',
  'open-data',
  'device',
  'device-state',
  'device-reading',
] as const;
export type RecordType = (typeof recordTypes)[number];

export const retentionRules: Readonly<Record<RecordType, RetentionRule>> = {
  profile: {
    keepFor: 'while-account-active',
    onErasure: 'delete',
    enforcedBy: ['erasure-only', 'retention-timer'],
    reason:
      'Contact details and preferences exist only to serve the account; an account unused for 3 years is closed and erased by the retention timer (see inactiveAccountDays).',
  },
  'my-account-entry': {
    keepFor: 'while-account-active',
    onErasure: 'delete',
    enforcedBy: ['erasure-only'],
    reason:
      'A projection of the resident’s own requests, payments and documents into their My Account; it has no use without the account.',
  },
  following: {
    keepFor: 'while-account-active',
    onErasure: 'delete',
    enforcedBy: ['erasure-only'],
    reason:
      'A resident’s choice to hear about a report; it says where they take an interest, so it goes with the account.',
  },
  request: {
    keepFor: { days: 6 * year, from: 'closed' },
    onErasure: 'anonymise',
    enforcedBy: ['retention-timer'],
    reason:
      'The council’s record of a problem and what it did about it (asset management, insurance claims against the highway authority run 6 years under the Limitation Act 1980). On erasure it stays, detached from the person: no resident id, no reporter, no free text, no photos, no home address; the position is kept to about 100 m.',
  },
  'request-reporter': {
    keepFor: { days: 2 * year, from: 'closed' },
    onErasure: 'delete',
    enforcedBy: ['retention-timer'],
    reason:
      'Who reported a problem (account id, contact details an Open311 client sent) is needed to keep them informed and for follow-up questions, not for the record of the problem: removed 2 years after closing, and at once on erasure.',
  },
  'request-free-text': {
    keepFor: { days: 2 * year, from: 'closed' },
    onErasure: 'anonymise',
    enforcedBy: ['retention-timer'],
    reason:
      'What a resident typed (description, answers, their own updates, staff notes about them) may name people or homes: redacted with the reporter, the council’s and contractors’ own updates stay as the account of the work.',
  },
  'request-photo': {
    keepFor: { days: 2 * year, from: 'created' },
    onErasure: 'delete',
    enforcedBy: ['blob-lifecycle'],
    reason:
      'Photos show people, cars and homes; long enough for disputes and insurance claims, and removed from the request on erasure.',
  },
  'timeline-entry': {
    keepFor: { days: 6 * year, from: 'closed' },
    onErasure: 'anonymise',
    enforcedBy: ['retention-timer'],
    reason:
      'Part of the request’s record; the resident’s own entries lose their text on erasure (see request-free-text).',
  },
  dispatch: {
    keepFor: { days: 6 * year, from: 'closed' },
    onErasure: 'keep',
    enforcedBy: ['retention-timer'],
    reason:
      'The send state of a work order: back office, attempts, its reference. It holds nothing about the resident.',
  },
  'nearby-pin': {
    keepFor: { days: 0, from: 'closed' },
    onErasure: 'keep',
    enforcedBy: ['erasure-only'],
    reason:
      'An open request’s category, status and position for duplicate checks; removed when the request closes, and holds nothing about the resident.',
  },
  'outbox-event': {
    keepFor: { days: 7 * day, from: 'sent' },
    onErasure: 'delete',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'Kept a week after it was published, to investigate delivery; sent events of an erased resident’s requests and payments are deleted at once (pending ones are sent first, so partners hear of every change).',
  },
  'document-photo': {
    keepFor: { days: 2 * year, from: 'created' },
    onErasure: 'delete',
    enforcedBy: ['blob-lifecycle', 'retention-timer'],
    reason: 'Photos on service requests: long enough for disputes and insurance claims.',
  },
  'document-evidence': {
    keepFor: { days: 6 * year, from: 'created' },
    onErasure: 'delete',
    enforcedBy: ['blob-lifecycle', 'retention-timer'],
    reason:
      'Evidence for applications (blue badge, council tax): the retention schedules councils publish use about 6 years. The decision the evidence supported is recorded in the back office, not here.',
  },
  'quarantine-upload': {
    keepFor: { days: 1 * day, from: 'created' },
    onErasure: 'delete',
    enforcedBy: ['blob-lifecycle'],
    reason: 'A waiting room: a blob that was never scanned and moved within a day is deleted.',
  },
  payment: {
    keepFor: { days: 6 * year, from: 'finished' },
    onErasure: 'anonymise',
    enforcedBy: ['retention-timer'],
    reason:
      'Financial records: kept 6 years after the end of the financial year they belong to (Limitation Act 1980 s.5; HMRC’s record keeping for VAT). On erasure the payment stays as the council’s record of money taken, with the payer’s account id replaced by "erased".',
  },
  refund: {
    keepFor: { days: 6 * year, from: 'finished' },
    onErasure: 'keep',
    enforcedBy: ['retention-timer'],
    reason:
      'Financial records, as payments; a refund names only the staff who asked and approved it, which stays as the audit of who moved money.',
  },
  'ignored-webhook': {
    keepFor: { days: 90 * day, from: 'created' },
    onErasure: 'keep',
    enforcedBy: ['cosmos-ttl'],
    reason: 'GOV.UK Pay’s ids of a webhook Doorstep did not act on; nothing about a resident.',
  },
  notification: {
    keepFor: 'until-used',
    onErasure: 'delete',
    enforcedBy: ['queue-ttl'],
    reason:
      'A notification job lives on the notifications queue only until sent; contact details are read at send time, so a job for an erased resident finds no profile and sends nothing. GOV.UK Notify keeps what it sent for 7 days.',
  },
  idempotency: {
    keepFor: { days: 1 * day, from: 'created' },
    onErasure: 'delete',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'Makes a retried create safe for a day; the record names the resource it created, so the ones naming an erased resident’s resources are deleted at once.',
  },
  'audit-entry': {
    keepFor: { days: 2 * year, from: 'created' },
    onErasure: 'keep',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'Who in the council or a partner read a resident’s personal data, when and why (accountability, UK GDPR Art. 5(2)); append-only so that nobody can hide a read, including by erasing the resident: it expires on its own.',
  },
  'export-archive': {
    keepFor: { days: 7 * day, from: 'created' },
    onErasure: 'delete',
    enforcedBy: ['retention-timer', 'blob-lifecycle'],
    reason: 'A copy of everything about a resident, made for them: a week to download it, then deleted.',
  },
  'privacy-job': {
    keepFor: { days: 30 * day, from: 'completed' },
    onErasure: 'delete',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'An export job’s state, to resume it after a crash and answer "where is my export"; gone 30 days after it finished.',
  },
  'erasure-record': {
    keepFor: { days: 6 * year, from: 'completed' },
    onErasure: 'keep',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'Proof that an erasure was asked for and done (who asked, when, how many records of each kind, which rules kept what). It holds only a one-way hash of the account id, never the id or contact details.',
  },
  'open311-client': {
    keepFor: 'while-account-active',
    onErasure: 'keep',
    enforcedBy: ['erasure-only'],
    reason: 'An Open311 client (an organisation’s system) and its key’s hash; nothing about a resident.',
  },
  'open-data': {
    keepFor: { days: 6 * year, from: 'created' },
    onErasure: 'keep',
    enforcedBy: ['blob-lifecycle'],
    reason:
      'Published, anonymous service-request data (decision 1120): nothing in it relates to a person, so erasure has nothing to remove; kept as long as the requests it describes.',
  },
  device: {
    keepFor: 'until-used',
    onErasure: 'keep',
    enforcedBy: ['erasure-only'],
    reason:
      'A registered sensor (decision 1125): its type, where it is and the service it reports to, kept while it is deployed. A device in a council home is at that home, so its place is a home; it names no person.',
  },
  'device-state': {
    keepFor: 'until-used',
    onErasure: 'keep',
    enforcedBy: ['erasure-only'],
    reason:
      'Whether a sensor’s incident is open and which request it raised, to raise one request per incident; replaced with each reading and removed with the device. Only the latest reading is kept, never a history.',
  },
  'device-reading': {
    keepFor: { days: 1 * day, from: 'sent' },
    onErasure: 'delete',
    enforcedBy: ['queue-ttl'],
    reason:
      'A reading waits on the device-readings queue only until applied (a day at most); readings inside a home describe the household’s home, so none is stored.',
  },
};

/** Accounts not signed in to for this long are closed and erased by the retention timer. */
export const inactiveAccountDays = 3 * year;

/** The rule's period in seconds, for records that set their own Cosmos DB `ttl`. */
export function ttlSecondsOf(type: RecordType): number {
  const keep = retentionRules[type].keepFor;
  if (typeof keep === 'string') throw new Error(`${type} has no fixed period`);
  return keep.days * 24 * 60 * 60;
}

/**
 * How long each kind of upload is kept, as Storage lifecycle rules that `infra/`
 * applies (prefix = container/purpose), derived from the rules above so the two
 * can never disagree.
 */
export interface LifecycleRule {
  readonly name: string;
  readonly prefix: string;
  readonly deleteAfterDays: number;
}

const blobRule = (type: RecordType, prefix: string): LifecycleRule => {
  const keep = retentionRules[type].keepFor;
  if (typeof keep === 'string' || keep.from !== 'created') throw new Error(`${type} is not kept from creation`);
  const period =
    keep.days % year === 0 && keep.days >= year
      ? `${keep.days / year}-years`
      : `${keep.days}-day${keep.days === 1 ? '' : 's'}`;
  return { name: `${prefix.split('/').filter(Boolean).pop() ?? type}-${period}`, prefix, deleteAfterDays: keep.days };
};

/**
 * Documents are written once, so a previous version exists only because a blob was
 * deleted (by erasure, or a rule above): it goes a day later. The app cannot delete
 * versions itself (that is `deleteBlobVersion`, only in Storage Blob Data Owner), and
 * soft-deleted copies then expire with the account's delete retention (decision 0930).
 */
export const previousVersionDeleteAfterDays = 1;

export const lifecycleRules: readonly LifecycleRule[] = [
  blobRule('quarantine-upload', 'quarantine/'),
  blobRule('document-photo', 'documents/photos/'),
  blobRule('document-evidence', 'documents/evidence/'),
  blobRule('export-archive', 'exports/'),
];
