/**
 * What of a report still waits for a moderator (decision 0300: nothing a reporter,
 * partner or client wrote is public until a moderator publishes it, and photos are
 * shown until one hides them). Kept on the request as one indexed flag each time the
 * store writes it, so the moderators' queue reads the flag, never a scan of the texts
 * (which are not indexed). Decision 1032.
 */
import type { ServiceRequestDoc } from './model.js';

export interface ModerationDue {
  readonly description: boolean;
  readonly photos: boolean;
  /** Ids of updates written outside the council that no moderator has published or hidden. */
  readonly updates: readonly string[];
}

type Moderated = Pick<ServiceRequestDoc, 'id' | 'description' | 'photos' | 'mediaUrls' | 'timeline' | 'moderation'>;

export function moderationDue(r: Moderated): ModerationDue {
  const decided = r.moderation?.updates ?? {};
  return {
    description: r.description.trim() !== '' && r.moderation?.description === undefined,
    photos: (r.photos.length > 0 || (r.mediaUrls?.length ?? 0) > 0) && r.moderation?.photos === undefined,
    // An update's id as shared/open311/public-view.ts `updateIdOf` gives it.
    updates: r.timeline.flatMap((t, i) => {
      const id = t.id ?? `${r.id}-${i}`;
      return t.text && t.by !== 'council' && decided[id] === undefined ? [id] : [];
    }),
  };
}

export const awaitsModeration = (r: Moderated) => {
  const due = moderationDue(r);
  return due.description || due.photos || due.updates.length > 0;
};

/** The request as stored: with its flag brought up to date. */
export const withModerationFlag = (r: ServiceRequestDoc): ServiceRequestDoc => ({
  ...r,
  awaitsModeration: awaitsModeration(r),
});
