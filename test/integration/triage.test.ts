/**
 * #17 the staff triage queue over the API: filters by status, service, ward, age and
 * overdue (against each service's expected time, shared/service-requests/overdue.ts),
 * counts per service on the first page, bounded and validated at the edge; assignment
 * to a configured team or an officer; and internal notes that never leave the council.
 */
import { randomUUID } from 'node:crypto';
import { CosmosClient } from '@azure/cosmos';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { aServiceRequest, admin, call, staff } from '../support/api.js';
import { cosmosOf, outboxPublished } from '../support/outbox.js';

interface Item {
  id: string;
  serviceCode: string;
  status: string;
  overdue: boolean;
  ward: string | null;
  assignedTo: string | null;
}
interface Queue {
  items: Item[];
  continuation?: string;
  counts?: { serviceCode: string; serviceName: string; count: number }[];
}

const at = cosmosOf(inject('appSettings').CosmosDb);
let cosmos: CosmosClient;
beforeAll(() => {
  cosmos = new CosmosClient({
    endpoint: at.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
});
afterAll(() => {
  cosmos.dispose();
});

const requests = () => cosmos.database(at.database).container('requests');
const dayMs = 86_400_000;

/** A report, then made `ageDays` old and placed in `ward` in the store (wards are set at creation once casework lands). */
async function aReport(ward: string, ageDays: number, overrides: Record<string, unknown> = {}): Promise<string> {
  const created = await call('POST', 'requests', {
    as: `triage-${randomUUID().slice(0, 8)}`,
    body: aServiceRequest(overrides),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const item = requests().item(id, id);
  const { resource } = await item.read<Record<string, unknown>>();
  if (!resource) throw new Error('the report was not stored');
  // Aged as time would age it: made, and due, `ageDays` earlier.
  const earlier = (iso: unknown) => new Date(Date.parse(String(iso)) - ageDays * dayMs).toISOString();
  await item.replace({
    ...resource,
    ward,
    createdAt: earlier(resource.createdAt),
    ...(resource.expectedAt ? { expectedAt: earlier(resource.expectedAt) } : {}),
  });
  return id;
}

async function queue(query: string): Promise<Queue> {
  const response = await call('GET', `staff/requests?${query}`, { as: staff });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Queue;
}

async function patch(id: string, body: Record<string, unknown>) {
  const read = await call('GET', `requests/${id}`, { as: staff });
  return call('PATCH', `staff/requests/${id}`, {
    as: staff,
    body,
    headers: { 'if-match': read.headers.get('etag') ?? '' },
  });
}

const ids = (q: Queue) => q.items.map((i) => i.id).sort();
const countOf = (q: Queue, code: string) => q.counts?.find((c) => c.serviceCode === code)?.count;

describe('the staff triage queue', () => {
  it('when staff filter by ward, service, status, age and overdue, then only matching requests come back, each marked overdue by its service’s expected time, with counts per service', async () => {
    const ward = `E05${randomUUID().slice(0, 6)}`;
    // Pothole: 28 days expected. Street light: 7.
    const latePothole = await aReport(ward, 40);
    const freshPothole = await aReport(ward, 1);
    const lateLight = await aReport(ward, 10, { serviceCode: 'street-light-fault', attributes: { fault: 'out' } });
    const closedOld = await aReport(ward, 60);
    expect((await patch(closedOld, { status: 'closed' })).status).toBe(200);

    const all = await queue(`ward=${ward}`);
    expect(ids(all)).toEqual([latePothole, freshPothole, lateLight, closedOld].sort());
    expect(Object.fromEntries(all.items.map((i) => [i.id, i.overdue]))).toEqual({
      [latePothole]: true,
      [freshPothole]: false,
      [lateLight]: true,
      [closedOld]: false,
    });
    expect(all.items.every((i) => i.ward === ward)).toBe(true);
    expect(countOf(all, 'pothole')).toBe(3);
    expect(countOf(all, 'street-light-fault')).toBe(1);
    expect(countOf(all, 'fly-tipping')).toBe(0);

    expect(ids(await queue(`ward=${ward}&overdue=true`))).toEqual([latePothole, lateLight].sort());
    expect(ids(await queue(`ward=${ward}&overdue=false`))).toEqual([freshPothole, closedOld].sort());
    expect(ids(await queue(`ward=${ward}&olderThanDays=30`))).toEqual([latePothole, closedOld].sort());
    expect(ids(await queue(`ward=${ward}&status=closed`))).toEqual([closedOld]);
    expect(ids(await queue(`ward=${ward}&open=true&overdue=true&serviceCode=pothole`))).toEqual([latePothole]);

    // Counts follow every filter but the service one, so the queue shows where else the work is.
    const potholes = await queue(`ward=${ward}&serviceCode=pothole&open=true`);
    expect(ids(potholes)).toEqual([latePothole, freshPothole].sort());
    expect(countOf(potholes, 'pothole')).toBe(2);
    expect(countOf(potholes, 'street-light-fault')).toBe(1);
  });

  it('when the queue is paged, then the first page carries the counts and the next page only its items', async () => {
    const ward = `E05${randomUUID().slice(0, 6)}`;
    const made = [await aReport(ward, 3), await aReport(ward, 2), await aReport(ward, 1)];
    const first = await queue(`ward=${ward}&pageSize=2`);
    expect(first.items).toHaveLength(2);
    expect(countOf(first, 'pothole')).toBe(3);
    expect(first.continuation).toBeDefined();
    const second = await queue(`ward=${ward}&pageSize=2&continuation=${encodeURIComponent(first.continuation ?? '')}`);
    expect(second.counts).toBeUndefined();
    expect([...ids(first), ...ids(second)].sort()).toEqual([...made].sort());
  });

  it.each([
    ['ward=not a ward!', 'ward'],
    ['olderThanDays=100000', 'olderThanDays'],
    ['olderThanDays=-1', 'olderThanDays'],
    ['overdue=maybe', 'overdue'],
    ['pageSize=1000', 'pageSize'],
  ])('when the queue is asked %s, then it is refused before any query runs', async (query, field) => {
    const response = await call('GET', `staff/requests?${query}`, { as: staff });
    expect([400, 422]).toContain(response.status);
    expect(await response.text()).toContain(field);
  });

  it('when a resident asks for the queue or the teams, then 403', async () => {
    expect((await call('GET', 'staff/requests', { as: 'alice' })).status).toBe(403);
    expect((await call('GET', 'staff/teams', { as: 'alice' })).status).toBe(403);
  });
});

describe('assignment', () => {
  it('when staff assign to a configured team or to an officer, then it is kept; an unknown team or a free-text name is refused', async () => {
    const teams = (await (await call('GET', 'staff/teams', { as: staff })).json()) as {
      items: { code: string; name: string }[];
    };
    expect(teams.items).toContainEqual({ code: 'highways', name: 'Highways' });
    const id = await aReport(`E05${randomUUID().slice(0, 6)}`, 0);

    const toTeam = await patch(id, { assignedTo: 'team:highways' });
    expect(toTeam.status).toBe(200);
    expect(((await toTeam.json()) as Item).assignedTo).toBe('team:highways');
    expect(ids(await queue(`assignedTo=team:highways&ward=${(await requestWard(id)) ?? ''}`))).toEqual([id]);

    const toOfficer = await patch(id, { assignedTo: 'officer:sam' });
    expect(((await toOfficer.json()) as Item).assignedTo).toBe('officer:sam');

    const unknown = await patch(id, { assignedTo: 'team:no-such-team' });
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('/assignedTo');
    expect((await patch(id, { assignedTo: 'Highways team' })).status).toBe(422);
    expect((await patch(id, { assignedTo: null })).status).toBe(200);
  });
});

async function requestWard(id: string): Promise<string | undefined> {
  const { resource } = await requests().item(id, id).read<{ ward?: string }>();
  return resource?.ward;
}

describe('internal notes', () => {
  it('when staff add an internal note, then it never reaches the resident, Open311, a follower or the events partners receive', async () => {
    const marker = `INTERNAL-${randomUUID()}`;
    const reporter = `triage-${randomUUID().slice(0, 8)}`;
    const follower = `triage-${randomUUID().slice(0, 8)}`;
    const created = await call('POST', 'requests', { as: reporter, body: aServiceRequest() });
    const { id } = (await created.json()) as { id: string };
    expect((await call('PUT', `me/following/${id}`, { as: follower })).status).toBeLessThan(300);

    expect((await patch(id, { internalNote: `Inspector says ${marker}`, status: 'investigating' })).status).toBe(200);
    expect((await patch(id, { publicUpdate: 'We are looking into it' })).status).toBe(200);

    // Staff see it (the audited read).
    expect(await (await call('GET', `requests/${id}`, { as: staff })).text()).toContain(marker);

    const keyResponse = await call('POST', 'admin/open311-clients', { as: admin, body: { name: `notes-${marker}` } });
    const { apiKey } = (await keyResponse.json()) as { apiKey: string };
    const open311 = `${inject('hostUrl')}/api/open311/v2`;
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const surfaces = [
      await call('GET', `requests/${id}`, { as: reporter }),
      await call('GET', `me/following/${id}`, { as: follower }),
      await call('GET', 'me/following', { as: follower }),
      await fetch(`${open311}/requests/${id}.json`),
      await fetch(`${open311}/servicerequestupdates.json?start_date=${since}&api_key=${apiKey}`),
    ];
    for (const response of surfaces) {
      expect(response.status, response.url).toBe(200);
      const text = await response.text();
      expect(text, response.url).not.toContain(marker);
      expect(text, response.url).not.toContain('Inspector says');
    }

    // What partners and the notifier receive: the request's events, as published.
    await outboxPublished(at, [id]);
    const { resources: events } = await requests()
      .items.query({
        query: "SELECT * FROM c WHERE c.pk = @id AND c.type = 'outbox'",
        parameters: [{ name: '@id', value: id }],
      })
      .fetchAll();
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toContain(marker);
    // And the back office's work order.
    const { resources: orders } = await requests()
      .items.query({
        query: "SELECT * FROM c WHERE c.pk = @id AND c.type != 'request'",
        parameters: [{ name: '@id', value: id }],
      })
      .fetchAll();
    expect(JSON.stringify(orders)).not.toContain(marker);
  });
});
