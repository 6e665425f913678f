/**
 * Retention enforced (UK GDPR Art. 5(1)(e)): the schedules that no Cosmos DB TTL or
 * Storage lifecycle rule can carry, run by the daily `retention` timer. Each pass
 * works through what is due at `now` and is safe to repeat: every change re-reads the
 * record and checks the rule again before it writes, so a pass that dies midway is
 * finished by the next one. The periods are `shared/data/retention.ts`'s:
 * - closed requests: reporter, free text and photos removed after `requestRedactAfterDays`,
 *   the request itself deleted after the `request` rule (6 years);
 * - documents: deleted by purpose (`document-photo`, `document-evidence`), never one under
 *   legal hold;
 * - payments with their refunds: deleted 6 years after the end of the financial year they
 *   finished in;
 * - accounts unused for `inactiveAccountDays`: warned through GOV.UK Notify
 *   `inactiveWarningDays` before, then erased by the erasure job.
 */
import { randomUUID } from 'node:crypto';
import {
  inactiveAccountDays,
  inactiveWarningDays,
  requestRedactAfterDays,
  retentionRules,
  type RecordType,
} from '../data/retention.js';
import type { PaymentDoc } from '../payments/model.js';
import { isFinal } from '../payments/status.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { isOpen } from '../service-requests/status.js';
import type { Purpose } from '../uploads/policy.js';
import { runErasure, startErasure, redactClosedRequest, type ErasureDeps } from './erasure.js';
import type { PrivacyNotices } from './notices.js';

const dayMs = 86_400_000;

/** A resident's account activity (residents container, id `activity`, pk = resident id). */
export interface AccountActivity {
  readonly id: 'activity';
  readonly residentId: string;
  readonly kind: 'activity';
  /** The UTC day the resident last used the account (a verified token of theirs reached the API). */
  readonly lastSeenOn?: string;
  /** When the resident was warned the account would close, and the day it closes. */
  readonly warnedAt?: string;
  readonly closesOn?: string;
  readonly _etag?: string;
}

/** An account the store found unused since before the warning point. */
export interface QuietAccount {
  readonly residentId: string;
  /** The later of the last day seen and the profile's last change (a profile older than last-seen tracking has only that). */
  readonly lastSeen: string;
  readonly warnedAt?: string;
  readonly closesOn?: string;
}

export interface RetentionStores {
  /** Closed requests last changed before `before` and not yet redacted. */
  requestsToRedact(before: string, max: number): Promise<string[]>;
  /** Closed requests last changed before `before`. */
  requestsToDelete(before: string, max: number): Promise<string[]>;
  /** Re-reads the request and writes `change`'s result (If-Match); takes it out of the reporter's My Account. */
  redactRequest(id: string, change: (doc: ServiceRequestDoc) => ServiceRequestDoc | undefined): Promise<boolean>;
  /** Deletes the request's partition (events, send state), pointers to it and its My Account entry if `due` still holds. */
  deleteRequest(id: string, due: (doc: ServiceRequestDoc) => boolean): Promise<boolean>;
  /** Documents of each purpose created before that purpose's time. */
  documentsDue(before: Readonly<Record<Purpose, string>>, max: number): Promise<string[]>;
  /** Deletes the document, its files and its My Account entry unless it is held; `held` when it is. */
  deleteDocument(id: string, before: Readonly<Record<Purpose, string>>): Promise<'deleted' | 'held' | 'not-due'>;
  /** Finished payments last changed before `before` (a superset: `due` decides). */
  paymentsDue(before: string, max: number): Promise<string[]>;
  deletePayment(id: string, due: (doc: PaymentDoc) => boolean): Promise<boolean>;
  /** Accounts whose last activity is before `before`. */
  quietAccounts(before: string, max: number): Promise<QuietAccount[]>;
  /** Records the warning; false when the resident came back (or changed) in the meantime. */
  markWarned(residentId: string, at: string, closesOn: string, seenBefore: string): Promise<boolean>;
}

export interface RetentionDeps {
  readonly retention: RetentionStores;
  readonly notices: Pick<PrivacyNotices, 'accountClosing'>;
  /** Inactive accounts are closed by the same erasure job a resident starts (decision 0930). */
  readonly erasure: ErasureDeps;
  readonly now: () => Date;
}

export interface RetentionReport {
  readonly redacted: number;
  readonly requestsDeleted: number;
  readonly documentsDeleted: number;
  readonly documentsHeld: number;
  readonly paymentsDeleted: number;
  readonly warned: number;
  readonly closed: number;
}

const daysOf = (type: RecordType): number => {
  const keep = retentionRules[type].keepFor;
  if (typeof keep === 'string') throw new Error(`${type} has no fixed period`);
  return keep.days;
};
const before = (now: Date, days: number) => new Date(now.getTime() - days * dayMs).toISOString();

/** The end of the UK financial year (31 March, inclusive) that `at` falls in. */
export function endOfFinancialYear(at: Date): Date {
  const year = at.getUTCMonth() >= 3 ? at.getUTCFullYear() + 1 : at.getUTCFullYear();
  return new Date(Date.UTC(year, 3, 1) - 1);
}

/** A payment may go once final, with no refund under way, 6 years after the end of the financial year it last changed in. */
export function paymentDue(doc: PaymentDoc, now: Date): boolean {
  if (!isFinal(doc.status) || doc.openRefunds === true) return false;
  const lastChange = [doc.updatedAt, ...doc.refunds.map((r) => r.updatedAt)].sort().at(-1) ?? doc.updatedAt;
  const keepUntil = endOfFinancialYear(new Date(lastChange)).getTime() + daysOf('payment') * dayMs;
  return now.getTime() > keepUntil;
}

const closedBefore = (doc: ServiceRequestDoc, cutoff: string) => !isOpen(doc.status) && doc.updatedAt < cutoff;

/** One pass of every schedule; at most `max` records of each kind, so a backlog drains over several days. */
export async function enforceRetention(deps: RetentionDeps, max = 200): Promise<RetentionReport> {
  const { retention: stores } = deps;
  const now = deps.now();
  const at = now.toISOString();

  // Requests: redact first, so a request due for both is never deleted with its reporter still on it.
  const redactBefore = before(now, requestRedactAfterDays);
  let redacted = 0;
  for (const id of await stores.requestsToRedact(redactBefore, max))
    if (
      await stores.redactRequest(id, (doc) =>
        closedBefore(doc, redactBefore) && !('redactedAt' in doc) ? redactClosedRequest(doc, at) : undefined,
      )
    )
      redacted++;
  const deleteBefore = before(now, daysOf('request'));
  let requestsDeleted = 0;
  for (const id of await stores.requestsToDelete(deleteBefore, max))
    if (await stores.deleteRequest(id, (doc) => closedBefore(doc, deleteBefore))) requestsDeleted++;

  const documentsBefore: Record<Purpose, string> = {
    photo: before(now, daysOf('document-photo')),
    evidence: before(now, daysOf('document-evidence')),
  };
  let documentsDeleted = 0;
  let documentsHeld = 0;
  for (const id of await stores.documentsDue(documentsBefore, max)) {
    const outcome = await stores.deleteDocument(id, documentsBefore);
    if (outcome === 'deleted') documentsDeleted++;
    if (outcome === 'held') documentsHeld++;
  }

  // Payments are asked for by their last change 6 years ago; paymentDue adds the rest of the financial year.
  let paymentsDeleted = 0;
  for (const id of await stores.paymentsDue(before(now, daysOf('payment')), max))
    if (await stores.deletePayment(id, (doc) => paymentDue(doc, now))) paymentsDeleted++;

  const { warned, closed } = await closeInactiveAccounts(deps, now, max);
  return { redacted, requestsDeleted, documentsDeleted, documentsHeld, paymentsDeleted, warned, closed };
}

async function closeInactiveAccounts(
  deps: RetentionDeps,
  now: Date,
  max: number,
): Promise<{ warned: number; closed: number }> {
  const warnFrom = before(now, inactiveAccountDays - inactiveWarningDays);
  const closeFrom = before(now, inactiveAccountDays);
  let warned = 0;
  let closed = 0;
  for (const quiet of await deps.retention.quietAccounts(warnFrom, max)) {
    // A warning counts only if it came after the last time the resident was seen: coming back cancels it.
    const warning = quiet.warnedAt && quiet.warnedAt >= quiet.lastSeen ? quiet.warnedAt : undefined;
    if (!warning) {
      const closesOn = new Date(
        Math.max(Date.parse(quiet.lastSeen) + inactiveAccountDays * dayMs, now.getTime() + inactiveWarningDays * dayMs),
      );
      try {
        // Told first, recorded after: a crash between sends the same notice again (same reference), never none.
        await deps.notices.accountClosing(quiet.residentId, closesOn);
        if (await deps.retention.markWarned(quiet.residentId, now.toISOString(), closesOn.toISOString(), warnFrom))
          warned++;
      } catch {
        // Notify unavailable: the next pass warns again; nobody is closed without a recorded warning.
      }
      continue;
    }
    const noticeOver = Date.parse(warning) + inactiveWarningDays * dayMs <= now.getTime();
    if (!noticeOver || quiet.lastSeen >= closeFrom) continue;
    const holder = randomUUID();
    try {
      const job = await startErasure(
        quiet.residentId,
        { by: 'retention', at: now.toISOString() },
        deps.erasure,
        holder,
      );
      await runErasure(job.id, deps.erasure, holder);
      closed++;
    } catch {
      // The job is durable: the privacy-jobs timer finishes it.
    }
  }
  return { warned, closed };
}
