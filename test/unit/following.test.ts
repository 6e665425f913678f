/**
 * Following a report, with plain fakes: the bounds, and who the planner tells what.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { followRequest, type FollowingDeps } from '../../shared/following/following.js';
import { maxFollowedPerResident, type FollowingDoc } from '../../shared/following/model.js';
import type { FollowingStore } from '../../shared/following/store.js';
import type { Principal } from '../../shared/identity/principal.js';
import { planNotifications, type PlanDeps } from '../../shared/notifications/notifications.js';
import type { ProfileDoc } from '../../shared/residents/profile.js';
import type { ServiceRequestDoc } from '../../shared/service-requests/model.js';

const requestId = '2b0f6c4e-3a1d-4e5f-8a9b-0c1d2e3f4a5b';
const resident = (sub: string): Principal =>
  ({ sub, issuer: 'resident' as const, roles: new Set(['resident']) }) as unknown as Principal;

function fakeStore(docs: FollowingDoc[]): FollowingStore {
  return {
    get: (r, q) => Promise.resolve(docs.find((d) => d.residentId === r && d.requestId === q)),
    create: (doc) => {
      docs.push(doc);
      return Promise.resolve(doc);
    },
    delete: () => Promise.resolve(true),
    listMine: () => Promise.resolve({ items: [] }),
    countMine: (r, upTo) => Promise.resolve(Math.min(upTo, docs.filter((d) => d.residentId === r).length)),
    followers: (q, limit) =>
      Promise.resolve(
        docs
          .filter((d) => d.requestId === q)
          .map((d) => d.residentId)
          .slice(0, limit),
      ),
  };
}

const deps = (docs: FollowingDoc[]): FollowingDeps => ({
  following: fakeStore(docs),
  requests: {
    get: (id) =>
      Promise.resolve(
        id === requestId ? ({ id, residentId: 'reporter', serviceCode: 'pothole' } as ServiceRequestDoc) : undefined,
      ),
  },
  catalogue: { get: () => Promise.resolve({ public: true } as never) },
  now: () => new Date('2026-11-29T12:00:00Z'),
});

describe('following: bounds', () => {
  it(`when a resident already follows ${maxFollowedPerResident} reports, then following another is refused with 409 and nothing is stored`, async () => {
    const docs = Array.from({ length: maxFollowedPerResident }, (_, i) => ({
      id: `following:other-${i}` as const,
      residentId: 'busy',
      kind: 'following' as const,
      requestId: `other-${i}`,
      at: '2026-11-01T00:00:00Z',
    }));
    const error = await followRequest(requestId, resident('busy'), deps(docs)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(409);
    expect(docs).toHaveLength(maxFollowedPerResident);
  });

  it('when a resident follows a report they already follow, then nothing new is stored', async () => {
    const docs: FollowingDoc[] = [];
    expect(await followRequest(requestId, resident('r1'), deps(docs))).toBe('started');
    expect(await followRequest(requestId, resident('r1'), deps(docs))).toBe('already-following');
    expect(docs).toHaveLength(1);
  });
});

const profile = (residentId: string, preferences: Partial<ProfileDoc['preferences']> = {}): ProfileDoc => ({
  id: 'profile',
  residentId,
  kind: 'profile',
  // Notifications go only to confirmed contacts (decision 0900).
  contact: {
    email: `${residentId}@example.com`,
    emailVerifiedAt: '2026-11-01T00:00:00Z',
    phone: '07700900982',
    phoneVerifiedAt: '2026-11-01T00:00:00Z',
  },
  preferences: { email: true, sms: false, events: ['status-changed', 'update-added'], ...preferences },
  createdAt: '',
  updatedAt: '',
});

const event = {
  specversion: '1.0' as const,
  id: '9d5c1f7e-8b2a-4c3d-9e0f-1a2b3c4d5e6f',
  source: 'test',
  type: 'uk.gov.doorstep.request.status-changed',
  subject: requestId,
  time: '',
  datacontenttype: 'application/json' as const,
  data: { status: 'fixed' },
};

const planDeps = (followers: string[], profiles: ProfileDoc[], forFollowers = true): PlanDeps => ({
  profiles: { get: (id) => Promise.resolve(profiles.find((p) => p.residentId === id)) },
  templates: {
    'status-changed': { email: '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b01' },
    'followed-report': { email: '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b11', sms: '0b4f2c1e-7a3d-4e58-9b6c-1d2e3f4a5b12' },
  },
  subject: () =>
    Promise.resolve({
      residentId: 'reporter',
      personalisation: { update: 'private words' },
      ...(forFollowers ? { forFollowers: { update: '' } } : {}),
    }),
  followers: () => Promise.resolve(followers),
});

describe('following: planning notifications', () => {
  it('when a report with two followers changes, then each follower gets a followed-report job per chosen channel, with public words only, and distinct ids', async () => {
    const jobs = await planNotifications(
      event,
      planDeps(['a', 'b', 'a'], [profile('reporter'), profile('a'), profile('b', { sms: true, events: [] })]),
    );
    expect(jobs.map((j) => [j.residentId, j.kind, j.channel])).toEqual([
      ['reporter', 'status-changed', 'email'],
      ['a', 'followed-report', 'email'],
      ['b', 'followed-report', 'email'],
      ['b', 'followed-report', 'sms'],
    ]);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(4);
    for (const job of jobs.slice(1)) {
      expect(job.personalisation.update).toBe('');
      expect(job.id.length).toBeLessThanOrEqual(128);
    }
  });

  it('when nothing public happened, then followers get nothing and the reporter still does', async () => {
    const jobs = await planNotifications(event, planDeps(['a'], [profile('reporter'), profile('a')], false));
    expect(jobs.map((j) => j.residentId)).toEqual(['reporter']);
  });

  it('when the reporter also appears among the followers, then they are told once', async () => {
    const jobs = await planNotifications(event, planDeps(['reporter'], [profile('reporter')]));
    expect(jobs.map((j) => j.kind)).toEqual(['status-changed']);
  });
});
