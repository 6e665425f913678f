/**
 * Following a report (FixMyStreet's `new_updates` alerts, perllib/FixMyStreet/Script/Alerts.pm
 * at mysociety/fixmystreet@0796a2b): residents follow public reports they did not make and
 * hear, through the channels they chose, about what the public may see: status changes and
 * the council's own words, never internal notes or unpublished partner text, never who reported it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aServiceRequest, call, staff } from '../support/api.js';
import { confirmContact, notificationsTo } from '../support/contacts.js';
import { notificationsSettled } from '../support/notifications-settled.js';

const sentTo = notificationsTo;

/** Follower jobs name the report by its reference, not the reporter. */
const settled = (requestId: string) => notificationsSettled(requestId, requestId.slice(0, 8).toUpperCase());

async function resident(preferences: Record<string, unknown> = { email: true, sms: false }) {
  const who = `follower-${randomUUID().slice(0, 8)}`;
  const email = `${who}@example.com`;
  // Notifications go only to confirmed contacts (decision 0900).
  await confirmContact(who, 'email', email);
  const res = await call('PATCH', 'me', { as: who, body: { preferences } });
  expect(res.status).toBe(200);
  return { who, email };
}

async function report(who: string, overrides: Record<string, unknown> = {}) {
  const created = await call('POST', 'requests', { as: who, body: aServiceRequest(overrides) });
  expect(created.status).toBe(201);
  return { id: ((await created.json()) as { id: string }).id, etag: created.headers.get('etag') ?? '' };
}

async function staffUpdate(id: string, etag: string, body: Record<string, unknown>) {
  const res = await call('PATCH', `staff/requests/${id}`, { as: staff, body, headers: { 'if-match': etag } });
  expect(res.status).toBe(200);
  return res.headers.get('etag') ?? '';
}

interface FollowingList {
  items: { requestId: string; since: string; request: { serviceName: string; status: string; open: boolean } | null }[];
  continuation?: string;
}
const following = async (who: string) =>
  (await (await call('GET', 'me/following', { as: who })).json()) as FollowingList;

describe('following a report', () => {
  it('when a resident follows a public report twice, then both answer 204 and it is listed once with its current status', async () => {
    const reporter = await resident();
    const follower = await resident();
    const { id, etag } = await report(reporter.who);
    expect((await call('PUT', `me/following/${id}`, { as: follower.who })).status).toBe(204);
    expect((await call('PUT', `me/following/${id}`, { as: follower.who })).status).toBe(204);
    await staffUpdate(id, etag, { status: 'investigating' });

    const list = await following(follower.who);
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({
      requestId: id,
      request: { serviceName: 'Pothole', status: 'investigating', open: true },
    });
  });

  it('when a follower reads the report, then they see its public view and never who reported it, where exactly, or internal notes', async () => {
    const reporter = await resident();
    const follower = await resident();
    const { id, etag } = await report(reporter.who, {
      location: { lat: 51.45451234, long: -2.58791234, uprn: '100012345678', address: '12 Secret Row' },
    });
    await staffUpdate(id, etag, {
      status: 'in-progress',
      publicUpdate: 'A crew is booked.',
      internalNote: 'Caller is a councillor.',
    });
    const before = await call('GET', `me/following/${id}`, { as: follower.who });
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ following: false, reportedByYou: false });
    await call('PUT', `me/following/${id}`, { as: follower.who });

    const res = await call('GET', `me/following/${id}`, { as: follower.who });
    const text = await res.text();
    const body = JSON.parse(text) as { following: boolean; request: Record<string, unknown> };
    expect(body.following).toBe(true);
    expect(body.request).toMatchObject({
      id,
      serviceName: 'Pothole',
      status: 'in-progress',
      location: { lat: 51.4545, long: -2.5879 },
    });
    expect(text).toContain('A crew is booked.');
    for (const secret of [reporter.who, 'Secret Row', '100012345678', 'councillor', 'Deep pothole', 'medium'])
      expect(text).not.toContain(secret);
    // The owner's own view is still theirs alone.
    expect((await call('GET', `requests/${id}`, { as: follower.who })).status).toBe(404);
  });

  it('when a resident stops following, then 204 (again 204) and the report leaves their list', async () => {
    const reporter = await resident();
    const follower = await resident();
    const { id } = await report(reporter.who);
    await call('PUT', `me/following/${id}`, { as: follower.who });
    expect((await call('DELETE', `me/following/${id}`, { as: follower.who })).status).toBe(204);
    expect((await call('DELETE', `me/following/${id}`, { as: follower.who })).status).toBe(204);
    expect((await following(follower.who)).items).toEqual([]);
  });

  it('refuses what cannot be followed: one’s own report (409), a private service’s report or an unknown one (404), no sign-in (401), a bad page size (422)', async () => {
    const reporter = await resident();
    const other = await resident();
    const { id } = await report(reporter.who);
    const own = await call('PUT', `me/following/${id}`, { as: reporter.who });
    expect(own.status).toBe(409);
    expect(own.headers.get('content-type')).toContain('application/problem+json');
    const bin = await report(reporter.who, {
      serviceCode: 'missed-bin',
      location: { lat: 51.4545, long: -2.5879, uprn: '100012345679' },
      attributes: { bin: 'general', collection_date: '2026-11-20' },
    });
    expect((await call('PUT', `me/following/${bin.id}`, { as: other.who })).status).toBe(404);
    expect((await call('GET', `me/following/${bin.id}`, { as: other.who })).status).toBe(404);
    expect((await call('PUT', `me/following/${randomUUID()}`, { as: other.who })).status).toBe(404);
    expect((await call('PUT', 'me/following/not-a-uuid', { as: other.who })).status).toBe(404);
    expect((await call('PUT', `me/following/${id}`)).status).toBe(401);
    expect((await call('GET', 'me/following?pageSize=0', { as: other.who })).status).toBe(422);
  });

  it('when two residents follow the same report, then each is told of its public progress by their channel, and not of internal notes or unpublished partner words', async () => {
    const reporter = await resident({ email: true, sms: false, events: ['status-changed', 'update-added'] });
    const first = await resident({ email: true, sms: false });
    const second = await resident({ email: true, sms: false });
    const stopped = await resident({ email: true, sms: false });
    const { id, etag } = await report(reporter.who);
    for (const r of [first, second, stopped])
      expect((await call('PUT', `me/following/${id}`, { as: r.who })).status).toBe(204);
    expect((await call('DELETE', `me/following/${id}`, { as: stopped.who })).status).toBe(204);

    await staffUpdate(id, etag, {
      status: 'action-scheduled',
      publicUpdate: 'Booked for Friday.',
      internalNote: 'The reporter rang twice.',
    });
    for (const r of [first, second]) {
      const [email] = await sentTo(r.email, 1);
      expect(email).toMatchObject({ type: 'email', templateName: 'Report you follow (email)' });
      expect(email?.subject).toBe('A report you follow: Pothole, scheduled for action');
      expect(email?.body).toContain('Booked for Friday.');
      expect(email?.body).toContain(`/my-account/requests/${id}`);
      expect(email?.body).not.toContain('rang twice');
      expect(email?.body).not.toContain(reporter.who);
    }
    // The reporter gets their own message, once.
    const [own] = await sentTo(reporter.email, 1);
    expect(own?.templateName).toBe('Report status changed (email)');
    await settled(id);
    expect(await sentTo(stopped.email)).toHaveLength(0);
    expect(await sentTo(first.email)).toHaveLength(1);
  });

  it('when a council update comes alone, followers hear it; an internal note alone tells them nothing', async () => {
    const reporter = await resident({ email: false, sms: false });
    const follower = await resident({ email: true, sms: false });
    const { id, etag } = await report(reporter.who);
    await call('PUT', `me/following/${id}`, { as: follower.who });
    const next = await staffUpdate(id, etag, { internalNote: 'Nothing public here.' });
    await staffUpdate(id, next, { publicUpdate: 'Cones are out.' });
    const [email] = await sentTo(follower.email, 1);
    expect(email?.body).toContain('Cones are out.');
    await settled(id);
    expect(await sentTo(follower.email)).toHaveLength(1);
  });
});
