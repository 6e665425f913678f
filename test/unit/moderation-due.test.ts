/** What of a report waits for a moderator (decision 1032): the rule behind the queue's indexed flag. */
import { describe, expect, it } from 'vitest';
import type { ServiceRequestDoc } from '../../shared/service-requests/model.js';
import { awaitsModeration, moderationDue } from '../../shared/service-requests/moderation-due.js';

const report = (extra: Partial<ServiceRequestDoc> = {}) =>
  ({
    id: 'r1',
    description: 'Pothole by number 12',
    photos: [],
    timeline: [{ at: '2026-11-30T08:00:00Z', kind: 'submitted', by: 'resident' }],
    ...extra,
  }) as unknown as ServiceRequestDoc;

describe('what waits for a moderator', () => {
  it('when a report has a description nobody has decided on, then it waits; once published or hidden, it does not', () => {
    expect(moderationDue(report())).toEqual({ description: true, photos: false, updates: [] });
    expect(awaitsModeration(report({ moderation: { description: 'hidden' } }))).toBe(false);
    expect(awaitsModeration(report({ moderation: { description: { text: 'Pothole' } } }))).toBe(false);
    expect(awaitsModeration(report({ description: '  ' }))).toBe(false);
  });

  it('when a report has photos (its own or a client’s) nobody has looked at, then they wait until shown or hidden', () => {
    const decided = { description: 'hidden' as const };
    expect(moderationDue(report({ photos: ['d1'], moderation: decided })).photos).toBe(true);
    expect(moderationDue(report({ mediaUrls: ['https://x.example/1.jpg'], moderation: decided })).photos).toBe(true);
    expect(awaitsModeration(report({ photos: ['d1'], moderation: { ...decided, photos: 'shown' } }))).toBe(false);
  });

  it('when someone outside the council writes an update, then it waits by its id; the council’s own words never do', () => {
    const timeline = [
      { at: 't0', kind: 'submitted', by: 'resident' },
      { at: 't1', kind: 'update', by: 'council', text: 'Booked' },
      { id: 'u-client', at: 't2', kind: 'update', by: 'client', text: 'Still there' },
      { at: 't3', kind: 'update', by: 'partner', text: 'Crew sent' },
    ] as ServiceRequestDoc['timeline'];
    const decided = { description: 'hidden' as const };
    // An entry older than ids is known by its position, as the public view knows it.
    expect(moderationDue(report({ timeline, moderation: decided })).updates).toEqual(['u-client', 'r1-3']);
    expect(
      awaitsModeration(
        report({
          timeline,
          moderation: { ...decided, updates: { 'u-client': 'hidden', 'r1-3': { text: 'Crew sent' } } },
        }),
      ),
    ).toBe(false);
  });
});
