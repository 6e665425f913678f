import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { parseQuery, validate } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import {
  countDeadLetters,
  deadLetterListQuery,
  deadLetterTargetQuery,
  discardDeadLetter,
  listDeadLetters,
  replayDeadLetter,
  sequenceNumberParam,
} from '../shared/operations/dead-letters.js';
import { depsFor } from '../shared/platform/deps.js';

/** The operator's role before anything else, so a caller without it learns nothing about the queues. */
async function operator(request: HttpRequest) {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'operator');
  return principal;
}

export async function getDeadLetterCounts(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await operator(request);
  return json(200, { entities: await countDeadLetters(principal, await depsFor.deadLetters()) });
}

export async function getDeadLetters(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await operator(request);
  const query = parseQuery(request, deadLetterListQuery);
  return json(200, { items: await listDeadLetters(query, principal, await depsFor.deadLetters()) });
}

function target(request: HttpRequest) {
  const { entity } = parseQuery(request, deadLetterTargetQuery);
  const { sequenceNumber } = validate(sequenceNumberParam, { ...request.params });
  return { entity, sequenceNumber };
}

export async function postDeadLetterReplay(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await operator(request);
  const replayed = await replayDeadLetter(target(request), principal, await depsFor.deadLetters());
  return json(200, { replayed: true, messageId: replayed.messageId });
}

export async function deleteDeadLetter(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await operator(request);
  await discardDeadLetter(target(request), principal, await depsFor.deadLetters());
  return { status: 204 };
}
