/**
 * Councillors' casework: a councillor raises an enquiry for a resident, staff answer
 * it within a number of working days (and are reminded before they miss it), the
 * councillor follows it and sees the requests in their wards.
 *
 * The councillor is the request's reporter (its `residentId`); the resident's details live
 * only on the enquiry (decision 1042). A councillor has no resident profile, so they hear of
 * their enquiries' progress by email at the address their workforce directory vouches for,
 * refreshed each time they raise or view an enquiry, unless they turn it off (decision 1052).
 */
import { randomUUID } from 'node:crypto';
import { recordStaffAccess, type AccessLog } from '../audit/access-log.js';
import { conflict, notFound, validationFailed } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import type { CouncillorContacts, NotifyPort } from '../notifications/notifications.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { submitServiceRequest, type ServiceRequestDeps } from '../service-requests/service-requests.js';
import { isOpen } from '../service-requests/status.js';
import { isUuid } from '../data/ids.js';
import { retentionRules } from '../data/retention.js';
import type { Ward } from '../wards/ward-set.js';
import {
  enquiryTransitions,
  type CouncillorContactDoc,
  type CouncillorWardsDoc,
  type EnquiryDoc,
  type EnquiryState,
  type NewEnquiry,
} from './model.js';
import type { CaseworkStore, WardRequest } from './store.js';
import { addWorkingDays, ukDate } from './working-days.js';

export interface CaseworkDeps {
  readonly casework: CaseworkStore;
  readonly serviceRequests: ServiceRequestDeps;
  readonly accessLog: AccessLog;
  readonly wards: readonly Ward[];
  readonly responseWorkingDays: number;
  readonly reminderWorkingDays: number;
  readonly now: () => Date;
}

const keepSeconds = (() => {
  const keep = retentionRules['councillor-enquiry'].keepFor;
  if (typeof keep === 'string') throw new Error('councillor-enquiry must have a fixed period');
  return keep.days * 86_400;
})();

const contactKeepSeconds = (() => {
  const keep = retentionRules['councillor-contact'].keepFor;
  if (typeof keep === 'string') throw new Error('councillor-contact must have a fixed period');
  return keep.days * 86_400;
})();
const noticeKeepSeconds = (() => {
  const keep = retentionRules['councillor-notice'].keepFor;
  if (typeof keep === 'string') throw new Error('councillor-notice must have a fixed period');
  return keep.days * 86_400;
})();

/**
 * Keeps where the councillor is told in step with their directory: the token's `email` claim
 * (workforce tokens only, shared/identity/principal.ts), written when it changed or was last
 * vouched for on another day, so a view costs at most one write a day. Their choice is kept.
 */
async function refreshContact(
  principal: Principal,
  deps: Pick<CaseworkDeps, 'casework' | 'now'>,
): Promise<CouncillorContactDoc | undefined> {
  const current = await deps.casework.contactOf(principal.sub);
  const email = principal.issuer === 'workforce' ? principal.email : undefined;
  const now = deps.now();
  const today = ukDate(now);
  if (email === undefined || (current?.email === email && current.seenOn === today)) return current;
  const doc: CouncillorContactDoc = {
    id: 'contact',
    pk: principal.sub,
    kind: 'councillor-contact',
    councillor: principal.sub,
    email,
    emailUpdates: current?.emailUpdates ?? true,
    seenOn: today,
    updatedAt: now.toISOString(),
    ttl: contactKeepSeconds,
  };
  // Another write came first (a parallel view, or the councillor's choice): the next view refreshes.
  return (await deps.casework.putContact(doc, current)) ?? deps.casework.contactOf(principal.sub);
}

/** Where the councillor is told of their enquiries, and whether (decision 1052). */
export async function councillorNotifications(principal: Principal, deps: Pick<CaseworkDeps, 'casework' | 'now'>) {
  requireRole(principal, 'councillor');
  return refreshContact(principal, deps);
}

/** The councillor turns the emails about their enquiries on or off; the address stays the directory's. */
export async function setCouncillorNotifications(
  body: { readonly emailUpdates: boolean },
  principal: Principal,
  deps: Pick<CaseworkDeps, 'casework' | 'now'>,
): Promise<CouncillorContactDoc> {
  requireRole(principal, 'councillor');
  let current = await refreshContact(principal, deps);
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.now();
    const doc: CouncillorContactDoc = {
      id: 'contact',
      pk: principal.sub,
      kind: 'councillor-contact',
      councillor: principal.sub,
      ...(current?.email ? { email: current.email } : {}),
      emailUpdates: body.emailUpdates,
      seenOn: current?.seenOn ?? ukDate(now),
      updatedAt: now.toISOString(),
      ttl: contactKeepSeconds,
    };
    const written = await deps.casework.putContact(doc, current);
    if (written) return written;
    current = await deps.casework.contactOf(principal.sub);
  }
  throw conflict('Your notification settings were being changed at the same time: try again.');
}

/** The notifier's view of councillors' contacts (shared/notifications), over the casework store. */
export function councillorContacts(
  casework: Pick<CaseworkStore, 'contactOf' | 'claimNotice' | 'releaseNotice'>,
  now: () => Date,
): CouncillorContacts {
  const noticeId = (jobId: string) => `notice:${jobId}`;
  return {
    async emailFor(councillor) {
      const contact = await casework.contactOf(councillor);
      return contact?.emailUpdates ? contact.email : undefined;
    },
    claim: (jobId, councillor) =>
      casework.claimNotice({
        id: noticeId(jobId),
        pk: councillor,
        kind: 'councillor-notice',
        claimedAt: now().toISOString(),
        ttl: noticeKeepSeconds,
      }),
    release: (jobId, councillor) => casework.releaseNotice(noticeId(jobId), councillor),
  };
}

const move = (from: EnquiryState, to: EnquiryState) => {
  if (!enquiryTransitions[from].includes(to)) throw new Error(`An enquiry cannot move from ${from} to ${to}.`);
  return to;
};

/** The response deadline and reminder day for an enquiry raised at `at`. */
export function deadlinesFor(
  at: Date,
  deps: Pick<CaseworkDeps, 'responseWorkingDays' | 'reminderWorkingDays'>,
): { respondBy: string; remindOn: string } {
  const respondBy = addWorkingDays(ukDate(at), deps.responseWorkingDays);
  const reminder = Math.min(deps.reminderWorkingDays, deps.responseWorkingDays - 1);
  return { respondBy, remindOn: addWorkingDays(respondBy, -Math.max(0, reminder)) };
}

/**
 * A councillor raises an enquiry: the request is made through the same use case as a
 * resident's (wards, dispatch, events and notifications apply), flagged as an enquiry;
 * then the enquiry, with the resident and their consent, is written beside it. A retry
 * with the same Idempotency-Key finds the request and finishes the enquiry.
 */
export async function raiseEnquiry(
  input: { readonly body: NewEnquiry; readonly idempotencyKey: string | undefined },
  principal: Principal,
  deps: CaseworkDeps,
): Promise<{ enquiry: EnquiryDoc; request: ServiceRequestDoc; replay: boolean }> {
  requireRole(principal, 'councillor');
  await refreshContact(principal, deps);
  const now = deps.now();
  if (Date.parse(input.body.consent.givenAt) > now.getTime() + 60_000)
    throw validationFailed([{ pointer: '/consent/givenAt', detail: 'Consent cannot be given in the future.' }]);
  const { respondBy, remindOn } = deadlinesFor(now, deps);
  const { request, replay } = await submitServiceRequest(
    {
      body: input.body.request,
      idempotencyKey: input.idempotencyKey,
      enquiry: { id: randomUUID(), councillor: principal.sub, respondBy },
    },
    principal,
    deps.serviceRequests,
  );
  // On a replay the request holds the first attempt's enquiry id and deadline.
  const link = request.enquiry ?? { id: randomUUID(), councillor: principal.sub, respondBy };
  const existing = replay ? await deps.casework.findEnquiry(link.id) : undefined;
  if (existing) return { enquiry: existing, request, replay };
  const at = request.createdAt;
  const { resident, consent } = input.body;
  const enquiry: EnquiryDoc = {
    id: link.id,
    pk: principal.sub,
    kind: 'enquiry',
    councillor: principal.sub,
    requestId: request.id,
    serviceCode: request.serviceCode,
    ...(request.ward ? { ward: request.ward } : {}),
    resident: {
      name: resident.name,
      ...(resident.email ? { email: resident.email } : {}),
      ...(resident.phone ? { phone: resident.phone } : {}),
      ...(resident.address ? { address: resident.address } : {}),
    },
    consent: { how: consent.how, givenAt: consent.givenAt, recordedBy: principal.sub, recordedAt: at },
    raisedAt: at,
    respondBy: link.respondBy,
    remindOn: link.respondBy === respondBy ? remindOn : deadlinesFor(new Date(at), deps).remindOn,
    state: 'awaiting-response',
    ttl: keepSeconds,
  };
  await deps.casework.putEnquiry(enquiry);
  return { enquiry, request, replay };
}

/** The most enquiries one list returns (a councillor has tens a month). */
export const maxListed = 200;

export async function listMyEnquiries(principal: Principal, deps: Pick<CaseworkDeps, 'casework' | 'now'>) {
  requireRole(principal, 'councillor');
  await refreshContact(principal, deps);
  return deps.casework.enquiriesOf(principal.sub, maxListed);
}

/** Staff: every enquiry still awaiting a response, soonest deadline first. No resident's details. */
export async function listAwaitingResponse(principal: Principal, deps: Pick<CaseworkDeps, 'casework'>) {
  requireRole(principal, 'staff');
  return deps.casework.awaitingResponse(maxListed);
}

/**
 * One enquiry with the resident's details: its councillor, or staff, whose every read
 * is recorded first (the resident has no account id: the audit entry is filed under
 * `enquiry:<id>`, decision 1042).
 */
export async function getEnquiry(
  id: string,
  principal: Principal,
  as: 'councillor' | 'staff',
  deps: Pick<CaseworkDeps, 'casework' | 'accessLog' | 'now'>,
  reason?: string | null,
): Promise<EnquiryDoc> {
  // The route's role first, so a caller without it learns nothing about which enquiries exist.
  requireRole(principal, as);
  const enquiry = isUuid(id) ? await deps.casework.findEnquiry(id) : undefined;
  if (!enquiry || (as === 'councillor' && enquiry.councillor !== principal.sub)) throw notFound('The enquiry');
  if (as === 'councillor') await refreshContact(principal, deps);
  if (as === 'staff')
    await recordStaffAccess(
      deps.accessLog,
      principal,
      `enquiry:${enquiry.id}`,
      { type: 'enquiry', id: enquiry.id },
      'enquiry.read',
      reason,
    );
  return enquiry;
}

/** Admins say which wards a councillor serves (wards change at elections and boundary reviews). */
export async function assignWards(
  councillor: string,
  wardCodes: readonly string[],
  principal: Principal,
  deps: Pick<CaseworkDeps, 'casework' | 'wards' | 'now'>,
): Promise<CouncillorWardsDoc> {
  requireRole(principal, 'admin');
  const known = new Set(deps.wards.map((w) => w.code));
  const errors = wardCodes
    .map((code, i) => ({ code, i }))
    .filter(({ code }) => !known.has(code))
    .map(({ i }) => ({ pointer: `/wards/${i}`, detail: 'Choose a ward from /api/wards.' }));
  if (errors.length > 0) throw validationFailed(errors);
  if (!/^[A-Za-z0-9._@-]{1,128}$/.test(councillor)) throw notFound('The councillor');
  const doc: CouncillorWardsDoc = {
    id: 'wards',
    pk: councillor,
    kind: 'councillor-wards',
    councillor,
    wards: [...new Set(wardCodes)],
    updatedAt: deps.now().toISOString(),
    updatedBy: principal.sub,
  };
  await deps.casework.putWards(doc);
  return doc;
}

/** The most requests one ward list returns, newest first. */
export const maxWardRequests = 100;

/** A councillor's wards' requests: what, where (ward) and how it is going; never who reported them. */
export async function requestsInMyWards(
  query: { ward?: string | undefined },
  principal: Principal,
  deps: Pick<CaseworkDeps, 'casework'>,
): Promise<{ wards: readonly string[]; requests: WardRequest[] }> {
  requireRole(principal, 'councillor');
  const mine = await deps.casework.wardsOf(principal.sub);
  if (query.ward !== undefined && !mine.includes(query.ward))
    throw validationFailed([{ pointer: '/ward', detail: 'Choose one of your wards.' }]);
  const wards = query.ward !== undefined ? [query.ward] : mine;
  return { wards: mine, requests: await deps.casework.requestsInWards(wards, maxWardRequests) };
}

export interface ReminderDeps {
  readonly casework: CaseworkStore;
  readonly getRequest: (id: string) => Promise<ServiceRequestDoc | undefined>;
  readonly notify: NotifyPort;
  /** The GOV.UK Notify email template for reminders; none configured: reminders cannot go. */
  readonly templateId: string | undefined;
  /** The team mailbox told of enquiries about to miss their deadline. */
  readonly mailbox: string | undefined;
  readonly now: () => Date;
}

/** Has the council responded: a status change or public update by the council or its contractor since it was raised? */
export const hasResponse = (request: ServiceRequestDoc, raisedAt: string): boolean =>
  !isOpen(request.status) ||
  request.timeline.some((t) => t.at > raisedAt && (t.by === 'council' || t.by === 'partner') && t.kind !== 'submitted');

/** The most enquiries one timer run looks at (the rest wait for the next run). */
export const maxRemindersPerRun = 100;

/**
 * The reminder timer: every enquiry awaiting a response is checked for one and marked
 * answered when it has been (so councillors and staff see it within one run, and one
 * answered after its reminder is not left awaiting for ever); each whose reminder day
 * has come and that is still unanswered is reminded, once. The claim is written before
 * the email goes, conditional on the ETag, so two runs never both send; a failed send
 * gives the claim back for the next run.
 */
export async function sendEnquiryReminders(
  deps: ReminderDeps,
): Promise<{ reminded: number; responded: number; skipped: number }> {
  const now = deps.now();
  const today = ukDate(now);
  // Two reads, so that old unanswered enquiries (already reminded) never crowd out new reminders.
  const [awaiting, due] = await Promise.all([
    deps.casework.awaitingResponse(maxRemindersPerRun),
    deps.casework.dueReminders(today, maxRemindersPerRun),
  ]);
  let reminded = 0;
  let responded = 0;
  let skipped = 0;
  const checked = new Set<string>();
  const markIfAnswered = async (enquiry: EnquiryDoc): Promise<boolean> => {
    checked.add(enquiry.id);
    const request = await deps.getRequest(enquiry.requestId);
    if (!request || !hasResponse(request, enquiry.raisedAt)) return false;
    const answered = request.timeline.find(
      (t) => t.at > enquiry.raisedAt && (t.by === 'council' || t.by === 'partner') && t.kind !== 'submitted',
    );
    if (
      await deps.casework.replaceIfUnchanged({
        ...enquiry,
        state: move(enquiry.state, 'responded'),
        respondedAt: answered?.at ?? request.updatedAt,
      })
    )
      responded++;
    return true;
  };
  const answeredNow = new Set<string>();
  for (const enquiry of awaiting) if (await markIfAnswered(enquiry)) answeredNow.add(enquiry.id);
  for (const enquiry of due) {
    if (answeredNow.has(enquiry.id)) continue;
    if (!checked.has(enquiry.id) && (await markIfAnswered(enquiry))) continue;
    if (!deps.templateId || !deps.mailbox) {
      skipped++;
      continue;
    }
    const claimed = { ...enquiry, reminder: { sentAt: now.toISOString() } };
    if (!(await deps.casework.replaceIfUnchanged(claimed))) continue;
    try {
      // The reference makes a resend recognisable in Notify; no resident's details go in the email.
      await deps.notify.send(
        'email',
        deps.templateId,
        deps.mailbox,
        {
          reference: enquiry.id,
          request: enquiry.requestId,
          service_code: enquiry.serviceCode,
          councillor: enquiry.councillor,
          respond_by: enquiry.respondBy,
        },
        `enquiry-reminder:${enquiry.id}`,
      );
      reminded++;
    } catch (error) {
      const current = await deps.casework.findEnquiry(enquiry.id);
      if (current?.reminder?.sentAt === claimed.reminder.sentAt) {
        const unclaimed: EnquiryDoc = { ...current };
        delete (unclaimed as { reminder?: unknown }).reminder;
        await deps.casework.replaceIfUnchanged(unclaimed);
      }
      throw error;
    }
  }
  return { reminded, responded, skipped };
}
