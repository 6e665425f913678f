/**
 * Contract tests written from FixMyStreet's own Open311 client (mysociety/fixmystreet
 * at 84d7c80c5d9abd0d330325742c6b9eedc30b19fd; perllib/Open311.pm,
 * perllib/Open311/GetServiceRequestUpdates.pm, UpdatesBase.pm,
 * PostServiceRequestUpdates.pm, GetServiceRequests.pm, SendReport/Open311.pm):
 * requests are sent as it builds them and answers read as it reads them (see
 * test/support/fixmystreet.ts). One `describe` per item of issue #14's Open311 list.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { admin, aServiceRequest, call, staff } from '../support/api.js';
import {
  Open311,
  parseXml,
  updatesFixMyStreetWouldCreate,
  w3cdtf,
  xmlObject,
  type Comment,
  type Problem,
} from '../support/fixmystreet.js';

const endpoint = () => `${inject('hostUrl')}/api/open311/v2/`;
const moderator = { sub: 'mo', roles: ['staff', 'moderator'] as const };

async function issueKey(name: string, backOffice?: string): Promise<string> {
  const res = await call('POST', 'admin/open311-clients', {
    as: admin,
    body: { name, ...(backOffice ? { backOffice } : {}) },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { apiKey: string }).apiKey;
}

let fms: Open311;
let otherClient: Open311;

beforeAll(async () => {
  fms = new Open311({ endpoint: endpoint(), jurisdiction: 'doorstep.example', apiKey: await issueKey('FixMyStreet') });
  otherClient = new Open311({ endpoint: endpoint(), jurisdiction: 'x', apiKey: await issueKey('Another reporter') });
});

let problemIds = 0;
const aProblem = (overrides: Partial<Problem> = {}): Problem => ({
  title: 'Street light out',
  detail: `The light by the bus stop has been out for a week ${randomUUID()}`,
  name: 'Pat Q. Reporter',
  email: 'pat@example.com',
  latitude: 51.452112345,
  longitude: -2.596012345,
  uprn: '100010101011',
  extra: [{ name: 'fault', value: 'out' }],
  url: `https://www.fixmystreet.com/report/${++problemIds}`,
  ...overrides,
});

const aComment = (problemExternalId: string, overrides: Partial<Comment> = {}): Comment => ({
  id: Math.floor(Math.random() * 1e9),
  text: 'Still not fixed, and it is very dark at night.',
  name: 'Sam Commenter',
  email: 'sam@example.com',
  confirmed: new Date(),
  problemState: 'confirmed',
  problemExternalId,
  ...overrides,
});

interface StaffView {
  status: string;
  description: string;
  attributes: Record<string, unknown>;
  timeline: { id: string; kind: string; by: string; text?: string; status?: string }[];
  moderation: Record<string, unknown>;
  moderationLog: { by: string; target: string; action: string }[];
}

async function staffView(id: string): Promise<{ view: StaffView; etag: string }> {
  const res = await call('GET', `requests/${id}`, { as: staff });
  expect(res.status).toBe(200);
  return { view: (await res.json()) as StaffView, etag: res.headers.get('etag') ?? '' };
}

async function sent(problem: Problem, serviceCode = 'street-light-fault', client = fms): Promise<string> {
  const id = await client.sendServiceRequest(problem, serviceCode);
  expect(id, client.error).not.toBe(0);
  return id as string;
}

const window = (): [string, string] => [
  w3cdtf(new Date(Date.now() - 2 * 3_600_000)),
  w3cdtf(new Date(Date.now() + 60_000)),
];

describe('1. multi-value answers, sent as FixMyStreet repeats the field', () => {
  it('when an answer has several values, then every value is kept', async () => {
    const id = await sent(
      aProblem({
        title: 'Dumped rubbish',
        extra: [
          { name: 'what', value: ['furniture', 'tyres'] },
          { name: 'amount', value: 'car_boot' },
          { name: 'hazardous', value: 'no' },
        ],
      }),
      'fly-tipping',
    );
    const { view } = await staffView(id);
    expect(view.attributes.what).toEqual(['furniture', 'tyres']);
  });
});

describe('2. long reports', () => {
  it('when the description is far past 2,000 characters, then the report is accepted and stored whole', async () => {
    const detail = `${'The whole row of lights is out. '.repeat(400)}${randomUUID()}`;
    const id = await sent(aProblem({ detail }));
    const { view } = await staffView(id);
    expect(view.description).toContain(detail);
    expect(view.description).toContain('Submitted via FixMyStreet');
  });

  it('when the description is longer than Doorstep stores, then it is cut and kept, never refused', async () => {
    const id = await sent(aProblem({ detail: 'x'.repeat(60_000) }));
    const { view } = await staffView(id);
    expect(view.description.length).toBeLessThanOrEqual(32_000);
    expect(view.description).toMatch(/^title: Street light out/);
  });
});

describe('3. status=OPEN with a comment', () => {
  it('when FixMyStreet posts a comment on an open report, then it is a comment and the status stays', async () => {
    const id = await sent(aProblem());
    const updateId = await fms.postServiceRequestUpdate(aComment(id));
    expect(updateId, fms.error).not.toBe(0);
    const { view } = await staffView(id);
    expect(view.status).toBe('submitted');
    expect(view.timeline.at(-1)).toMatchObject({ kind: 'update', by: 'client', text: aComment(id).text });
  });

  it('when the resident says a report is fixed (CLOSED), then it closes; OPEN on a closed one reopens it', async () => {
    const id = await sent(aProblem());
    expect(await fms.postServiceRequestUpdate(aComment(id, { problemState: 'fixed - user' }))).not.toBe(0);
    expect((await staffView(id)).view.status).toBe('closed');
    expect(await fms.postServiceRequestUpdate(aComment(id, { problemState: 'confirmed' }))).not.toBe(0);
    expect((await staffView(id)).view.status).toBe('investigating');
  });
});

describe('4. update ids round-trip', () => {
  it('when FixMyStreet reads the updates feed, then its own comment comes back under the id it was given and only the council’s is new', async () => {
    const id = await sent(aProblem());
    const comment = aComment(id);
    const given = await fms.postServiceRequestUpdate(comment);
    expect(given, fms.error).not.toBe(0);
    // A repeat of the same update is answered with the same id.
    expect(await fms.postServiceRequestUpdate(comment)).toBe(given);
    const { etag } = await staffView(id);
    const council = await call('PATCH', `staff/requests/${id}`, {
      as: staff,
      headers: { 'if-match': etag },
      body: { status: 'action-scheduled', publicUpdate: 'A repair is booked for Tuesday.' },
    });
    expect(council.status).toBe(200);
    const [start, end] = window();
    const updates = await fms.getServiceRequestUpdates(start, end);
    expect(updates, fms.error).toBeDefined();
    const created = updatesFixMyStreetWouldCreate(
      updates ?? [],
      { problems: new Set([id]), commentExternalIds: new Set([given as string]) },
      [start, end],
    );
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      service_request_id: id,
      status: 'action_scheduled',
      description: 'A repair is booked for Tuesday.',
    });
    // W3C-DTF to the second, which DateTime::Format::W3CDTF (check_date) reads.
    expect(created[0]?.updated_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe('5. what FixMyStreet reads without a key', () => {
  it('when FixMyStreet fetches a public report (GET requests.xml, no api_key), then it gets the moderated description and a map position, and no home', async () => {
    const res = await call('POST', 'requests', { as: `resident-${randomUUID().slice(0, 8)}`, body: aServiceRequest() });
    const { id } = (await res.json()) as { id: string };
    const before = await fms.getServiceRequests({ report_ids: [id] });
    expect(before?.[0]).toMatchObject({ service_request_id: id, lat: '51.4545', long: '-2.5879' });
    expect(before?.[0]?.description).toBeUndefined();
    const { etag } = await staffView(id);
    const published = await call('PATCH', `staff/requests/${id}/moderation`, {
      as: moderator,
      headers: { 'if-match': etag },
      body: { description: 'Deep pothole outside the bakery.' },
    });
    expect(published.status).toBe(200);
    const [after] = (await fms.getServiceRequests({ report_ids: [id] })) ?? [];
    expect(after).toMatchObject({ description: 'Deep pothole outside the bakery.', status: 'open' });
    expect(after?.address_id).toBeUndefined();
  });

  it('when FixMyStreet reads updates with its key, then it gets the council’s words on its own reports', async () => {
    const id = await sent(aProblem());
    const { etag } = await staffView(id);
    await call('PATCH', `staff/requests/${id}`, {
      as: staff,
      headers: { 'if-match': etag },
      body: { publicUpdate: 'Our engineer will visit this week.' },
    });
    const updates = (await fms.getServiceRequestUpdates(...window())) ?? [];
    expect(updates.find((u) => u.service_request_id === id)).toMatchObject({
      description: 'Our engineer will visit this week.',
      status: 'open',
    });
  });
});

describe('6. updates from clients go through applyUpdate, only where the client may act', () => {
  it('when another client updates FixMyStreet’s report, then it is refused with 403', async () => {
    const id = await sent(aProblem());
    expect(await otherClient.postServiceRequestUpdate(aComment(id))).toBe(0);
    expect(otherClient.error).toMatch(/^request failed: 403\nerror: 403: /);
    expect((await staffView(id)).view.timeline).toHaveLength(1);
  });

  it('when a back office’s client completes a resident’s report sent to it, then the resident’s My Account and the nearby map follow, recorded as that client', async () => {
    const contractor = new Open311({
      endpoint: endpoint(),
      jurisdiction: '',
      apiKey: await issueKey('Waste contractor', 'waste-contractor'),
    });
    const resident = `resident-${randomUUID().slice(0, 8)}`;
    const created = await call('POST', 'requests', {
      as: resident,
      body: aServiceRequest({
        serviceCode: 'fly-tipping',
        location: { lat: 51.4561, long: -2.5911 },
        attributes: { what: ['black_bags'], amount: 'single_item', hazardous: 'no' },
      }),
    });
    const { id } = (await created.json()) as { id: string };
    // FixMyStreet's key is not the waste contractor's: it may not touch this report.
    expect(await fms.postServiceRequestUpdate(aComment(id))).toBe(0);
    const posted = await contractor.request('POST', 'servicerequestupdates.xml', {
      service_request_id: id,
      update_id: 'job-77',
      status: 'FIXED',
      description: 'Cleared.',
      updated_datetime: w3cdtf(new Date()),
    });
    expect(posted, contractor.error).toBeDefined();
    const { view } = await staffView(id);
    expect(view.status).toBe('fixed');
    expect(view.timeline.at(-1)).toMatchObject({ kind: 'status', status: 'fixed', by: 'client', text: 'Cleared.' });
    const mine = (await (await call('GET', 'me/requests', { as: resident })).json()) as {
      items: { id: string; status: string }[];
    };
    expect(mine.items.find((e) => e.id === id)?.status).toBe('fixed');
    const nearby = (await (await call('GET', 'requests/nearby?lat=51.4561&long=-2.5911&radius=50')).json()) as {
      items: { id: string }[];
    };
    expect(nearby.items.map((n) => n.id)).not.toContain(id);
  });
});

describe('7. the public view protects residents', () => {
  it('when a report is of a non-public service (missed bin), then nobody but its own client sees it', async () => {
    const id = await sent(
      aProblem({
        title: 'Missed bin',
        extra: [
          { name: 'bin', value: 'general' },
          { name: 'collection_date', value: '2026-11-27' },
        ],
      }),
      'missed-bin',
    );
    expect(await fms.getServiceRequests({ report_ids: [id] })).toBeUndefined();
    const list = (await (await fetch(`${endpoint()}requests.json?service_code=missed-bin`)).json()) as unknown[];
    expect(list).toEqual([]);
    expect((await fetch(`${endpoint()}requests/${id}.json`)).status).toBe(404);
    const keyed = await fetch(`${endpoint()}requests/${id}.json?api_key=${fms.options.apiKey}`);
    expect(((await keyed.json()) as { address_id: string; non_public: boolean }[])[0]).toMatchObject({
      address_id: '100010101011',
      non_public: true,
    });
    const services = xmlObject(await (await fetch(`${endpoint()}services.xml`)).text());
    const missedBin = (services?.service as { service_code: string; keywords: string }[]).find(
      (s) => s.service_code === 'missed-bin',
    );
    // FixMyStreet makes a category non-public when its keywords say "private".
    expect(missedBin?.keywords.split(',')).toContain('private');
  });

  it('when anyone reads a public report, then they get a rounded position and no UPRN, address or unmoderated words', async () => {
    const id = await sent(aProblem());
    await fms.postServiceRequestUpdate(aComment(id, { text: 'I live at number 12, call me on 07700 900123' }));
    const [one] = (await (await fetch(`${endpoint()}requests/${id}.json`)).json()) as Record<string, unknown>[];
    expect(one).toMatchObject({ lat: 51.4521, long: -2.596, address_id: null, address: null, description: null });
    expect(JSON.stringify(one)).not.toMatch(/07700|number 12|pat@example|Pat/);
    const feed = await (await fetch(`${endpoint()}servicerequestupdates.json`)).text();
    expect(feed).not.toMatch(/07700|number 12/);
  });

  it('when a description holds every control character, then every XML answer is still well-formed', async () => {
    const controls = Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)).join('');
    const nasty = `start ${controls}\u007f\u0085\ufffe\uffff end`;
    const id = await sent(aProblem({ detail: nasty }));
    await fms.postServiceRequestUpdate(aComment(id, { text: `comment ${controls}\ufffe` }));
    const { etag } = await staffView(id);
    await call('PATCH', `staff/requests/${id}/moderation`, {
      as: moderator,
      headers: { 'if-match': etag },
      body: { description: `public ${controls.replace(/[\t\n\r]/g, '')}` },
    });
    const key = `api_key=${fms.options.apiKey}`;
    for (const path of [
      `requests/${id}.xml?${key}`,
      `requests/${id}.xml`,
      `requests.xml?service_request_id=${id}`,
      `servicerequestupdates.xml?${key}`,
      'servicerequestupdates.xml',
    ]) {
      const xml = await (await fetch(`${endpoint()}${path}`)).text();
      expect(() => parseXml(xml), path).not.toThrow();
    }
    const [own] = (xmlObject(await (await fetch(`${endpoint()}requests/${id}.xml?${key}`)).text())?.request ?? []) as {
      description: string;
    }[];
    // Characters XML cannot carry arrive as U+FFFD; tab, line feed and carriage return as they were.
    expect(own?.description).toContain(`detail: start ${'\ufffd'.repeat(9)}\t\n\ufffd\ufffd\r`);
  });

  it('when a form key is attribute[__proto__][] (or another object key), then the answer is never a 500 and no prototype is touched', async () => {
    const post = (key: string) =>
      fms.request('POST', 'requests.xml', {
        service_code: 'street-light-fault',
        description: `x ${randomUUID()}`,
        lat: '51.4521',
        long: '-2.5960',
        'attribute[fault]': 'out',
        [key]: 'x',
      });
    for (const key of ['attribute[__proto__][]', 'attribute[__proto__]']) {
      expect(await post(key), key).toBeUndefined();
      expect(fms.error, key).toMatch(/^request failed: 400\n/);
    }
    // Well-formed codes the service does not ask about are left out, as a removed question would be.
    for (const key of ['attribute[constructor]', 'attribute[tostring][]']) {
      const [created] = (xmlObject(await post(key))?.request ?? []) as { service_request_id: string }[];
      expect(created?.service_request_id, fms.error).toBeDefined();
      expect((await staffView(created?.service_request_id ?? '')).view.attributes).toEqual({ fault: 'out' });
    }
  });

  it('when staff without the moderator role moderate, then 403; a moderator’s changes show publicly and are audited', async () => {
    const id = await sent(aProblem({ imageUrl: 'https://www.fixmystreet.com/photo/1.full.jpeg' }));
    const { etag } = await staffView(id);
    const body = { description: 'Street light out by the bus stop.', photos: 'hidden' };
    expect(
      (await call('PATCH', `staff/requests/${id}/moderation`, { as: staff, headers: { 'if-match': etag }, body }))
        .status,
    ).toBe(403);
    expect((await call('PATCH', `staff/requests/${id}/moderation`, { as: moderator, body })).status).toBe(428);
    const done = await call('PATCH', `staff/requests/${id}/moderation`, {
      as: moderator,
      headers: { 'if-match': etag },
      body,
    });
    expect(done.status).toBe(200);
    const [one] = (await (await fetch(`${endpoint()}requests/${id}.json`)).json()) as Record<string, unknown>[];
    expect(one).toMatchObject({ description: 'Street light out by the bus stop.', media_url: null });
    const { view } = await staffView(id);
    expect(view.moderationLog).toEqual([
      expect.objectContaining({ by: 'mo', target: 'description', action: 'edited' }),
      expect.objectContaining({ by: 'mo', target: 'photos', action: 'hidden' }),
    ]);
  });
});
