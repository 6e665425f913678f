import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { getService, listServices } from '../shared/catalogue/catalogue.js';
import { config } from '../shared/config.js';
import { authenticate, requireRole } from '../shared/identity/principal.js';
import { toAppError } from '../shared/http/problem.js';
import { parseJson, readBody, requireIfMatch } from '../shared/http/request.js';
import { json } from '../shared/http/response.js';
import { logEvent } from '../shared/observability/log.js';
import { issueApiKey, newClientSchema, revokeApiKey } from '../shared/open311/clients.js';
import { errorResponse, formatOf, Open311Error, respond, toXml, type Format } from '../shared/open311/format.js';
import { moderate, moderationSchema, toModerationView } from '../shared/open311/moderation.js';
import {
  getRequest,
  listRequests,
  listUpdates,
  maxOpen311FormBytes,
  postRequest,
  postUpdate,
  readerOf,
  toOpen311Definition,
  toOpen311Request,
  toOpen311Service,
} from '../shared/open311/open311.js';
import { depsFor } from '../shared/platform/deps.js';
import { accessReasonHeader, recordStaffAccess } from '../shared/audit/access-log.js';
import { etagOf } from '../shared/service-requests/views.js';

type Open311Handler = (request: HttpRequest, format: Format) => Promise<HttpResponseInit>;

/** Open311 clients expect the spec's error list in the format they asked for, not problem+json. */
function open311(handler: Open311Handler) {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    let format: Format = 'json';
    try {
      format = formatOf(request.params.format);
      return await handler(request, format);
    } catch (error) {
      if (error instanceof Open311Error) return errorResponse(format, error);
      const appError = toAppError(error);
      if (appError.status >= 500)
        logEvent(context, 'error', 'open311.failed', { code: appError.code, route: context.functionName });
      const response = errorResponse(
        format,
        new Open311Error(
          appError.status === 503 ? 503 : 400,
          appError.status >= 500 ? appError.title : (appError.detail ?? appError.title),
        ),
      );
      if (appError.status >= 500 && appError.status !== 503) return { ...response, status: 500 };
      return response;
    }
  };
}

const apiBase = (request: HttpRequest) => new URL('/api', request.url).href;

/** When this call's budget runs out (the caller has had its 503 by then): reads stop there. */
const deadlineOf = () => Date.now() + config().requestTimeoutMs;

async function readForm(request: HttpRequest): Promise<URLSearchParams> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded')
    throw new Open311Error(415, 'Send the body as application/x-www-form-urlencoded.');
  return new URLSearchParams(await readBody(request, maxOpen311FormBytes));
}

export const services = open311(async (_request, format) => {
  const services = await listServices({ includeInactive: false }, await depsFor.catalogue());
  return respond(format, 200, 'services', 'service', services.map(toOpen311Service));
});

export const serviceDefinition = open311(async (request, format) => {
  const deps = await depsFor.catalogue();
  let service;
  try {
    service = await getService(request.params.code ?? '', deps);
  } catch {
    throw new Open311Error(404, `No service ${String(request.params.code).slice(0, 40)}.`);
  }
  if (!service.active) throw new Open311Error(404, 'That service is no longer offered.');
  const definition = toOpen311Definition(service);
  return format === 'json' ? respond(format, 200, '', '', definition) : xmlDefinition(definition);
});

function xmlDefinition(definition: ReturnType<typeof toOpen311Definition>): HttpResponseInit {
  // The definition is one object whose root element is <service_definition>.
  const xml = toXml('root', 'service_definition', [definition]).replace('<root>', '').replace('</root>', '');
  return {
    status: 200,
    body: xml,
    headers: { 'content-type': 'text/xml; charset=utf-8', 'cache-control': 'no-store' },
  };
}

export const requestsList = open311(async (request, format) => {
  const deadline = deadlineOf();
  const deps = await depsFor.open311();
  const reader = await readerOf(request.query, deps);
  const found = await listRequests(request.query, reader, deadline, deps);
  return respond(
    format,
    200,
    'service_requests',
    'request',
    found.map((v) => toOpen311Request(v.request, apiBase(request), v.access, v.service)),
  );
});

export const requestsCreate = open311(async (request, format) => {
  const deps = await depsFor.open311();
  const created = await postRequest(await readForm(request), deps);
  return respond(format, 201, 'service_requests', 'request', [
    { service_request_id: created.id, service_notice: '', account_id: null },
  ]);
});

export const requestGet = open311(async (request, format) => {
  const deps = await depsFor.open311();
  const reader = await readerOf(request.query, deps);
  const found = await getRequest(request.params.id ?? '', reader, deps);
  return respond(format, 200, 'service_requests', 'request', [
    toOpen311Request(found.request, apiBase(request), found.access, found.service),
  ]);
});

export const token = open311(async (request, format) => {
  const deps = await depsFor.open311();
  // Doorstep assigns ids at once, so a token is the request id.
  const found = await getRequest(request.params.token ?? '', await readerOf(request.query, deps), deps);
  return respond(format, 200, 'service_requests', 'request', [
    { service_request_id: found.request.id, token: found.request.id },
  ]);
});

export const updatesList = open311(async (request, format) => {
  const deadline = deadlineOf();
  const deps = await depsFor.open311();
  const reader = await readerOf(request.query, deps);
  return respond(
    format,
    200,
    'service_request_updates',
    'request_update',
    await listUpdates(request.query, reader, deadline, deps),
  );
});

export const updatesCreate = open311(async (request, format) => {
  const deps = await depsFor.open311();
  return respond(format, 201, 'service_request_updates', 'request_update', [
    await postUpdate(await readForm(request), deps),
  ]);
});

/** Staff moderators choose what the public view shows of a report (If-Match required). */
export async function moderateRequest(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  // The role before the body: a caller without it learns nothing of what the route accepts.
  requireRole(principal, 'moderator');
  const deps = await depsFor.open311();
  const ifMatch = requireIfMatch(request);
  const change = await parseJson(request, moderationSchema, 32 * 1024);
  const saved = await moderate({ id: request.params.id ?? '', ifMatch, change }, principal, deps);
  await recordStaffAccess(
    await depsFor.accessLog(),
    principal,
    saved.residentId,
    { type: 'request', id: saved.id },
    'request.moderate',
    request.headers.get(accessReasonHeader),
  );
  // A moderator need not be staff: they get the moderator's view, never the reporter (decision 1032).
  return json(200, toModerationView(saved), { etag: etagOf(saved) });
}

/** Admins issue Open311 API keys (shown once; only a hash is stored). */
export async function createOpen311Client(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  requireRole(principal, 'admin');
  const input = await parseJson(request, newClientSchema, 4 * 1024);
  return json(201, await issueApiKey(input, principal, await depsFor.open311()));
}

export async function revokeOpen311Client(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens());
  await revokeApiKey(request.params.id ?? '', principal, await depsFor.open311());
  return { status: 204 };
}
