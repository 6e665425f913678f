/**
 * #13 item 2 and the review after merging: a request's timeline lives inside its document,
 * so what outside systems add is bounded, and the council is never locked out.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../shared/service-requests/model.js';
import { compactPartnerEntries, partnerTimelineBounds } from '../../shared/service-requests/timeline.js';

const entry = (by: TimelineEntry['by'], i: number): TimelineEntry => ({
  at: `2026-11-29T10:${String(i % 60).padStart(2, '0')}:00.000Z`,
  kind: 'update',
  text: `${by} ${i}`,
  by,
});

describe('the timeline bound', () => {
  it('when Open311 clients and a back office keep adding comments, then only the newest of theirs are kept, and every council entry stays', () => {
    const timeline = [
      ...Array.from({ length: 90 }, (_, i) => entry('client', i)),
      ...Array.from({ length: 20 }, (_, i) => entry('council', i)),
      ...Array.from({ length: 90 }, (_, i) => entry('partner', i)),
    ];
    const { timeline: kept, dropped } = compactPartnerEntries(timeline);
    expect(dropped).toBe(180 - partnerTimelineBounds.kept);
    expect(kept.filter((t) => t.by === 'council')).toHaveLength(20);
    expect(kept.filter((t) => t.by === 'client' || t.by === 'partner')).toHaveLength(partnerTimelineBounds.kept);
    // The oldest went first: the newest partner entry is still there.
    expect(kept.at(-1)?.text).toBe('partner 89');
  });
});
