/**
 * What the public may see of a report, decided in one place (see
 * docs/decisions/0300-open311-public-view-and-client-access.md): a public
 * service's category, status, a position rounded to about 10 m, and only the
 * words a moderator has published or the council wrote itself. Never the UPRN,
 * the address, the reporter, or anything of a non-public service.
 */
import type { StoredService } from '../catalogue/catalogue.js';
import type { ServiceRequestDoc, TimelineEntry } from '../service-requests/model.js';

/**
 * Services whose reports the public may see. A service no longer in the catalogue
 * counts as non-public: GeoReport v2 publishes whatever it returns, and FixMyStreet
 * imports a request of an unknown category as public unless it says `non_public`
 * (Open311/GetServiceRequests.pm), so a home's report must never be guessed public.
 */
export const isPublicService = (service: Pick<StoredService, 'public'> | undefined) =>
  // A stored service from before the field has none; the schema's default for it is public.
  service !== undefined && (service.public as boolean | undefined) !== false;

/** Rounded to about 10 m: enough to recognise the spot, not a doorstep (as the nearby view). */
export const roundCoordinate = (value: number | undefined) =>
  value === undefined ? null : Math.round(value * 10_000) / 10_000;

/** An update's id: given when it was written, or its position for entries older than ids. */
export const updateIdOf = (r: Pick<ServiceRequestDoc, 'id'>, entry: TimelineEntry, index: number) =>
  entry.id ?? `${r.id}-${index}`;

/**
 * The public text of an update: the council's own words as written; a partner's,
 * client's or resident's only as a moderator published them.
 */
export function publicUpdateText(r: ServiceRequestDoc, entry: TimelineEntry, index: number): string | undefined {
  if (!entry.text) return undefined;
  if (entry.by === 'council') return entry.text;
  const moderated = r.moderation?.updates?.[updateIdOf(r, entry, index)];
  return moderated && moderated !== 'hidden' ? moderated.text : undefined;
}

/** The public description: only once a moderator has published it. */
export const publicDescription = (r: ServiceRequestDoc): string | null => {
  const moderated = r.moderation?.description;
  return moderated && moderated !== 'hidden' ? moderated.text : null;
};

/** Photos of a public report are shown (checked and stripped) unless a moderator hid them. */
export const publicPhotosShown = (r: ServiceRequestDoc) => r.moderation?.photos !== 'hidden';
