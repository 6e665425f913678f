/**
 * Open311 GeoReport v2 (and FixMyStreet's servicerequestupdates) over Doorstep's
 * own use cases, as FixMyStreet's client (perllib/Open311.pm) uses it.
 *
 * Who sees what: a request's *own* client (the one that reported it, or the one
 * working for the back office it was dispatched to) sees all of it; everyone
 * else, keyed or not, sees the public view of public services only (see
 * public-view.ts). A key is sent as `api_key` (FixMyStreet sends it on POSTs and
 * on GET servicerequestupdates; a GET without one is a public read).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { StoredService } from '../catalogue/catalogue.js';
import { backOfficeFor } from '../catalogue/back-offices.js';
import { AppError, notFound } from '../errors.js';
import { validate } from '../http/request.js';
import type { Principal } from '../identity/principal.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { newServiceRequestSchema } from '../service-requests/schemas.js';
import { applyUpdate, submitServiceRequest, type ServiceRequestDeps } from '../service-requests/service-requests.js';
import {
  canMove,
  fixMyStreetStatus,
  isOpen,
  open311Status,
  statuses,
  type Status,
} from '../service-requests/status.js';
import { clientForKey, clientSubject, type Open311Client, type Open311ClientStore } from './clients.js';
import { Open311Error } from './format.js';
import { isUuid } from '../data/ids.js';
import { retryWhileStale } from '../data/retry-stale.js';
import {
  isPublicService,
  publicDescription,
  publicPhotosShown,
  publicUpdateText,
  roundCoordinate,
  updateIdOf,
} from './public-view.js';
import type { Open311Queries } from './queries.js';

export interface Open311Deps extends ServiceRequestDeps {
  readonly open311Clients: Open311ClientStore;
  /** Where each request was dispatched (only the back office is read). */
  readonly dispatches: { get(requestId: string): Promise<{ readonly backOffice: string } | undefined> };
  readonly open311Queries: Open311Queries;
}

/** Who is reading: nobody in particular, or a client that presented a valid key. */
export type Reader = { readonly kind: 'public' } | { readonly kind: 'client'; readonly client: Open311Client };

/** How much of one request a reader sees. */
export type Access = 'own' | 'public';

/** The longest description or update text stored; longer text is cut, never refused (FixMyStreet sets no limit). */
export const maxOpen311Text = 32_000;
/** The form body Open311 POSTs may send: room for the longest text in any encoding, with the rest of the form. */
export const maxOpen311FormBytes = 1024 * 1024;

/** Bounds on the anonymous-callable reads (GeoReport v2 defaults to 1,000; the public gets one page). */
export const listLimits = { public: 200, client: 1000 } as const;

export const toOpen311Service = (s: StoredService) => ({
  service_code: s.code,
  service_name: s.name,
  description: s.description,
  metadata: s.attributes.length > 0,
  type: s.type,
  // FixMyStreet marks a category non-public when its keywords include "private" (Open311/PopulateServiceList.pm).
  keywords: [...s.keywords, ...(isPublicService(s) ? [] : ['private'])].join(','),
  group: s.group,
});

export const toOpen311Definition = (s: StoredService) => ({
  service_code: s.code,
  attributes: s.attributes.map((a) => ({
    variable: a.variable,
    code: a.code,
    datatype: a.datatype,
    required: a.required,
    datatype_description: a.datatypeDescription ?? null,
    order: a.order,
    description: a.description,
    ...(a.values ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
  })),
});

/**
 * What Open311 shows of a request. Its own client sees the report as it was made
 * (never the internal notes or, for a back office, the reporter's contact details);
 * everyone else sees the public view. `apiBase` is the API's absolute URL.
 */
export function toOpen311Request(r: ServiceRequestDoc, apiBase: string, access: Access, service?: StoredService) {
  const own = access === 'own';
  const texts = r.timeline.map((t, i) => (own ? t.text : publicUpdateText(r, t, i))).filter(Boolean);
  const photos = own || publicPhotosShown(r);
  return {
    service_request_id: r.id,
    status: open311Status(r.status),
    status_notes: texts.at(-1) ?? null,
    service_name: r.serviceName,
    service_code: r.serviceCode,
    description: own ? r.description : publicDescription(r),
    agency_responsible: r.agencyResponsible ?? null,
    service_notice: null,
    requested_datetime: w3cTime(r.createdAt),
    updated_datetime: w3cTime(r.updatedAt),
    expected_datetime: w3cTimeOrNull(r.expectedAt),
    address: own ? (r.location.address ?? null) : null,
    address_id: own ? (r.location.uprn ?? null) : null,
    zipcode: null,
    lat: own ? (r.location.lat ?? null) : roundCoordinate(r.location.lat),
    long: own ? (r.location.long ?? null) : roundCoordinate(r.location.long),
    media_url: !photos
      ? null
      : r.photos.length > 0
        ? `${apiBase}/media/requests/${r.id}/photos/0`
        : (r.mediaUrls?.[0] ?? null),
    // Read by FixMyStreet when it imports reports (Open311/GetServiceRequests.pm).
    ...(own ? { non_public: !isPublicService(service) } : {}),
  };
}

/**
 * Times as GeoReport v2 writes them, to the second (W3C-DTF without a fraction), which
 * every client's date parser reads (FixMyStreet uses DateTime::Format::W3CDTF).
 */
export const w3cTime = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');
const w3cTimeOrNull = (iso: string | undefined) => (iso === undefined ? null : w3cTime(iso));

const parseDate = (value: string | null, name: string): string | undefined => {
  if (value === null || value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value)))
    throw new Open311Error(400, `${name} must be an ISO 8601 date-time.`);
  return new Date(value).toISOString();
};

/** The reader behind a call: a key that is sent must be valid (403), an absent or empty one reads publicly. */
export async function readerOf(query: URLSearchParams, deps: Pick<Open311Deps, 'open311Clients'>): Promise<Reader> {
  const key = query.get('api_key');
  if (!key) return { kind: 'public' };
  const client = await clientForKey(key, deps);
  if (!client) throw new Open311Error(403, 'The api_key is not valid.');
  return { kind: 'client', client };
}

/** Whether `reader` is the request's own client: the one that reported it, or the back office it went to. */
export async function accessOf(
  r: ServiceRequestDoc,
  reader: Reader,
  deps: Pick<Open311Deps, 'dispatches'>,
  service?: StoredService,
): Promise<Access> {
  if (reader.kind !== 'client') return 'public';
  if (r.residentId === clientSubject(reader.client)) return 'own';
  if (!reader.client.backOffice) return 'public';
  // Only requests whose service goes to this back office cost a dispatch read, so a list
  // is no fan-out; a request whose service has since moved elsewhere is then not its own.
  if (service && backOfficeFor(service) !== reader.client.backOffice) return 'public';
  const dispatch = await deps.dispatches.get(r.id);
  return dispatch?.backOffice === reader.client.backOffice ? 'own' : 'public';
}

async function servicesByCode(deps: Pick<Open311Deps, 'catalogue'>): Promise<Map<string, StoredService>> {
  return new Map((await deps.catalogue.list()).map((s) => [s.code, s]));
}

export interface VisibleRequest {
  readonly request: ServiceRequestDoc;
  readonly access: Access;
  readonly service: StoredService | undefined;
}

/** Keeps what the reader may see: its own requests whole, public services' publicly, nothing else. */
async function visible(
  found: readonly ServiceRequestDoc[],
  reader: Reader,
  services: ReadonlyMap<string, StoredService>,
  deps: Pick<Open311Deps, 'dispatches'>,
): Promise<VisibleRequest[]> {
  const out = await Promise.all(
    found.map(async (request): Promise<VisibleRequest | undefined> => {
      const service = services.get(request.serviceCode);
      const access = await accessOf(request, reader, deps, service);
      return access === 'own' || isPublicService(service) ? { request, access, service } : undefined;
    }),
  );
  return out.filter((v): v is VisibleRequest => v !== undefined);
}

const hiddenFrom = (reader: Reader, services: ReadonlyMap<string, StoredService>) =>
  // A client may see its own non-public requests, so only public readers have them left out of the query.
  reader.kind === 'public' ? [...services.values()].filter((s) => !isPublicService(s)).map((s) => s.code) : [];

export async function listRequests(
  query: URLSearchParams,
  reader: Reader,
  deadline: number,
  deps: Open311Deps,
): Promise<VisibleRequest[]> {
  const services = await servicesByCode(deps);
  const ids = query.get('service_request_id');
  if (ids) {
    const list = [
      ...new Set(
        ids
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    if (list.length > 50) throw new Open311Error(400, 'At most 50 service_request_id values.');
    const found = await Promise.all(
      list.map((id) => (isUuid(id) ? deps.requests.get(id) : Promise.resolve(undefined))),
    );
    return visible(
      found.filter((r): r is ServiceRequestDoc => r !== undefined),
      reader,
      services,
      deps,
    );
  }
  const end = parseDate(query.get('end_date'), 'end_date') ?? deps.now().toISOString();
  const start =
    parseDate(query.get('start_date'), 'start_date') ?? new Date(Date.parse(end) - 90 * 86_400_000).toISOString();
  if (start > end) throw new Open311Error(400, 'start_date must not be after end_date.');
  const status = query.get('status');
  if (status !== null && status !== 'open' && status !== 'closed')
    throw new Open311Error(400, 'status must be open or closed.');
  const serviceCode = query.get('service_code') ?? undefined;
  if (serviceCode !== undefined && !/^[a-z][a-z0-9-]{1,39}$/.test(serviceCode))
    throw new Open311Error(400, 'Unknown service_code.');
  const wanted = status === null ? undefined : statuses.filter((s) => open311Status(s) === status);
  const found = await deps.open311Queries.created(
    {
      from: start,
      to: end,
      ...(serviceCode ? { serviceCode } : {}),
      excludeServiceCodes: hiddenFrom(reader, services),
      ...(wanted ? { statuses: wanted } : {}),
    },
    listLimits[reader.kind],
    deadline,
  );
  return visible(found, reader, services, deps);
}

/** One request, if the reader may see it; otherwise it does not exist for them. */
export async function getRequest(id: string, reader: Reader, deps: Open311Deps): Promise<VisibleRequest> {
  const found = isUuid(id) ? await deps.requests.get(id) : undefined;
  const [shown] = found ? await visible([found], reader, await servicesByCode(deps), deps) : [];
  if (!shown) throw new Open311Error(404, `No service request ${id.slice(0, 40)}.`);
  return shown;
}

/** A report's photo for its media URL (`n` from 0), unless a moderator hid the report's photos. */
export async function publishedPhotoId(
  requestId: string,
  n: number,
  deps: Pick<Open311Deps, 'requests'>,
): Promise<string> {
  const report = isUuid(requestId) ? await deps.requests.get(requestId) : undefined;
  const photoId = report && publicPhotosShown(report) ? report.photos[n] : undefined;
  if (!photoId) throw notFound('The photo');
  return photoId;
}

async function requireClient(form: URLSearchParams, deps: Pick<Open311Deps, 'open311Clients'>) {
  const client = await clientForKey(form.get('api_key'), deps);
  if (!client) throw new Open311Error(403, 'A valid api_key is required.');
  return client;
}

const optionalNumber = (v: string | null, name: string) => {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Open311Error(400, `${name} must be a number.`);
  return n;
};

const attributeKey = /^attribute\[([^\]]{1,40})\](\[\])?$/;
const attributeCode = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * `attribute[code]=value` fields. FixMyStreet repeats the field for each answer of a
 * multi-value question (HTTP::Request::Common writes an array that way); other
 * clients add `[]`. Codes that cannot be a question's are refused by name, and the
 * values are collected in a Map, so no form key can reach an object's prototype.
 */
export function formAttributes(form: URLSearchParams): { values: Record<string, string | string[]>; bad: string[] } {
  const collected = new Map<string, { values: string[]; list: boolean }>();
  const bad: string[] = [];
  for (const [key, value] of form) {
    const match = attributeKey.exec(key);
    if (!match?.[1]) continue;
    const code = match[1];
    // uprn is how FixMyStreet passes the property reference: it is location, not a question.
    if (code === 'uprn') continue;
    if (!attributeCode.test(code)) {
      if (bad.length < 10) bad.push(code.replace(/[^\x20-\x7e]/g, '?'));
      continue;
    }
    const entry = collected.get(code) ?? { values: [], list: false };
    if (entry.values.length < 50) entry.values.push(value);
    entry.list ||= match[2] !== undefined;
    collected.set(code, entry);
  }
  const values = Object.fromEntries(
    [...collected].map(([code, e]) => [code, e.list || e.values.length > 1 ? e.values : (e.values[0] ?? '')]),
  );
  return { values, bad };
}

/** Cuts text longer than Doorstep stores, saying so; a well-formed report is never refused for its length. */
export function boundedText(text: string, max: number = maxOpen311Text): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const note = '\n\n[The rest of this text was longer than the council’s system stores.]';
  return { text: text.slice(0, max - note.length) + note, truncated: true };
}

/**
 * A comment lives on the request's timeline, inside the request document (one point read,
 * at most 2 MB in Cosmos DB): kept comments times this stays far below that.
 */
export const maxOpen311Comment = 4_000;

const open311RequestSchema = newServiceRequestSchema.extend({
  description: z.string().trim().min(1).max(maxOpen311Text),
});

/** POST requests: a report relayed by a client (FixMyStreet posts on behalf of the public). */
export async function postRequest(form: URLSearchParams, deps: Open311Deps): Promise<ServiceRequestDoc> {
  const client = await requireClient(form, deps);
  const { values, bad } = formAttributes(form);
  if (bad.length > 0) throw new Open311Error(400, `Unknown attribute(s): ${bad.join(', ')}.`);
  // A client answers the questions it last read from services/{code}; one the council has
  // since removed is left out rather than refusing the report (FixMyStreet would retry it forever).
  const code = form.get('service_code') ?? '';
  const service = /^[a-z][a-z0-9-]{1,39}$/.test(code) ? await deps.catalogue.get(code) : undefined;
  const known = new Set(service?.attributes.map((a) => a.code));
  const attributes = service ? Object.fromEntries(Object.entries(values).filter(([code]) => known.has(code))) : values;
  const lat = optionalNumber(form.get('lat'), 'lat');
  const long = optionalNumber(form.get('long'), 'long');
  const uprn = form.get('address_id') ?? form.get('attribute[uprn]') ?? undefined;
  const address = form.get('address_string') ?? undefined;
  const description = boundedText((form.get('description') ?? '').trim());
  let body;
  try {
    body = validate(open311RequestSchema, {
      serviceCode: form.get('service_code') ?? '',
      description: description.text,
      location: {
        ...(lat !== undefined ? { lat } : {}),
        ...(long !== undefined ? { long } : {}),
        ...(uprn ? { uprn } : {}),
        ...(address ? { address } : {}),
      },
      attributes,
    });
  } catch (error) {
    if (error instanceof AppError) throw new Open311Error(400, describe(error));
    throw error;
  }
  // FixMyStreet sends one media_url, or one per photo; a link that is not https is left out, not refused.
  const mediaUrls = form
    .getAll('media_url')
    .filter((u) => u.length <= 1000 && u.startsWith('https://') && URL.canParse(u))
    .slice(0, 5);
  const name = [form.get('first_name'), form.get('last_name')].filter(Boolean).join(' ').slice(0, 200);
  const email = form.get('email')?.slice(0, 254);
  const phone = form.get('phone')?.slice(0, 30);
  const principal: Principal = { sub: clientSubject(client), issuer: 'resident', roles: new Set(['resident']) };
  // Open311 has no idempotency key: the same form from the same client within a day is one report.
  const fields = [...form].filter(([k]) => k !== 'api_key').sort(([a], [b]) => a.localeCompare(b));
  const key = createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
  try {
    const { request } = await submitServiceRequest(
      {
        body,
        idempotencyKey: key,
        source: 'open311',
        reporter: {
          client: client.name,
          ...(name ? { name } : {}),
          ...(email ? { email } : {}),
          ...(phone ? { phone } : {}),
        },
        ...(mediaUrls.length > 0 ? { mediaUrls } : {}),
        ...(description.truncated ? { descriptionTruncated: true } : {}),
      },
      principal,
      deps,
    );
    return request;
  } catch (error) {
    if (error instanceof AppError && error.status < 500) throw new Open311Error(400, describe(error));
    throw error;
  }
}

function describe(error: AppError): string {
  const fields = error.extras.fieldErrors?.map(
    (f) => `${f.pointer.replace(/^\//, '').replace(/\//g, '.') || 'request'}: ${f.detail}`,
  );
  return fields?.length ? fields.join('; ') : (error.detail ?? error.title);
}

export type Open311Update = {
  readonly update_id: string;
  readonly service_request_id: string;
  readonly status: string;
  readonly updated_datetime: string;
  readonly description: string;
  readonly media_url: string | null;
};

/**
 * FixMyStreet's GET servicerequestupdates: the updates written in a time window
 * (default the last day), on the requests the reader may see, each under the id it
 * was given when written, so an update a client posted comes back under the
 * update_id that client was answered (FixMyStreet skips ids it already has).
 */
export async function listUpdates(
  query: URLSearchParams,
  reader: Reader,
  deadline: number,
  deps: Open311Deps,
): Promise<Open311Update[]> {
  const end = parseDate(query.get('end_date'), 'end_date') ?? deps.now().toISOString();
  const start =
    parseDate(query.get('start_date'), 'start_date') ?? new Date(Date.parse(end) - 86_400_000).toISOString();
  if (start > end) throw new Open311Error(400, 'start_date must not be after end_date.');
  const services = await servicesByCode(deps);
  const found = await deps.open311Queries.changed(
    { from: start, to: end, excludeServiceCodes: hiddenFrom(reader, services) },
    listLimits[reader.kind],
    deadline,
  );
  const updates: Open311Update[] = [];
  for (const { request: r, access } of await visible(found, reader, services, deps)) {
    let status: Status = 'submitted';
    r.timeline.forEach((t, index) => {
      if (t.status) status = t.status;
      if (t.kind === 'submitted' || t.at < start || t.at > end) return;
      updates.push({
        update_id: updateIdOf(r, t, index),
        service_request_id: r.id,
        status: fixMyStreetStatus(status),
        updated_datetime: w3cTime(t.at),
        description: (access === 'own' ? t.text : publicUpdateText(r, t, index)) ?? '',
        media_url: access === 'own' ? (t.photoUrl ?? null) : null,
      });
    });
  }
  return updates.sort((a, b) => a.updated_datetime.localeCompare(b.updated_datetime)).slice(0, listLimits[reader.kind]);
}

/**
 * A reporting client speaks for a member of the public, who may say "this is
 * fixed" (or closed) about an open report, or reopen a closed one. FixMyStreet
 * posts its own idea of the report's state with every comment, most often OPEN,
 * so a status that agrees with the request's open/closed state is just a comment.
 */
function reporterIntent(current: Status, status: string): Status | undefined {
  if (status === 'OPEN' || status === 'REOPEN') return isOpen(current) ? undefined : 'investigating';
  if (status === 'FIXED' || status === 'CLOSED') {
    if (!isOpen(current)) return undefined;
    return status === 'FIXED' ? 'fixed' : 'closed';
  }
  return undefined;
}

/** A back office's client may move the request through the transition table, as partners do. */
const fromBackOffice: Readonly<Record<string, Status>> = {
  INVESTIGATING: 'investigating',
  ACTION_SCHEDULED: 'action-scheduled',
  IN_PROGRESS: 'in-progress',
  FIXED: 'fixed',
  CLOSED: 'closed',
  DUPLICATE: 'duplicate',
  NOT_COUNCILS_RESPONSIBILITY: 'not-councils-responsibility',
  NO_FURTHER_ACTION: 'no-further-action',
  INTERNAL_REFERRAL: 'referred',
};

function backOfficeIntent(current: Status, status: string): Status | undefined {
  const wanted = fromBackOffice[status] ?? reporterIntent(current, status);
  return wanted === current ? undefined : wanted;
}

/** The update_id Doorstep answers for a client's update: the same for every repeat of it. */
export const clientUpdateId = (requestId: string, marker: string) =>
  createHash('sha256').update(`${requestId}\n${marker}`).digest('hex').slice(0, 32);

/**
 * FixMyStreet's POST servicerequestupdates: an update from a client, applied by
 * `applyUpdate` like staff's and partners' (transition table, events,
 * notifications, projections, timeline bound), recorded as that client, and
 * only on a request it reported or that was dispatched to it. Repeats apply once.
 */
export async function postUpdate(form: URLSearchParams, deps: Open311Deps): Promise<{ update_id: string }> {
  const client = await requireClient(form, deps);
  const externalId = form.get('update_id');
  const requestId = form.get('service_request_id') ?? '';
  const text = boundedText((form.get('description') ?? '').trim(), maxOpen311Comment).text;
  if (!externalId || externalId.length > 100) throw new Open311Error(400, 'update_id is required.');
  if (!text) throw new Open311Error(400, 'description is required.');
  const marker = `${client.id.slice(0, 16)}:${externalId}`;
  const updateId = clientUpdateId(requestId, marker);
  const reader: Reader = { kind: 'client', client };
  return retryWhileStale(
    3,
    async () => {
      const found = isUuid(requestId) ? await deps.requests.get(requestId) : undefined;
      if (!found) throw new Open311Error(404, `No service request ${requestId.slice(0, 40)}.`);
      const access = await accessOf(found, reader, deps);
      if (access !== 'own')
        throw new Open311Error(403, 'This client may update only the requests it reported or was sent.');
      if (found.externalUpdateIds?.includes(marker)) return { update_id: updateId };
      const status = (form.get('status') ?? '').toUpperCase();
      const backOffice = client.backOffice !== undefined && found.residentId !== clientSubject(client);
      const wanted = backOffice ? backOfficeIntent(found.status, status) : reporterIntent(found.status, status);
      if (wanted && !canMove(found.status, wanted))
        throw new Open311Error(400, `A request that is ${found.status} cannot become ${wanted}.`);
      const mediaUrl = form.get('media_url');
      let saved;
      try {
        saved = await applyUpdate(
          found,
          {
            update: { publicUpdate: text, ...(wanted ? { status: wanted } : {}) },
            by: 'client',
            actor: client.id.slice(0, 16),
            externalUpdateId: marker,
            entryId: updateId,
            ...(mediaUrl?.startsWith('https://') && mediaUrl.length <= 1000 && URL.canParse(mediaUrl)
              ? { photoUrl: mediaUrl }
              : {}),
          },
          deps,
        );
      } catch (error) {
        if (error instanceof AppError && error.status < 500) throw new Open311Error(400, error.detail ?? error.title);
        throw error;
      }
      return saved === 'stale' ? saved : { update_id: updateId };
    },
    () => new Open311Error(409, 'The request is changing; try again.'),
  );
}
