/**
 * What each audience may see of a request. Views whitelist fields: a new field on
 * the stored document is private until a view names it.
 */
import type { ServiceRequestDoc } from './model.js';
import { isOpen, transitions } from './status.js';

export const etagOf = (doc: { _etag?: string }) => `"${(doc._etag ?? '').replace(/"/g, '')}"`;

/** The owner's view: everything about their report but the council's internal notes. */
export function toResidentView(r: ServiceRequestDoc) {
  return {
    id: r.id,
    serviceCode: r.serviceCode,
    serviceName: r.serviceName,
    status: r.status,
    open: isOpen(r.status),
    description: r.description,
    attributes: r.attributes,
    location: r.location,
    photos: r.photos,
    timeline: r.timeline.map((t, i) => ({
      id: t.id ?? `${r.id}-${i}`,
      at: t.at,
      kind: t.kind,
      status: t.status,
      text: t.text,
      by: t.by,
      photoUrl: t.photoUrl,
    })),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    expectedAt: r.expectedAt,
  };
}

/** Staff see the lot, including who reported it (by id) and internal notes. */
export function toStaffView(r: ServiceRequestDoc) {
  return {
    ...toResidentView(r),
    // Which Open311 client relayed an update (its id's first 16 characters).
    timeline: toResidentView(r).timeline.map((t, i) => ({ ...t, client: r.timeline[i]?.client })),
    serviceGroup: r.serviceGroup,
    agencyResponsible: r.agencyResponsible,
    residentId: r.residentId,
    source: r.source,
    reporter: r.reporter ?? null,
    assignedTo: r.assignedTo ?? null,
    ward: r.ward ?? null,
    // The transition table's next steps, so a staff client offers only those.
    nextStatuses: transitions[r.status],
    internalNotes: r.internalNotes.map((n) => ({ at: n.at, by: n.by, text: n.text })),
    descriptionTruncated: r.descriptionTruncated ?? false,
    // What the public sees (Open311): see shared/open311/moderation.ts.
    moderation: r.moderation ?? {},
    moderationLog: r.moderationLog ?? [],
    // A councillor's enquiry, with the date staff must answer it by (shared/casework/).
    enquiry: r.enquiry ?? null,
  };
}
