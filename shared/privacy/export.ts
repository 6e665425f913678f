/**
 * Subject access (UK GDPR Art. 15): an export job gathers everything Doorstep holds
 * about one resident into one ZIP (machine-readable `export.json`, a readable
 * `summary.txt`, and their photos and documents as files) in the private `exports`
 * container, served through a short-lived read link and deleted after the
 * `export-archive` rule's period. The job is a document in `privacy`: a crash before
 * it is `ready` is run again whole (writing the same blob), by the `privacy-jobs` timer.
 * Only the resident's own records are read, and reports they follow contribute only
 * their public facts, never the reporter's words or id.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, notFound } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import { retentionRules, ttlSecondsOf } from '../data/retention.js';
import type { AccessEntry, AccessLog } from '../audit/access-log.js';
import { zip, type ZipEntry } from './zip.js';
import type { NoticeOutcome, PrivacyNotices } from './notices.js';

export const exportStates = ['gathering', 'ready', 'expired'] as const;
export type ExportState = (typeof exportStates)[number];
export const exportTransitions: Readonly<Record<ExportState, readonly ExportState[]>> = {
  gathering: ['gathering', 'ready'],
  ready: ['expired'],
  expired: [],
};

export interface ExportJob {
  readonly id: string;
  readonly pk: string;
  readonly type: 'export';
  readonly residentId: string;
  readonly state: ExportState;
  readonly asked: { readonly by: 'resident' | 'staff'; readonly staff?: string; readonly at: string };
  readonly blobName?: string;
  readonly readyAt?: string;
  readonly expiresAt?: string;
  /** Whether the resident was told it is ready (GOV.UK Notify), or had no confirmed contact to tell; absent until then. */
  readonly told?: NoticeOutcome;
  readonly leaseUntil: string | null;
  readonly leaseHolder?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly ttl?: number;
  readonly _etag?: string;
}

export const staffExportSchema = z.strictObject({
  reason: z.string().trim().min(1).max(500).describe('Why staff start it (e.g. the letter it was asked by)'),
});

/** Everything gathered, as plain data; files separately. */
export interface Gathered {
  readonly profile: unknown;
  /** The last day the account was used, and any warning that it would close (rule `account-activity`). */
  readonly activity?: unknown;
  readonly requests: readonly Record<string, unknown>[];
  readonly following: readonly Record<string, unknown>[];
  readonly payments: readonly Record<string, unknown>[];
  readonly documents: readonly (Record<string, unknown> & { readonly id: string; readonly fileName?: string })[];
  readonly files: readonly { readonly documentId: string; readonly fileName: string; readonly bytes: Buffer }[];
}

export interface ExportStores {
  getJob(id: string): Promise<ExportJob | undefined>;
  createJob(job: ExportJob): Promise<ExportJob>;
  replaceJob(job: ExportJob, ifMatch: string): Promise<ExportJob | 'stale'>;
  dueJobs(now: string, max: number): Promise<string[]>;
  expiredJobs(now: string, max: number): Promise<string[]>;
  /** Ready exports, not yet expired, whose resident has not been told (Notify failed, or the run stopped before). */
  untoldJobs(now: string, max: number): Promise<string[]>;
  gather(residentId: string): Promise<Gathered>;
  putArchive(blobName: string, bytes: Buffer): Promise<void>;
  deleteArchive(blobName: string): Promise<void>;
  archiveUrl(blobName: string, expiresOn: Date): Promise<string>;
}

export interface ExportDeps {
  readonly exports: ExportStores;
  readonly accessLog: AccessLog;
  readonly now: () => Date;
  readonly leaseMs: number;
  /** Tells the resident their export is ready (GOV.UK Notify); a failed send is tried again by the timer. */
  readonly notices?: Pick<PrivacyNotices, 'exportReady'>;
}

/** How long a download link lasts once handed out. */
export const exportLinkTtlMs = 5 * 60_000;

export const toExportView = (j: ExportJob, downloadUrl?: string) => ({
  id: j.id,
  state: j.state,
  createdAt: j.createdAt,
  ...(j.readyAt ? { readyAt: j.readyAt } : {}),
  ...(j.expiresAt ? { expiresAt: j.expiresAt } : {}),
  ...(downloadUrl ? { downloadUrl } : {}),
});

async function start(residentId: string, asked: ExportJob['asked'], deps: ExportDeps): Promise<ExportJob> {
  const at = deps.now().toISOString();
  const id = randomUUID();
  const holder = randomUUID();
  const job = await deps.exports.createJob({
    id,
    pk: id,
    type: 'export',
    residentId,
    state: 'gathering',
    asked,
    leaseUntil: new Date(deps.now().getTime() + deps.leaseMs).toISOString(),
    leaseHolder: holder,
    createdAt: at,
    updatedAt: at,
  });
  try {
    await runExport(job.id, deps, holder);
  } catch {
    // Durable: the timer runs it again once the lease is out.
  }
  return (await deps.exports.getJob(job.id)) ?? job;
}

export const exportMine = (principal: Principal, deps: ExportDeps) =>
  start(principal.sub, { by: 'resident', at: deps.now().toISOString() }, deps);

export async function exportForResident(
  residentId: string,
  input: z.output<typeof staffExportSchema>,
  principal: Principal,
  deps: ExportDeps,
): Promise<ExportJob> {
  requireRole(principal, 'admin');
  const at = deps.now().toISOString();
  await deps.accessLog.record({
    residentId,
    at,
    actor: { sub: principal.sub, roles: [...principal.roles], kind: 'staff' },
    what: { type: 'export', id: residentId },
    why: `subject access export: ${input.reason}`,
  });
  return start(residentId, { by: 'staff', staff: principal.sub, at }, deps);
}

/** The owner, or an admin; the link only once ready. */
export async function getExport(id: string, principal: Principal, deps: ExportDeps) {
  const job = z.uuid().safeParse(id).success ? await deps.exports.getJob(id) : undefined;
  if (!job || (job.residentId !== principal.sub && !principal.roles.has('admin'))) throw notFound('The export');
  if (job.state !== 'ready' || !job.blobName) return toExportView(job);
  const url = await deps.exports.archiveUrl(job.blobName, new Date(deps.now().getTime() + exportLinkTtlMs));
  return toExportView(job, url);
}

export type ExportOutcome = 'ready' | 'busy' | 'missing' | 'expired';

export async function runExport(id: string, deps: ExportDeps, holder: string = randomUUID()): Promise<ExportOutcome> {
  const job = await deps.exports.getJob(id);
  if (!job) return 'missing';
  if (job.state !== 'gathering') return job.state;
  const now = deps.now();
  if (job.leaseUntil && Date.parse(job.leaseUntil) > now.getTime() && job.leaseHolder !== holder) return 'busy';
  const claimed = await deps.exports.replaceJob(
    { ...job, leaseUntil: new Date(now.getTime() + deps.leaseMs).toISOString(), leaseHolder: holder },
    job._etag ?? '',
  );
  if (claimed === 'stale') return 'busy';
  const gathered = await deps.exports.gather(job.residentId);
  const access = await deps.accessLog.listForResident(job.residentId);
  const blobName = `${job.id}.zip`;
  await deps.exports.putArchive(blobName, archive(job, gathered, access, deps.now()));
  const readyAt = deps.now();
  const keep = retentionRules['export-archive'].keepFor;
  const days = typeof keep === 'string' ? 7 : keep.days;
  const ready = await deps.exports.replaceJob(
    {
      ...claimed,
      state: 'ready',
      blobName,
      readyAt: readyAt.toISOString(),
      expiresAt: new Date(readyAt.getTime() + days * 86_400_000).toISOString(),
      leaseUntil: null,
      updatedAt: readyAt.toISOString(),
    },
    claimed._etag ?? '',
  );
  if (ready === 'stale') throw new AppError('conflict', 'The export changed while it was being made.');
  // The archive is ready whether or not Notify answers; the timer tells the resident later if it did not.
  await tellResident(ready, deps).catch(() => false);
  return 'ready';
}

/** Sends the export-ready notice once, and records that it went (or that there was nobody to send it to). */
async function tellResident(job: ExportJob, deps: ExportDeps): Promise<boolean> {
  if (!deps.notices || job.told || job.state !== 'ready' || !job.expiresAt) return false;
  const told = await deps.notices.exportReady(job.residentId, job.id, new Date(job.expiresAt));
  const saved = await deps.exports.replaceJob({ ...job, told, updatedAt: deps.now().toISOString() }, job._etag ?? '');
  return saved !== 'stale';
}

/** The timer: unfinished exports resumed, residents not yet told told, expired archives deleted (rule `export-archive`). */
export async function sweepExports(
  deps: ExportDeps,
  max = 20,
): Promise<{ run: number; told: number; expired: number }> {
  const now = deps.now().toISOString();
  let run = 0;
  for (const id of await deps.exports.dueJobs(now, max)) {
    try {
      if ((await runExport(id, deps)) === 'ready') run++;
    } catch {
      // The next sweep tries again.
    }
  }
  let told = 0;
  for (const id of deps.notices ? await deps.exports.untoldJobs(now, max) : []) {
    const job = await deps.exports.getJob(id);
    // One resident's failed send never stops the others; the next sweep tries again.
    if (job && (await tellResident(job, deps).catch(() => false))) told++;
  }
  let expired = 0;
  for (const id of await deps.exports.expiredJobs(now, max)) {
    const job = await deps.exports.getJob(id);
    if (job?.state !== 'ready') continue;
    if (job.blobName) await deps.exports.deleteArchive(job.blobName);
    const { blobName: _b, ...rest } = job;
    const saved = await deps.exports.replaceJob(
      { ...rest, state: 'expired', updatedAt: now, ttl: ttlSecondsOf('privacy-job') },
      job._etag ?? '',
    );
    if (saved !== 'stale') expired++;
  }
  return { run, told, expired };
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);

function archive(job: ExportJob, g: Gathered, access: readonly AccessEntry[], now: Date): Buffer {
  const data = {
    exportedAt: now.toISOString(),
    residentId: job.residentId,
    profile: g.profile,
    ...(g.activity ? { accountActivity: g.activity } : {}),
    requests: g.requests,
    following: g.following,
    payments: g.payments,
    documents: g.documents,
    notifications:
      'Doorstep does not keep the notifications it sends: it reads your contact details when sending, and GOV.UK Notify keeps what it sent for 7 days.',
    staffAccess: access.map(({ at, actor, what, why }) => ({ at, actor, what, why })),
    retention: retentionRules,
  };
  const lines = [
    'Your data from Doorstep',
    `Made on ${now.toISOString().slice(0, 10)} for account ${job.residentId}.`,
    '',
    `Requests you reported: ${g.requests.length}`,
    ...g.requests.map((r) => `  - ${String(r.serviceName)} (${String(r.status)}), reported ${String(r.createdAt)}`),
    `Reports you follow: ${g.following.length}`,
    `Payments: ${g.payments.length}`,
    ...g.payments.map(
      (p) => `  - ${String(p.description)}: £${(Number(p.amount) / 100).toFixed(2)} (${String(p.status)})`,
    ),
    `Documents and photos: ${g.documents.length} (the files are in the files folder)`,
    `Times council staff or partners looked at your data: ${access.length}`,
    ...access.map((a) => `  - ${a.at}: ${a.actor.kind} ${a.actor.sub} read your ${a.what.type} (${a.why})`),
    '',
    'export.json holds all of it in a machine-readable form, with how long each kind of record is kept and why.',
  ];
  const files: ZipEntry[] = g.files.map((f) => ({
    name: `files/${f.documentId}-${safeName(f.fileName)}`,
    data: f.bytes,
  }));
  return zip(
    [
      { name: 'export.json', data: Buffer.from(JSON.stringify(data, null, 2)) },
      { name: 'summary.txt', data: Buffer.from(lines.join('\n')) },
      ...files,
    ],
    now,
  );
}
