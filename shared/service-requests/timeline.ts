/**
 * How far a request's timeline may grow, and who pays for the bound. The timeline
 * lives inside the request document (one point read for the resident), so it must
 * stay small; but staff must never be locked out of a request because someone else
 * filled it. So the bounds fall on partners only:
 * - a back office adds at most `perDay` entries to one request in any 24 hours
 *   (checked where partner messages are applied: the extra ones are dead-lettered);
 * - at most `kept` entries from outside systems (back offices and Open311 clients,
 *   whose comments are cut at `maxOpen311Comment`) stay on the timeline: when a new
 *   one would exceed that, the oldest of them are folded into a count.
 * Staff and residents' entries are never dropped and never refused.
 */
import type { TimelineEntry } from './model.js';

export const partnerTimelineBounds = { perDay: 30, kept: 100 } as const;

/** Update markers kept for duplicate detection: far more than a partner can send within a message's lifetime. */
export const externalUpdateIdsKept = 500;

/** Partner entries on the timeline since `since` (ISO time). */
export const partnerEntriesSince = (timeline: readonly TimelineEntry[], since: string) =>
  timeline.filter((t) => t.by === 'partner' && t.at >= since).length;

/** Written by a system outside the council: a back office, or an Open311 client. */
const external = (t: TimelineEntry) => t.by === 'partner' || t.by === 'client';

/** Drops the oldest external entries beyond `kept`; returns the timeline and how many were dropped. */
export function compactPartnerEntries(
  timeline: readonly TimelineEntry[],
  kept: number = partnerTimelineBounds.kept,
): { timeline: TimelineEntry[]; dropped: number } {
  const partner = timeline.filter(external).length;
  let dropped = Math.max(0, partner - kept);
  if (dropped === 0) return { timeline: [...timeline], dropped: 0 };
  const total = dropped;
  const compacted = timeline.filter((t) => {
    if (!external(t) || dropped === 0) return true;
    dropped--;
    return false;
  });
  return { timeline: compacted, dropped: total };
}
