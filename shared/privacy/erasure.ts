/**
 * Erasure and account deletion (UK GDPR Art. 17): a durable job, one document in
 * the `privacy` container, that walks every store in steps. Each step is safe to
 * run twice, and is marked done only after its work, so a job that dies anywhere
 * is picked up by the `privacy-jobs` timer once its lease runs out, and finishes.
 * What each record type becomes is `shared/data/retention.ts`'s rule for it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import { retryWhileStale, stale } from '../data/retry-stale.js';
import { requireRole, type Principal } from '../identity/principal.js';
import type { PaymentDoc } from '../payments/model.js';
import type { ServiceRequestDoc, TimelineEntry } from '../service-requests/model.js';
import { retentionRules, ttlSecondsOf, type RecordType } from '../data/retention.js';
import type { AccessLog } from '../audit/access-log.js';

export const erasureSteps = [
  'collect',
  'documents',
  'requests',
  'payments',
  'idempotency',
  'residents',
  'announce',
  'finish',
] as const;
export type ErasureStep = (typeof erasureSteps)[number];

export const erasureStates = ['running', 'completed'] as const;
export type ErasureState = (typeof erasureStates)[number];
export const erasureTransitions: Readonly<Record<ErasureState, readonly ErasureState[]>> = {
  running: ['running', 'completed'],
  // A resident who signs up again and asks again starts a new erasure.
  completed: ['running'],
};

/** Who the job is about: held only while it runs (rule `privacy-job`), gone from the completed record. */
export interface ErasureSubject {
  readonly residentId: string;
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
}

export interface ErasureFound {
  readonly requestIds: readonly string[];
  readonly paymentIds: readonly string[];
  readonly documentIds: readonly string[];
}

export interface ErasureJob {
  readonly id: string;
  readonly pk: string;
  readonly type: 'erasure';
  readonly state: ErasureState;
  readonly subject?: ErasureSubject;
  /** `retention`: the retention timer closing an account unused for `inactiveAccountDays`, after warning the resident. */
  readonly asked: { readonly by: 'resident' | 'staff' | 'retention'; readonly staff?: string; readonly at: string };
  readonly done: readonly ErasureStep[];
  readonly found?: ErasureFound;
  /** Records handled per type; with `kept`, the proof of what happened. */
  readonly counts: Readonly<Partial<Record<RecordType, number>>>;
  /** Record types a retention rule kept (anonymised or whole), each named in the rules. */
  readonly kept: readonly RecordType[];
  readonly leaseUntil: string | null;
  /** Who holds the lease: the call that started the job runs it first without a race with the timer. */
  readonly leaseHolder?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt?: string;
  readonly ttl?: number;
  readonly _etag?: string;
}

export const staffErasureSchema = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe('Why staff are erasing this account (e.g. the letter it was asked by)'),
});

/** A one-way name for the resident that never shows their id: the job's id and partition. */
export const erasureJobId = (residentId: string) =>
  `erasure:${createHash('sha256').update(`doorstep-erasure:${residentId}`).digest('hex')}`;

export const erasedMarker = 'erased';
const removedText = '[removed: the person who wrote this asked for their data to be erased]';

/** Answers to list questions are catalogue codes (kebab-case), numbers or flags: kept. Anything typed is dropped. */
const isCode = (v: unknown): boolean =>
  typeof v === 'number' ||
  typeof v === 'boolean' ||
  (typeof v === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(v)) ||
  (Array.isArray(v) && v.every(isCode));

const roundTo100m = (n: number | undefined) => (n === undefined ? undefined : Math.round(n * 1000) / 1000);

/** A request detached from its reporter: rules `request`, `request-reporter`, `request-free-text`, `request-photo`, `timeline-entry`. */
export function anonymiseRequest(
  doc: ServiceRequestDoc,
  subject: ErasureSubject,
  at: string,
  removed: string = removedText,
): ServiceRequestDoc {
  const { reporter: _reporter, mediaUrls: _mediaUrls, descriptionTruncated: _cut, ...rest } = doc;
  const lat = roundTo100m(doc.location.lat);
  const long = roundTo100m(doc.location.long);
  const timeline = doc.timeline.map((e): TimelineEntry => {
    if (e.by !== 'resident' || e.text === undefined) return e;
    const { photoUrl: _photo, ...entry } = e;
    return { ...entry, text: removed };
  });
  return {
    ...rest,
    // A report an Open311 client sent stays that client's (its id is an organisation's, not the person's).
    residentId: doc.residentId === subject.residentId ? erasedMarker : doc.residentId,
    description: removed,
    attributes: Object.fromEntries(Object.entries(doc.attributes).filter(([, v]) => isCode(v))),
    location: { ...(lat !== undefined ? { lat } : {}), ...(long !== undefined ? { long } : {}) },
    photos: [],
    timeline,
    internalNotes: doc.internalNotes.map((n) => ({ ...n, text: removed })),
    ...(doc.moderation?.description !== undefined
      ? { moderation: { ...doc.moderation, description: 'hidden' as const, photos: 'hidden' as const } }
      : {}),
    erasedAt: at,
  } as ServiceRequestDoc;
}

export const redactedMarker = 'redacted';
const redactedText = '[removed: kept only as the record of the problem, 2 years after it closed]';

/**
 * A closed request past `requestRedactAfterDays`: what erasure does to it, for every
 * reporter at once (rules `request-reporter`, `request-free-text`, `timeline-entry`).
 */
export function redactClosedRequest(doc: ServiceRequestDoc, at: string): ServiceRequestDoc {
  const { erasedAt: _erased, ...rest } = anonymiseRequest(
    doc,
    { residentId: doc.residentId },
    at,
    redactedText,
  ) as ServiceRequestDoc & { erasedAt?: string };
  // A report an Open311 client sent stays that client's (an organisation's id); its reporter details are gone.
  const residentId = doc.source === 'open311' ? doc.residentId : redactedMarker;
  return { ...rest, residentId, redactedAt: at } as ServiceRequestDoc;
}

/** A payment kept as a financial record without its payer: rules `payment`, `refund`. */
export function anonymisePayment(doc: PaymentDoc, residentId: string): PaymentDoc {
  return {
    ...doc,
    ownerId: erasedMarker,
    audit: doc.audit.map((a) => (a.by === residentId ? { ...a, by: erasedMarker } : a)),
  };
}

/** Does this request carry the subject (as its account, or as contact details an Open311 client sent)? */
export function belongsTo(doc: ServiceRequestDoc, subject: ErasureSubject, byContacts: boolean): boolean {
  if (doc.residentId === subject.residentId) return true;
  if (!byContacts) return false;
  const r = doc.reporter;
  if (!r) return false;
  const same = (a?: string | null, b?: string | null) =>
    Boolean(a && b && a.trim().toLowerCase() === b.trim().toLowerCase());
  return same(r.email, subject.email) || same(r.phone, subject.phone);
}

/** What the job needs of the stores; `cosmosErasureStores` is the real one. */
export interface ErasureStores {
  getJob(id: string): Promise<ErasureJob | undefined>;
  createJob(job: ErasureJob): Promise<ErasureJob | 'exists'>;
  replaceJob(job: ErasureJob, ifMatch: string): Promise<ErasureJob | 'stale'>;
  /** Running jobs whose lease is free at `now`. */
  dueJobs(now: string, max: number): Promise<string[]>;
  subjectOf(residentId: string): Promise<ErasureSubject>;
  /**
   * What is the subject's: by account id, and (when `byContacts`) reports whose
   * Open311 reporter details are the subject's email or phone.
   */
  find(subject: ErasureSubject, byContacts: boolean): Promise<ErasureFound>;
  /**
   * Deletes the document, its blobs (all versions) and its events; how many records went.
   * `held`: the document is under legal hold (shared/uploads/legal-hold.ts) and stays whole.
   */
  eraseDocument(id: string, residentId: string): Promise<number | 'held'>;
  /** Anonymises the request if it is still the subject's; deletes its sent events. */
  updateRequest(id: string, change: (doc: ServiceRequestDoc) => ServiceRequestDoc | undefined): Promise<number>;
  updatePayment(id: string, change: (doc: PaymentDoc) => PaymentDoc | undefined): Promise<number>;
  deleteIdempotency(resourceIds: readonly string[]): Promise<number>;
  deleteResidentPartition(residentId: string): Promise<number>;
  /** The resident's export jobs and archives (rules `export-archive`, `privacy-job`). */
  deleteExports(residentId: string): Promise<number>;
  /** Writes the erased event once; `sent` once the outbox published it (it is then deleted). */
  announce(jobId: string, data: ResidentErasedData, now: Date): Promise<'pending' | 'sent'>;
}

export interface ResidentErasedData {
  readonly residentId: string;
  readonly requestIds: readonly string[];
}

export interface ErasureDeps {
  readonly stores: ErasureStores;
  readonly accessLog: AccessLog;
  readonly now: () => Date;
  /** How long a runner holds a job before another may take it over. */
  readonly leaseMs: number;
  /** Fault injection for tests: called after a step's work, before it is recorded. */
  readonly afterStep?: (step: ErasureStep) => void;
}

export type ErasureView = Pick<ErasureJob, 'id' | 'state' | 'done' | 'counts' | 'kept' | 'createdAt' | 'completedAt'>;
export const toErasureView = (j: ErasureJob): ErasureView => ({
  id: j.id,
  state: j.state,
  done: j.done,
  counts: j.counts,
  kept: j.kept,
  createdAt: j.createdAt,
  ...(j.completedAt ? { completedAt: j.completedAt } : {}),
});

/** Starts (or finds) the erasure of one resident; the caller then runs it. */
export async function startErasure(
  residentId: string,
  asked: ErasureJob['asked'],
  deps: Pick<ErasureDeps, 'stores' | 'now' | 'leaseMs'>,
  holder: string,
): Promise<ErasureJob> {
  const at = deps.now().toISOString();
  const id = erasureJobId(residentId);
  const fresh: ErasureJob = {
    id,
    pk: id,
    type: 'erasure',
    state: 'running',
    subject: { residentId },
    asked,
    done: [],
    counts: {},
    kept: [],
    leaseUntil: new Date(deps.now().getTime() + deps.leaseMs).toISOString(),
    leaseHolder: holder,
    createdAt: at,
    updatedAt: at,
  };
  return retryWhileStale(
    5,
    async () => {
      const existing = await deps.stores.getJob(id);
      if (!existing) {
        const created = await deps.stores.createJob(fresh);
        return created === 'exists' ? stale : created;
      }
      if (existing.state === 'running') return existing;
      return deps.stores.replaceJob(fresh, existing._etag ?? '');
    },
    () => new AppError('conflict', 'The erasure is being changed by another call; try again.'),
  );
}

/** `DELETE /api/me`: the signed-in resident erases their own account. */
export async function eraseMyAccount(principal: Principal, deps: ErasureDeps): Promise<ErasureJob> {
  const holder = randomUUID();
  const job = await startErasure(principal.sub, { by: 'resident', at: deps.now().toISOString() }, deps, holder);
  return runErasureSafely(job.id, deps, holder);
}

/** Staff erase a resident who asked by letter or phone: admin only, recorded in the access audit. */
export async function eraseResidentByStaff(
  residentId: string,
  input: z.output<typeof staffErasureSchema>,
  principal: Principal,
  deps: ErasureDeps,
): Promise<ErasureJob> {
  requireRole(principal, 'admin');
  await deps.accessLog.record({
    residentId,
    at: deps.now().toISOString(),
    actor: { sub: principal.sub, roles: [...principal.roles], kind: 'staff' },
    what: { type: 'profile', id: residentId },
    why: `erasure: ${input.reason}`,
  });
  const holder = randomUUID();
  const asked = { by: 'staff', staff: principal.sub, at: deps.now().toISOString() } as const;
  const job = await startErasure(residentId, asked, deps, holder);
  return runErasureSafely(job.id, deps, holder);
}

export async function getErasure(residentId: string, principal: Principal, deps: Pick<ErasureDeps, 'stores'>) {
  requireRole(principal, 'admin');
  const job = await deps.stores.getJob(erasureJobId(residentId));
  if (!job) throw notFound('The erasure');
  return job;
}

/** The request answers at once; a run that fails here is finished by the timer. */
async function runErasureSafely(id: string, deps: ErasureDeps, holder: string): Promise<ErasureJob> {
  try {
    await runErasure(id, deps, holder);
  } catch {
    // Deliberately swallowed: the job's state is durable and the timer resumes it.
  }
  const job = await deps.stores.getJob(id);
  if (!job) throw new AppError('internal', 'The erasure could not be read back.');
  return job;
}

export type RunOutcome = 'completed' | 'busy' | 'waiting' | 'missing';

/** Runs a job's remaining steps under a lease; safe to call from anywhere, any number of times. */
export async function runErasure(id: string, deps: ErasureDeps, holder: string = randomUUID()): Promise<RunOutcome> {
  let job = await deps.stores.getJob(id);
  if (!job) return 'missing';
  if (job.state === 'completed') return 'completed';
  const now = deps.now();
  if (job.leaseUntil && Date.parse(job.leaseUntil) > now.getTime() && job.leaseHolder !== holder) return 'busy';
  const claimed = await deps.stores.replaceJob(
    { ...job, leaseUntil: new Date(now.getTime() + deps.leaseMs).toISOString(), leaseHolder: holder },
    job._etag ?? '',
  );
  if (claimed === 'stale') return 'busy';
  job = claimed;

  for (const step of erasureSteps) {
    if (job.done.includes(step)) continue;
    const outcome = await runStep(step, job, deps);
    if (outcome === 'waiting') {
      const released = await deps.stores.replaceJob({ ...job, leaseUntil: null }, job._etag ?? '');
      if (released === 'stale') throw new Error('erasure job changed under its lease');
      return 'waiting';
    }
    deps.afterStep?.(step);
    const next: ErasureJob =
      step === 'finish'
        ? finished(job, deps.now())
        : {
            ...job,
            ...outcome.patch,
            counts: { ...job.counts, ...outcome.counts },
            kept: [...new Set([...job.kept, ...(outcome.kept ?? [])])],
            done: [...job.done, step],
            updatedAt: deps.now().toISOString(),
          };
    const saved = await deps.stores.replaceJob(next, job._etag ?? '');
    if (saved === 'stale') throw new Error('erasure job changed under its lease');
    job = saved;
  }
  return 'completed';
}

interface StepResult {
  readonly patch?: Partial<ErasureJob>;
  readonly counts?: Partial<Record<RecordType, number>>;
  readonly kept?: readonly RecordType[];
}

function finished(job: ErasureJob, now: Date): ErasureJob {
  // The proof kept under rule `erasure-record`: counts and rules, never who.
  const { subject: _subject, found: _found, leaseHolder: _holder, ...rest } = job;
  return {
    ...rest,
    state: 'completed',
    done: [...job.done, 'finish'],
    leaseUntil: null,
    completedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ttl: ttlSecondsOf('erasure-record'),
  };
}

const keptByRule = (types: readonly RecordType[]) => types.filter((t) => retentionRules[t].onErasure !== 'delete');

async function runStep(step: ErasureStep, job: ErasureJob, deps: ErasureDeps): Promise<StepResult | 'waiting'> {
  const { stores } = deps;
  const subject = job.subject;
  const found = job.found;
  if (step === 'finish') return {};
  if (!subject) throw new Error('a running erasure has no subject');
  if (step === 'collect') {
    const full = { ...(await stores.subjectOf(subject.residentId)), residentId: subject.residentId };
    // Contact details a resident typed are not proof they own them (until verified contacts land), so only an
    // erasure staff started after checking who asked reaches reports matched by email or phone.
    return { patch: { subject: full, found: await stores.find(full, job.asked.by === 'staff') } };
  }
  if (!found) throw new Error('erasure step before collect');
  const sum = async (ids: readonly string[], each: (id: string) => Promise<number>) => {
    let n = 0;
    for (const id of ids) n += await each(id);
    return n;
  };
  switch (step) {
    case 'documents': {
      let held = 0;
      for (const id of found.documentIds) if ((await stores.eraseDocument(id, subject.residentId)) === 'held') held++;
      // A legal hold outweighs erasure (UK GDPR Art. 17(3)(e)): the document stays, and the record says so.
      return {
        counts: { 'document-evidence': found.documentIds.length },
        kept: held > 0 ? ['document-evidence'] : [],
      };
    }
    case 'requests': {
      const at = deps.now().toISOString();
      // Counted as found, not as changed: a step run again after a crash changes nothing the second time.
      await sum(found.requestIds, (id) =>
        stores.updateRequest(id, (doc) =>
          belongsTo(doc, subject, job.asked.by === 'staff') ? anonymiseRequest(doc, subject, at) : undefined,
        ),
      );
      return {
        counts: { request: found.requestIds.length },
        kept: keptByRule(['request', 'timeline-entry', 'dispatch', 'nearby-pin']),
      };
    }
    case 'payments': {
      await sum(found.paymentIds, (id) =>
        stores.updatePayment(id, (doc) =>
          doc.ownerId === subject.residentId ? anonymisePayment(doc, subject.residentId) : undefined,
        ),
      );
      const n = found.paymentIds.length;
      return { counts: { payment: n }, kept: n > 0 ? keptByRule(['payment', 'refund']) : [] };
    }
    case 'idempotency':
      return {
        counts: {
          idempotency: await stores.deleteIdempotency([...found.requestIds, ...found.paymentIds, ...found.documentIds]),
        },
      };
    case 'residents':
      return {
        counts: {
          profile: await stores.deleteResidentPartition(subject.residentId),
          'export-archive': await stores.deleteExports(subject.residentId),
        },
        kept: ['audit-entry'],
      };
    case 'announce': {
      const state = await stores.announce(
        job.id,
        { residentId: subject.residentId, requestIds: found.requestIds },
        deps.now(),
      );
      return state === 'sent' ? {} : 'waiting';
    }
  }
}

/** The timer's sweep: every running job whose lease is free, each to its end or its wait. */
export async function runDueErasures(deps: ErasureDeps, max = 20): Promise<RunOutcome[]> {
  const due = await deps.stores.dueJobs(deps.now().toISOString(), max);
  const outcomes: RunOutcome[] = [];
  for (const id of due) {
    try {
      outcomes.push(await runErasure(id, deps));
    } catch {
      // One job's failure never stops the others; its lease runs out and the next sweep resumes it.
      outcomes.push('busy');
    }
  }
  return outcomes;
}
