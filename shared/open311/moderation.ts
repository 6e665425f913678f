/**
 * Staff moderation of a report's public view: publish (as written or edited) or
 * hide the description, hide or show the photos, publish or hide an update a
 * partner or client wrote. Needs the `moderator` role; every change is recorded
 * (who, when, what) on the request, and the texts people wrote are never lost.
 */
import { z } from 'zod';
import { AppError, forbidden, notFound } from '../errors.js';
import type { Principal } from '../identity/principal.js';
import type { Moderation, ModerationRecord, ServiceRequestDoc } from '../service-requests/model.js';
import type { RequestStore } from '../service-requests/store.js';
import type { CatalogueStore } from '../catalogue/catalogue.js';
import type { DocumentStore } from '../uploads/store.js';
import { isPublicService, updateIdOf } from './public-view.js';
import { isUuid } from '../data/ids.js';

const publicText = z.string().trim().min(1).max(5000);

export const moderationSchema = z
  .strictObject({
    description: publicText
      .nullable()
      .optional()
      .describe('The public description: the text to publish (the reporter’s, or edited), or null to hide it'),
    photos: z.enum(['shown', 'hidden']).optional().describe('Whether the public sees the report’s photos'),
    updates: z
      .array(
        z.strictObject({
          id: z.string().min(1).max(100).describe('The update’s id, as in the staff view’s timeline'),
          text: publicText.nullable().describe('The text to publish, or null to hide it'),
        }),
      )
      .max(20)
      .optional(),
  })
  .refine((m) => m.description !== undefined || m.photos !== undefined || (m.updates?.length ?? 0) > 0, {
    message: 'Send at least one of description, photos, updates',
  });
export type ModerationChange = z.output<typeof moderationSchema>;

export const isModerator = (p: Principal) => p.roles.has('moderator');

/** Applies `change` to the request read with ETag `ifMatch`; 'stale' if it changed since. */
export async function moderate(
  input: { readonly id: string; readonly ifMatch: string; readonly change: ModerationChange },
  principal: Principal,
  deps: { readonly requests: RequestStore; readonly now: () => Date },
): Promise<ServiceRequestDoc> {
  if (!isModerator(principal)) throw forbidden('This needs the moderator role.');
  const current = isUuid(input.id) ? await deps.requests.get(input.id) : undefined;
  if (!current) throw notFound('The service request');
  if (input.ifMatch.replace(/"/g, '') !== (current._etag ?? '').replace(/"/g, '')) throw stale();
  const at = deps.now().toISOString();
  const log: ModerationRecord[] = [];
  const record = (entry: Omit<ModerationRecord, 'at' | 'by'>) => log.push({ at, by: principal.sub, ...entry });
  const { change } = input;
  let moderation: Moderation = current.moderation ?? {};
  if (change.description !== undefined) {
    const text = change.description;
    moderation = { ...moderation, description: text === null ? 'hidden' : { text } };
    record({
      target: 'description',
      action: text === null ? 'hidden' : text === current.description.trim() ? 'published' : 'edited',
    });
  }
  if (change.photos) {
    moderation = { ...moderation, photos: change.photos };
    record({ target: 'photos', action: change.photos });
  }
  if (change.updates?.length) {
    const byId = new Map(current.timeline.map((t, i) => [updateIdOf(current, t, i), t]));
    const updates = { ...(moderation.updates ?? {}) };
    for (const u of change.updates) {
      const entry = byId.get(u.id);
      if (!entry?.text) throw new AppError('validation-failed', `The request has no update ${u.id.slice(0, 100)}.`);
      updates[u.id] = u.text === null ? 'hidden' : { text: u.text };
      record({
        target: 'update',
        updateId: u.id,
        action: u.text === null ? 'hidden' : u.text === entry.text.trim() ? 'published' : 'edited',
      });
    }
    moderation = { ...moderation, updates };
  }
  const next: ServiceRequestDoc = {
    ...current,
    moderation,
    // The audit trail is bounded like the timeline: the newest 500 records are kept.
    moderationLog: [...(current.moderationLog ?? []), ...log].slice(-500),
  };
  const saved = await deps.requests.replace(next, current._etag ?? '', []);
  if (saved === 'stale') throw stale();
  return saved;
}

/**
 * A report as a moderator reads it (decision 1032): what was written and what the public
 * sees, without the reporter, the address or staff's internal notes, so the moderator
 * role needs no staff role and sees no more than moderating takes.
 */
/**
 * A report as a moderator reads it. Only reports of public services: nothing of a non-public
 * service's report is ever shown to the public, so a moderator has no reason to read it (a
 * damp-and-mould report's photos are inside a tenant's home), nor of a service no longer in
 * the catalogue (decision 1127).
 */
export async function readForModeration(
  id: string,
  principal: Principal,
  deps: { readonly requests: RequestStore; readonly catalogue: Pick<CatalogueStore, 'get'> },
): Promise<ServiceRequestDoc> {
  if (!isModerator(principal)) throw forbidden('This needs the moderator role.');
  const found = isUuid(id) ? await deps.requests.get(id) : undefined;
  if (!found || !isPublicService(await deps.catalogue.get(found.serviceCode))) throw notFound('The service request');
  return found;
}

/**
 * The report, if `photoId` is one of its stored photos and has passed its checks: a moderator
 * reads no other document, and nothing is audited for a photo that cannot be shown.
 */
export async function readPhotoForModeration(
  input: { readonly id: string; readonly photoId: string },
  principal: Principal,
  deps: {
    readonly requests: RequestStore;
    readonly catalogue: Pick<CatalogueStore, 'get'>;
    readonly documents: Pick<DocumentStore, 'get'>;
  },
): Promise<ServiceRequestDoc> {
  const found = await readForModeration(input.id, principal, deps);
  const photo = found.photos.includes(input.photoId) ? await deps.documents.get(input.photoId) : undefined;
  if (photo?.purpose !== 'photo' || photo.status !== 'available') throw notFound('The photo');
  return found;
}

export const toModerationView = (r: ServiceRequestDoc) => ({
  id: r.id,
  serviceCode: r.serviceCode,
  serviceName: r.serviceName,
  status: r.status,
  description: r.description,
  photos: r.photos,
  mediaUrls: r.mediaUrls?.length ?? 0,
  timeline: r.timeline.map((t, i) => ({
    id: updateIdOf(r, t, i),
    at: t.at,
    kind: t.kind,
    by: t.by,
    ...(t.status ? { status: t.status } : {}),
    ...(t.text ? { text: t.text } : {}),
  })),
  moderation: r.moderation ?? {},
  moderationLog: r.moderationLog ?? [],
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const stale = () =>
  new AppError('precondition-failed', 'The request has changed since you read it. Read it again and retry.');
