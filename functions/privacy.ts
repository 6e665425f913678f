import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { z } from 'zod';
import { parseJson, validate } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { authenticate } from '../shared/identity/principal.js';
import { logEvent } from '../shared/observability/log.js';
import { appDeps } from '../shared/platform/deps.js';
import {
  eraseMyAccount,
  eraseResidentByStaff,
  getErasure,
  runDueErasures,
  staffErasureSchema,
  toErasureView,
} from '../shared/privacy/erasure.js';

const residentIdParam = z.strictObject({ residentId: z.string().min(1).max(255) });

export async function deleteMe(request: HttpRequest): Promise<HttpResponseInit> {
  const deps = await appDeps();
  const principal = await authenticate(request, deps.verify);
  const job = await eraseMyAccount(principal, deps.erasure);
  return json(job.state === 'completed' ? 200 : 202, toErasureView(job));
}

export async function eraseResident(request: HttpRequest): Promise<HttpResponseInit> {
  const deps = await appDeps();
  const principal = await authenticate(request, deps.verify);
  const { residentId } = validate(residentIdParam, { ...request.params });
  const input = await parseJson(request, staffErasureSchema, 4 * 1024);
  const job = await eraseResidentByStaff(residentId, input, principal, deps.erasure);
  return json(job.state === 'completed' ? 200 : 202, toErasureView(job));
}

export async function getResidentErasure(request: HttpRequest): Promise<HttpResponseInit> {
  const deps = await appDeps();
  const principal = await authenticate(request, deps.verify);
  const { residentId } = validate(residentIdParam, { ...request.params });
  return json(200, toErasureView(await getErasure(residentId, principal, deps.erasure)));
}

/** Finishes erasures a crash or a slow outbox left unfinished. */
export async function runPrivacyJobs(_timer: Timer, context: InvocationContext): Promise<void> {
  const outcomes = await runDueErasures((await appDeps()).erasure);
  if (outcomes.length > 0)
    logEvent(context, 'info', 'privacy.erasures-run', {
      completed: outcomes.filter((o) => o === 'completed').length,
      waiting: outcomes.filter((o) => o === 'waiting').length,
    });
}
