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
  'account-activity',
  'records-document-id',
  'document-legal-hold',
  'consent',
  'councillor-enquiry',
  'councillor-wards',
  'report-bucket',
  'open-data',
  'device',
  'device-state',
  'device-reading',
  'councillor-contact',
  'councillor-notice',
] as const;
export type RecordType = (typeof recordTypes)[number];

export const retentionRules: Readonly<Record<RecordType, RetentionRule>> = {
  profile: {
    keepFor: 'while-account-active',
    onErasure: 'delete',
    enforcedBy: ['erasure-only', 'retention-timer'],
    reason:
      'Contact details and preferences exist only to serve the account; an account nobody has signed in to for 3 years is closed and erased by the retention timer, after a warning by GOV.UK Notify at least 30 days before (inactiveAccountDays, inactiveWarningDays). 3 years covers a resident who pays for garden waste or reports something once a year or two, with margin.',
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
      'The council’s record of a problem and what it did about it (asset management, insurance claims against the highway authority run 6 years under the Limitation Act 1980). On erasure it stays, detached from the person: no resident id, no reporter, no free text, no photos, no home address; the position is kept to about 100 m. The retention timer deletes it, with its events and send state, 6 years after it closed (counted from its last change, never earlier than its closing).',
  },
  'request-reporter': {
    keepFor: { days: 2 * year, from: 'closed' },
    onErasure: 'delete',
    enforcedBy: ['retention-timer'],
    reason:
      'Who reported a problem (account id, contact details an Open311 client sent) is needed to keep them informed and for follow-up questions, not for the record of the problem: removed 2 years after closing (the retention timer redacts the request as erasure does, and takes it out of the reporter’s My Account), and at once on erasure. 2 years: a reopened problem, or a complaint to the council and then the Ombudsman (12 months to complain), comes within it.',
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
    enforcedBy: ['retention-timer'],
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
    enforcedBy: ['retention-timer'],
    reason:
      'Photos on service requests: long enough for disputes and insurance claims. The retention timer deletes the record and its file 2 years after upload, except a document under legal hold (shared/uploads/legal-hold.ts), which no retention or erasure step deletes while the hold lasts; a Storage lifecycle rule cannot see a hold, so on documents/ it only clears previous versions.',
  },
  'document-evidence': {
    keepFor: { days: 6 * year, from: 'created' },
    onErasure: 'delete',
    enforcedBy: ['retention-timer'],
    reason:
      'Evidence for applications (blue badge, council tax): the retention schedules councils publish use about 6 years. The decision the evidence supported is recorded in the back office, not here. Deleted by the retention timer 6 years after upload, except under legal hold (as document-photo).',
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
      'Financial records: kept 6 years after the end of the financial year (to 31 March) in which the payment and its last refund finished (Limitation Act 1980 s.5; HMRC’s record keeping for VAT), then deleted by the retention timer with its refunds and events. On erasure the payment stays as the council’s record of money taken, with the payer’s account id replaced by "erased".',
  },
  refund: {
    keepFor: { days: 6 * year, from: 'finished' },
    onErasure: 'keep',
    enforcedBy: ['retention-timer'],
    reason:
      'Financial records, as payments (a refund is part of its payment’s record and goes with it); a refund names only the staff who asked and approved it, which stays as the audit of who moved money.',
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
    reason:
      'A copy of everything about a resident, made for them: a week to download it, then deleted by the privacy-jobs timer (a lifecycle rule on exports/ catches any the timer missed).',
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
  'account-activity': {
    keepFor: 'while-account-active',
    onErasure: 'delete',
    enforcedBy: ['erasure-only', 'retention-timer'],
    reason:
      'The day a resident last used their account (written at most once a day) and when they were warned it would close: what makes closing inactive accounts possible, so it lives and goes with the account.',
  },
  'records-document-id': {
    keepFor: { days: 6 * year, from: 'created' },
    onErasure: 'delete',
    enforcedBy: ['retention-timer'],
    reason:
      'The records system’s own id for a filed document, on the document’s record: kept and deleted with it, so staff can find the filed copy. The filed copy itself is the records system’s, under the council’s retention schedule.',
  },
  'document-legal-hold': {
    keepFor: 'until-used',
    onErasure: 'keep',
    enforcedBy: ['erasure-only'],
    reason:
      'A legal hold the records system placed (litigation, an inquiry, an Ombudsman complaint): while it stands, the document and its file are kept whatever their own rule says, erasure included (UK GDPR Art. 17(3)(e): legal claims); released by the records system, the document’s own rule applies again.',
  },
  consent: {
    keepFor: 'while-account-active',
    onErasure: 'delete',
    enforcedBy: ['erasure-only'],
    reason:
      'A resident’s consent to share care events with a named health or social care partner (UK GDPR Art. 6(1)(a), 9(2)(a)); kept while it stands or as withdrawn, to show what was shared and when (Art. 7(1)); deleted with the account.',
  },
  'councillor-enquiry': {
    keepFor: { days: 2 * year, from: 'created' },
    onErasure: 'keep',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'A councillor’s enquiry for a resident (their name and contact details, and how and when they consented) is kept 2 years, as members’ casework correspondence commonly is, to answer follow-ups and complaints; the resident has no account here, so erasing an account never finds it: a request to the council’s data protection officer does.',
  },
  'councillor-wards': {
    keepFor: 'while-account-active',
    onErasure: 'keep',
    enforcedBy: ['erasure-only'],
    reason: 'Which wards an elected member serves: public information, replaced at each election or boundary review.',
  },
  'report-bucket': {
    keepFor: { days: 6 * year, from: 'created' },
    onErasure: 'keep',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'Managers’ reporting index: request ids and times per service, ward and day, no personal data; kept as long as the requests it counts.',
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
  'councillor-contact': {
    keepFor: { days: 1 * year, from: 'last-sign-in' },
    onErasure: 'keep',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'A councillor’s work email address from the council’s own directory, where they are told of their enquiries (decision 1052); refreshed each day they use casework, so it goes a year after a councillor stops (a term ends, or they lose the role). Not a resident’s: erasing a resident’s account never finds it.',
  },
  'councillor-notice': {
    keepFor: { days: 7 * day, from: 'sent' },
    onErasure: 'keep',
    enforcedBy: ['cosmos-ttl'],
    reason:
      'Ids only: that one update was emailed to a councillor, so a redelivered job is not sent again; a week outlasts every redelivery.',
  },
};

/** Accounts not signed in to for this long are closed and erased by the retention timer. */
export const inactiveAccountDays = 3 * year;
/** The warning by GOV.UK Notify comes this long before an inactive account closes; signing in keeps it open. */
export const inactiveWarningDays = 30 * day;
/** Closed requests lose their reporter, free text and photos this long after closing (rules request-reporter, request-free-text). */
export const requestRedactAfterDays = 2 * year;

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
  /**
   * Base blobs deleted after this many days; null where the retention timer deletes them
   * instead, because a document under legal hold must stay and a lifecycle rule cannot
   * know of the hold (the rule then only clears previous versions).
   */
  readonly deleteAfterDays: number | null;
}

const blobRule = (type: RecordType, prefix: string): LifecycleRule => {
  const keep = retentionRules[type].keepFor;
  if (typeof keep === 'string' || keep.from !== 'created') throw new Error(`${type} is not kept from creation`);
  const period =
    keep.days % year === 0 && keep.days >= year
      ? `${keep.days / year}-years`
      : `${keep.days}-day${keep.days === 1 ? '' : 's'}`;
  const byTimer = !retentionRules[type].enforcedBy.includes('blob-lifecycle');
  return {
    name: `${prefix.split('/').filter(Boolean).pop() ?? type}-${byTimer ? 'versions' : period}`,
    prefix,
    deleteAfterDays: byTimer ? null : keep.days,
  };
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
