/**
 * Residents report and track service requests; staff triage them.
 */
import { randomUUID } from 'node:crypto';
import { checkAttributes } from '../catalogue/attributes.js';
import type { CatalogueStore } from '../catalogue/catalogue.js';
import { AppError, conflict, notFound, validationFailed, type FieldError } from '../errors.js';
import { backOfficeFor } from '../catalogue/back-offices.js';
import { newDispatch } from '../dispatch/model.js';
import { outboxEvent, type OutboxDoc } from '../events/cloud-event.js';
import {
  cellOf,
  cellsAround,
  contains,
  distanceM,
  TooManyCellsError,
  withinMargin,
  type Boundary,
} from '../geo/area.js';
import { claimIdempotencyKey, type IdempotencyStore } from '../idempotency/idempotency.js';
import { isStaff, requireRole, type Principal } from '../identity/principal.js';
import type { MyRequestEntry, NearbyPin, ServiceRequestDoc } from './model.js';
import type { NewServiceRequest, StaffUpdate } from './schemas.js';
import { canMove, isOpen, type Status } from './status.js';
import type { DocumentStore } from '../uploads/store.js';
import { checkPhotos } from '../uploads/uploads.js';
import { compactPartnerEntries, externalUpdateIdsKept } from './timeline.js';
import type { Page, RequestStore } from './store.js';
import { isUuid } from '../data/ids.js';
import { myAccountEntry } from '../residents/my-account-entry.js';
import { wardIn, type Ward } from '../wards/ward-set.js';

export interface ServiceRequestDeps {
  readonly requests: RequestStore;
  readonly catalogue: CatalogueStore;
  readonly idempotency: IdempotencyStore;
  readonly boundary: Boundary;
  readonly documents: DocumentStore;
  readonly now: () => Date;
  /** The council's wards: each new request is placed in one (none configured: no ward). */
  readonly wards?: readonly Ward[];
}

const requestEvent = (
  doc: ServiceRequestDoc,
  name: string,
  now: Date,
  extra: Record<string, unknown> = {},
): OutboxDoc =>
  outboxEvent({
    partition: doc.pk,
    family: 'request',
    name,
    subject: doc.id,
    now,
    routing: { serviceGroup: doc.serviceGroup, serviceCode: doc.serviceCode },
    data: {
      requestId: doc.id,
      serviceCode: doc.serviceCode,
      serviceGroup: doc.serviceGroup,
      status: doc.status,
      // No location: it may be a home (decision 0911); the back office has it in its work order.
      updatedAt: doc.updatedAt,
      ...extra,
    },
  });

/** Keeps the owner's My Account entry and the nearby pin in step with the request. */
async function project(doc: ServiceRequestDoc, store: RequestStore): Promise<void> {
  const entry: MyRequestEntry = myAccountEntry('request', doc, {
    serviceCode: doc.serviceCode,
    serviceName: doc.serviceName,
    status: doc.status,
    updatedAt: doc.updatedAt,
  });
  const writes: Promise<void>[] = [store.putMyEntry(entry)];
  const { lat, long } = doc.location;
  if (lat !== undefined && long !== undefined) {
    const cell = cellOf([long, lat]);
    if (isOpen(doc.status)) {
      const pin: NearbyPin = {
        id: `pin:${doc.id}`,
        pk: cell,
        type: 'pin',
        requestId: doc.id,
        serviceCode: doc.serviceCode,
        serviceName: doc.serviceName,
        status: doc.status,
        lat,
        long,
        createdAt: doc.createdAt,
      };
      writes.push(store.putPin(pin));
    } else {
      writes.push(store.deletePin(cell, doc.id));
    }
  }
  await Promise.all(writes);
}

export async function submitServiceRequest(
  input: {
    readonly body: NewServiceRequest;
    readonly idempotencyKey: string | undefined;
    readonly source?: 'api' | 'open311' | 'sensor';
    readonly reporter?: ServiceRequestDoc['reporter'];
    readonly mediaUrls?: readonly string[];
    readonly descriptionTruncated?: boolean;
    /** A councillor's enquiry this request answers (shared/casework/). */
    readonly enquiry?: ServiceRequestDoc['enquiry'];
  },
  principal: Principal,
  deps: ServiceRequestDeps,
): Promise<{ request: ServiceRequestDoc; replay: boolean }> {
  const { body } = input;
  const service = await deps.catalogue.get(body.serviceCode);
  const errors: FieldError[] = [];
  if (!service?.active) errors.push({ pointer: '/serviceCode', detail: 'Choose a service from /api/services.' });
  const { lat, long } = body.location;
  if (lat !== undefined && long !== undefined && !contains(deps.boundary, [long, lat])) {
    errors.push({
      pointer: '/location',
      detail: 'This place is outside the council’s area. Report it to the council responsible for it.',
    });
  }
  const attributes = service ? checkAttributes(service, body.attributes) : { errors: [], clean: {} };
  errors.push(...attributes.errors, ...(await checkPhotos(body.photos, principal, deps)));
  if (errors.length > 0 || !service) throw validationFailed(errors);

  const { resourceId, replay } = await claimIdempotencyKey(
    deps.idempotency,
    `requests:${principal.sub}`,
    input.idempotencyKey,
    body,
    randomUUID,
  );
  if (replay) {
    const existing = await deps.requests.get(resourceId);
    if (existing) {
      // The first attempt may have stopped before its projections: finish them.
      await project(existing, deps.requests);
      return { request: existing, replay: true };
    }
  }

  const now = deps.now();
  const at = now.toISOString();
  const ward = lat !== undefined && long !== undefined ? wardIn(deps.wards ?? [], { lat, long }) : undefined;
  const doc: ServiceRequestDoc = {
    id: resourceId,
    pk: resourceId,
    type: 'request',
    serviceCode: service.code,
    serviceName: service.name,
    serviceGroup: service.group,
    ...(service.agencyResponsible ? { agencyResponsible: service.agencyResponsible } : {}),
    status: 'submitted',
    description: body.description,
    attributes: attributes.clean,
    location: body.location,
    photos: body.photos,
    residentId: principal.sub,
    source: input.source ?? 'api',
    ...(input.reporter ? { reporter: input.reporter } : {}),
    ...(input.mediaUrls?.length ? { mediaUrls: input.mediaUrls } : {}),
    ...(input.descriptionTruncated ? { descriptionTruncated: true } : {}),
    assignedTo: null,
    timeline: [{ at, kind: 'submitted', status: 'submitted', by: 'resident' }],
    internalNotes: [],
    createdAt: at,
    updatedAt: at,
    ...(service.expectedDays !== undefined
      ? { expectedAt: new Date(now.getTime() + service.expectedDays * 86_400_000).toISOString() }
      : {}),
    ...(ward ? { ward: ward.code } : {}),
    ...(input.enquiry ? { enquiry: input.enquiry } : {}),
  };
  const created = await deps.requests.create(
    doc,
    [requestEvent(doc, 'submitted', now)],
    newDispatch(doc, backOfficeFor(service), now),
  );
  const request = created === 'exists' ? await deps.requests.get(resourceId) : created;
  if (!request) throw new AppError('internal', 'The request could not be read back.');
  await project(request, deps.requests);
  return { request, replay: replay || created === 'exists' };
}

/** The owner or staff; anyone else is told it does not exist. */
export async function getServiceRequest(
  id: string,
  principal: Principal,
  deps: Pick<ServiceRequestDeps, 'requests'>,
): Promise<ServiceRequestDoc> {
  const request = isUuid(id) ? await deps.requests.get(id) : undefined;
  if (!request || (request.residentId !== principal.sub && !isStaff(principal))) throw notFound('The service request');
  return request;
}

export async function listMyRequests(
  query: { pageSize: number; continuation?: string | undefined },
  principal: Principal,
  deps: Pick<ServiceRequestDeps, 'requests'>,
): Promise<Page<MyRequestEntry>> {
  return deps.requests.listMine(principal.sub, query.pageSize, query.continuation);
}

export interface NearbyRequest {
  readonly id: string;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly status: Status;
  readonly lat: number;
  readonly long: number;
  readonly distanceM: number;
  readonly reportedOn: string;
}

/** The most pins one nearby call reads per cell, and returns. */
export const maxPinsPerCell = 100;
export const maxNearbyResults = 50;

/**
 * Open requests near a point, for "has this been reported already?": no personal data.
 * The work is bounded by construction: the point must be in the council's area (or
 * within a margin of it), the circle may touch at most `maxNearbyCells` cells (one
 * single-partition query each) and each query reads at most `maxPinsPerCell`.
 */
export async function findNearby(
  query: { lat: number; long: number; radius: number; serviceCode?: string | undefined },
  deps: Pick<ServiceRequestDeps, 'requests' | 'boundary'>,
): Promise<NearbyRequest[]> {
  const centre = [query.long, query.lat] as const;
  if (!withinMargin(deps.boundary, centre)) {
    throw validationFailed(
      [{ pointer: '/lat', detail: 'This place is outside the council’s area.' }],
      'Search near a place in the council’s area.',
    );
  }
  let cells: string[];
  try {
    cells = cellsAround(centre, query.radius);
  } catch (error) {
    if (!(error instanceof TooManyCellsError)) throw error;
    throw validationFailed([{ pointer: '/radius', detail: 'Search a smaller radius here.' }]);
  }
  const pins = await deps.requests.pins(cells, query.serviceCode, maxPinsPerCell);
  return pins
    .map((p) => ({ p, d: distanceM(centre, [p.long, p.lat]) }))
    .filter(({ p, d }) => d <= query.radius && isOpen(p.status))
    .sort((a, b) => a.d - b.d)
    .slice(0, maxNearbyResults)
    .map(({ p, d }) => ({
      id: p.requestId,
      serviceCode: p.serviceCode,
      serviceName: p.serviceName,
      status: p.status,
      // Rounded to about 10 m: enough to recognise the spot, not a doorstep.
      lat: Math.round(p.lat * 10_000) / 10_000,
      long: Math.round(p.long * 10_000) / 10_000,
      distanceM: Math.round(d),
      reportedOn: p.createdAt.slice(0, 10),
    }));
}

/**
 * Staff change status (by the transition table), assign, post a public update or
 * an internal note. The ETag the caller read must still be current (412 otherwise).
 */
export async function updateByStaff(
  input: { readonly id: string; readonly ifMatch: string; readonly update: StaffUpdate },
  principal: Principal,
  deps: ServiceRequestDeps,
): Promise<ServiceRequestDoc> {
  requireRole(principal, 'staff');
  const current = await getServiceRequest(input.id, principal, deps);
  const etag = (current._etag ?? '').replace(/"/g, '');
  if (input.ifMatch.replace(/"/g, '') !== etag) throw stale();
  const saved = await applyUpdate(current, { update: input.update, by: 'council', actor: principal.sub }, deps);
  if (saved === 'stale') throw stale();
  return saved;
}

const stale = () =>
  new AppError('precondition-failed', 'The request has changed since you read it. Read it again and retry.');

/**
 * The one way a request changes after it is submitted, whoever asks (staff over
 * HTTP, a partner over Service Bus, an Open311 client): the transition table,
 * the timeline, the outbox events and the projections. `externalUpdateId` marks
 * an update from outside so that a repeat has no second effect. Callers check
 * who may ask; 'stale' means the request changed since `current` was read.
 */
export async function applyUpdate(
  current: ServiceRequestDoc,
  input: {
    readonly update: StaffUpdate;
    readonly by: 'council' | 'partner' | 'client';
    /** Who, for internal notes: a staff member's id, a back office's or an Open311 client's. */
    readonly actor: string;
    readonly externalUpdateId?: string;
    readonly photoUrl?: string;
    /** The new timeline entry's id, when the caller has already promised one (Open311's update_id). */
    readonly entryId?: string;
  },
  deps: Pick<ServiceRequestDeps, 'requests' | 'now'>,
): Promise<ServiceRequestDoc | 'stale'> {
  const { update, by } = input;
  const now = deps.now();
  const at = now.toISOString();
  const timeline = [...current.timeline];
  const events: OutboxDoc[] = [];
  const photo = input.photoUrl ? { photoUrl: input.photoUrl } : {};
  const entry = {
    id: input.entryId ?? randomUUID(),
    at,
    by,
    ...(by === 'client' ? { client: input.actor } : {}),
  };
  let status = current.status;
  if (update.status && update.status !== current.status) {
    if (!canMove(current.status, update.status))
      throw conflict(`A request that is ${current.status} cannot become ${update.status}.`);
    status = update.status;
    timeline.push({
      ...entry,
      kind: 'status',
      status,
      ...(update.publicUpdate ? { text: update.publicUpdate } : {}),
      ...photo,
    });
  } else if (update.publicUpdate) {
    timeline.push({ ...entry, kind: 'update', text: update.publicUpdate, ...photo });
  }
  // Bounded by folding old partner entries, never by refusing: staff can always update.
  const bounded = compactPartnerEntries(timeline);
  const next: ServiceRequestDoc = {
    ...current,
    status,
    timeline: bounded.timeline,
    ...(bounded.dropped > 0
      ? { partnerEntriesCompacted: (current.partnerEntriesCompacted ?? 0) + bounded.dropped }
      : {}),
    ...(update.assignedTo !== undefined ? { assignedTo: update.assignedTo } : {}),
    internalNotes: update.internalNote
      ? [...current.internalNotes, { at, by: input.actor, text: update.internalNote }]
      : current.internalNotes,
    ...(input.externalUpdateId
      ? {
          externalUpdateIds: [...(current.externalUpdateIds ?? []), input.externalUpdateId].slice(
            -externalUpdateIdsKept,
          ),
        }
      : {}),
    updatedAt: at,
  };
  if (status !== current.status)
    events.push(
      requestEvent(next, 'status-changed', now, {
        previousStatus: current.status,
        by,
        // The update's id, not its text: subscribers read the text from the request (decision 0911).
        ...(update.publicUpdate ? { update: { id: entry.id, at, by } } : {}),
      }),
    );
  if (update.publicUpdate)
    events.push(
      requestEvent(next, 'update-added', now, {
        update: { id: entry.id, at, by },
        // Subscribers that already told someone about the status change need not repeat its text.
        withStatusChange: status !== current.status,
      }),
    );
  const saved = await deps.requests.replace(next, current._etag ?? '', events);
  if (saved === 'stale') return 'stale';
  await project(saved, deps.requests);
  return saved;
}
