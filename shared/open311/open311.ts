/**
 * Open311 GeoReport v2 (and FixMyStreet's servicerequestupdates) over Doorstep's
 * own use cases. Public reads carry no personal data; writes need an API key.
 */
import { createHash } from 'node:crypto';
import type { StoredService } from '../catalogue/catalogue.js';
import { AppError } from '../errors.js';
import { validate } from '../http/request.js';
import type { Principal } from '../identity/principal.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { newServiceRequestSchema } from '../service-requests/schemas.js';
import { submitServiceRequest, type ServiceRequestDeps } from '../service-requests/service-requests.js';
import { canMove, fixMyStreetStatus, open311Status, statuses, type Status } from '../service-requests/status.js';
import { clientForKey, type Open311ClientStore } from './clients.js';
import { Open311Error } from './format.js';
import { isUuid } from '../data/ids.js';
import { retryWhileStale } from '../data/retry-stale.js';

export interface Open311Deps extends ServiceRequestDeps {
  readonly open311Clients: Open311ClientStore;
}

export const toOpen311Service = (s: StoredService) => ({
  service_code: s.code,
  service_name: s.name,
  description: s.description,
  metadata: s.attributes.length > 0,
  type: s.type,
  keywords: s.keywords.join(','),
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
 * What Open311 shows of a request: never the reporter or internal notes. Only a client
 * with an API key (a partner such as FixMyStreet) sees the resident's own words and
 * address: anonymous readers get what is needed to see it is known (service, status,
 * place, dates, the council's notes), since residents type names and addresses into
 * descriptions. `apiBase` is the API's absolute URL: media_url points at the checked copy.
 */
export const toOpen311Request = (r: ServiceRequestDoc, apiBase: string, audience: 'client' | 'public') => {
  const client = audience === 'client';
  const lastUpdate = [...r.timeline].reverse().find((t) => t.text);
  return {
    service_request_id: r.id,
    status: open311Status(r.status),
    status_notes: lastUpdate?.text ?? null,
    service_name: r.serviceName,
    service_code: r.serviceCode,
    description: client ? r.description : null,
    agency_responsible: r.agencyResponsible ?? null,
    service_notice: null,
    requested_datetime: r.createdAt,
    updated_datetime: r.updatedAt,
    expected_datetime: r.expectedAt ?? null,
    address: client ? (r.location.address ?? null) : null,
    address_id: r.location.uprn ?? null,
    zipcode: null,
    lat: r.location.lat ?? null,
    long: r.location.long ?? null,
    media_url: r.photos.length > 0 ? `${apiBase}/media/requests/${r.id}/photos/0` : (r.mediaUrls?.[0] ?? null),
  };
};

const parseDate = (value: string | null, name: string): string | undefined => {
  if (value === null || value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value)))
    throw new Open311Error(400, `${name} must be an ISO 8601 date-time.`);
  return new Date(value).toISOString();
};

export async function listRequests(query: URLSearchParams, deps: Open311Deps): Promise<ServiceRequestDoc[]> {
  const ids = query.get('service_request_id');
  if (ids) {
    const list = ids
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length > 50) throw new Open311Error(400, 'At most 50 service_request_id values.');
    const found = await Promise.all(
      list.map((id) => (isUuid(id) ? deps.requests.get(id) : Promise.resolve(undefined))),
    );
    return found.filter((r): r is ServiceRequestDoc => r !== undefined);
  }
  const end = parseDate(query.get('end_date'), 'end_date') ?? deps.now().toISOString();
  const start =
    parseDate(query.get('start_date'), 'start_date') ?? new Date(Date.parse(end) - 90 * 86_400_000).toISOString();
  const status = query.get('status');
  if (status !== null && status !== 'open' && status !== 'closed')
    throw new Open311Error(400, 'status must be open or closed.');
  const serviceCode = query.get('service_code') ?? undefined;
  if (serviceCode !== undefined && !/^[a-z][a-z0-9-]{1,39}$/.test(serviceCode))
    throw new Open311Error(400, 'Unknown service_code.');
  const wanted = status === null ? undefined : statuses.filter((s) => open311Status(s) === status);
  const out: ServiceRequestDoc[] = [];
  let continuation: string | undefined;
  do {
    const page = await deps.requests.staffList(
      { from: start, to: end, ...(serviceCode ? { serviceCode } : {}), ...(wanted ? { statuses: wanted } : {}) },
      100,
      continuation,
    );
    out.push(...page.items);
    continuation = page.continuation;
  } while (continuation && out.length < 1000);
  return out.slice(0, 1000);
}

export async function getRequest(id: string, deps: Open311Deps): Promise<ServiceRequestDoc> {
  const found = isUuid(id) ? await deps.requests.get(id) : undefined;
  if (!found) throw new Open311Error(404, `No service request ${id.slice(0, 40)}.`);
  return found;
}

/** Whether the caller presented a valid API key (reads are open; a key shows more). */
export async function audienceOf(query: URLSearchParams, deps: Open311Deps): Promise<'client' | 'public'> {
  return query.get('api_key') && (await clientForKey(query.get('api_key'), deps)) ? 'client' : 'public';
}

async function requireClient(form: URLSearchParams, deps: Open311Deps) {
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

/** POST requests: a report relayed by a client (FixMyStreet posts on behalf of the public). */
export async function postRequest(form: URLSearchParams, deps: Open311Deps): Promise<ServiceRequestDoc> {
  const client = await requireClient(form, deps);
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of form) {
    const match = /^attribute\[([^\]]{1,40})\](\[\])?$/.exec(key);
    if (!match?.[1]) continue;
    // uprn is how FixMyStreet passes the property reference: it is location, not a question.
    if (match[1] === 'uprn') continue;
    if (match[2] !== undefined)
      attributes[match[1]] = [...((attributes[match[1]] as string[] | undefined) ?? []), value];
    else attributes[match[1]] = value;
  }
  const lat = optionalNumber(form.get('lat'), 'lat');
  const long = optionalNumber(form.get('long'), 'long');
  const uprn = form.get('address_id') ?? form.get('attribute[uprn]') ?? undefined;
  const address = form.get('address_string') ?? undefined;
  let body;
  try {
    body = validate(newServiceRequestSchema, {
      serviceCode: form.get('service_code') ?? '',
      description: form.get('description') ?? '',
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
  const mediaUrl = form.get('media_url');
  if (mediaUrl && (!URL.canParse(mediaUrl) || !mediaUrl.startsWith('https://') || mediaUrl.length > 1000))
    throw new Open311Error(400, 'media_url must be an https URL.');
  const name = [form.get('first_name'), form.get('last_name')].filter(Boolean).join(' ').slice(0, 200);
  const email = form.get('email')?.slice(0, 254);
  const phone = form.get('phone')?.slice(0, 30);
  const principal: Principal = { sub: `open311:${client.id.slice(0, 16)}`, roles: new Set(['resident']) };
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
        ...(mediaUrl ? { mediaUrls: [mediaUrl] } : {}),
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

/** FixMyStreet's GET servicerequestupdates: public updates in a time window. */
export async function listUpdates(
  query: URLSearchParams,
  deps: Open311Deps,
  audience: 'client' | 'public' = 'public',
): Promise<Open311Update[]> {
  const end = parseDate(query.get('end_date'), 'end_date') ?? deps.now().toISOString();
  const start =
    parseDate(query.get('start_date'), 'start_date') ?? new Date(Date.parse(end) - 86_400_000).toISOString();
  const updates: Open311Update[] = [];
  // Requests created up to 90 days before the window can have updates in it.
  const from = new Date(Date.parse(start) - 90 * 86_400_000).toISOString();
  let continuation: string | undefined;
  do {
    const page = await deps.requests.staffList({ from, to: end }, 100, continuation);
    for (const r of page.items) {
      let status: Status = 'submitted';
      r.timeline.forEach((t, index) => {
        if (t.status) status = t.status;
        if (t.kind === 'submitted' || t.at < start || t.at > end) return;
        updates.push({
          update_id: `${r.id}-${index}`,
          service_request_id: r.id,
          status: fixMyStreetStatus(status),
          updated_datetime: t.at,
          // Residents' own words are for clients with a key, like the report's description.
          description: t.by === 'resident' && audience === 'public' ? '' : (t.text ?? ''),
          media_url: null,
        });
      });
    }
    continuation = page.continuation;
  } while (continuation && updates.length < 1000);
  return updates.sort((a, b) => a.updated_datetime.localeCompare(b.updated_datetime)).slice(0, 1000);
}

const fromReportingSide: Record<string, Status> = {
  FIXED: 'fixed',
  CLOSED: 'closed',
  OPEN: 'investigating',
  REOPEN: 'investigating',
  INVESTIGATING: 'investigating',
};

/** FixMyStreet's POST servicerequestupdates: a member of the public's update, relayed. Repeats apply once. */
export async function postUpdate(form: URLSearchParams, deps: Open311Deps): Promise<{ update_id: string }> {
  const client = await requireClient(form, deps);
  const externalId = form.get('update_id');
  const requestId = form.get('service_request_id') ?? '';
  const description = (form.get('description') ?? '').trim();
  if (!externalId || externalId.length > 100) throw new Open311Error(400, 'update_id is required.');
  if (!description || description.length > 2000)
    throw new Open311Error(400, 'description is required (at most 2000 characters).');
  const marker = `${client.id.slice(0, 16)}:${externalId}`;
  return retryWhileStale(
    3,
    async () => {
      const current = await getRequest(requestId, deps);
      const applied = current.externalUpdateIds?.indexOf(marker) ?? -1;
      if (applied >= 0) return { update_id: `${current.id}-ext-${applied}` };
      const wanted = fromReportingSide[(form.get('status') ?? '').toUpperCase()];
      const status = wanted && wanted !== current.status && canMove(current.status, wanted) ? wanted : current.status;
      const at = deps.now().toISOString();
      const next: ServiceRequestDoc = {
        ...current,
        status,
        timeline: [
          ...current.timeline,
          {
            at,
            kind: status === current.status ? 'update' : 'status',
            text: description,
            by: 'resident',
            ...(status === current.status ? {} : { status }),
          },
        ],
        externalUpdateIds: [...(current.externalUpdateIds ?? []), marker],
        updatedAt: at,
      };
      const saved = await deps.requests.replace(next, current._etag ?? '', []);
      return saved === 'stale' ? saved : { update_id: `${saved.id}-ext-${(saved.externalUpdateIds?.length ?? 1) - 1}` };
    },
    () => new Open311Error(409, 'The request is changing; try again.'),
  );
}
