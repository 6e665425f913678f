import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { z } from 'zod';
import { parseJson, validate } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import { logEvent } from '../shared/observability/log.js';
import { depsFor } from '../shared/platform/deps.js';
import {
  eraseMyAccount,
  eraseResidentByStaff,
  getErasure,
  runDueErasures,
  staffErasureSchema,
  toErasureView,
} from '../shared/privacy/erasure.js';
import {
  exportForResident,
  exportMine,
  getExport,
  staffExportSchema,
  sweepExports,
  toExportView,
} from '../shared/privacy/export.js';
import { enforceRetention } from '../shared/privacy/retention-sweep.js';

const residentIdParam = z.strictObject({ residentId: z.string().min(1).max(255) });

export async function deleteMe(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = { erasure: await depsFor.erasure(), exports: await depsFor.exports() };
  const job = await eraseMyAccount(principal, deps.erasure);
  return json(job.state === 'completed' ? 200 : 202, toErasureView(job));
}

export async function eraseResident(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the body: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'admin');
  const deps = { erasure: await depsFor.erasure(), exports: await depsFor.exports() };
  const { residentId } = validate(residentIdParam, { ...request.params });
  const input = await parseJson(request, staffErasureSchema, 4 * 1024);
  const job = await eraseResidentByStaff(residentId, input, principal, deps.erasure);
  return json(job.state === 'completed' ? 200 : 202, toErasureView(job));
}

export async function getResidentErasure(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the id: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'admin');
  const deps = { erasure: await depsFor.erasure(), exports: await depsFor.exports() };
  const { residentId } = validate(residentIdParam, { ...request.params });
  return json(200, toErasureView(await getErasure(residentId, principal, deps.erasure)));
}

export async function postMyExport(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = { erasure: await depsFor.erasure(), exports: await depsFor.exports() };
  const job = await exportMine(principal, deps.exports);
  return json(202, toExportView(job), { location: `/api/me/exports/${job.id}` });
}

export async function getMyExport(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  const deps = { erasure: await depsFor.erasure(), exports: await depsFor.exports() };
  return json(200, await getExport(request.params.id ?? '', principal, deps.exports));
}

export async function postResidentExport(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the body: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'admin');
  const deps = { erasure: await depsFor.erasure(), exports: await depsFor.exports() };
  const { residentId } = validate(residentIdParam, { ...request.params });
  const input = await parseJson(request, staffExportSchema, 4 * 1024);
  const job = await exportForResident(residentId, input, principal, deps.exports);
  return json(202, toExportView(job), { location: `/api/me/exports/${job.id}` });
}

/** Finishes erasures and exports a crash or a slow outbox left unfinished; deletes expired exports. */
export async function runPrivacyJobs(_timer: Timer, context: InvocationContext): Promise<void> {
  const deps = { erasure: await depsFor.erasure(), exports: await depsFor.exports() };
  const swept = await sweepExports(deps.exports);
  if (swept.run + swept.told + swept.expired > 0) logEvent(context, 'info', 'privacy.exports-swept', swept);
  const outcomes = await runDueErasures(deps.erasure);
  if (outcomes.length > 0)
    logEvent(context, 'info', 'privacy.erasures-run', {
      completed: outcomes.filter((o) => o === 'completed').length,
      waiting: outcomes.filter((o) => o === 'waiting').length,
    });
}

/** Retention enforced: each rule in shared/data/retention.ts that no TTL or lifecycle rule carries (counts only in the log). */
export async function runRetention(_timer: Timer, context: InvocationContext): Promise<void> {
  const report = await enforceRetention(await depsFor.retention());
  logEvent(context, 'info', 'privacy.retention-enforced', { ...report });
}
