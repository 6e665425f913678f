/**
 * #16 item 8: no public surface names, contacts or locates the person who reported
 * a problem: Open311's anonymous reads (JSON and XML), the updates feed and the
 * nearby view, even after a moderator publishes the report's description.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { aServiceRequest, admin, call } from '../support/api.js';

const base = () => `${inject('hostUrl')}/api/open311/v2`;
const moderator = { sub: 'mo', roles: ['staff', 'moderator'] as const };
let apiKey = '';

beforeAll(async () => {
  const response = await call('POST', 'admin/open311-clients', { as: admin, body: { name: 'FixMyStreet' } });
  expect(response.status).toBe(201);
  apiKey = ((await response.json()) as { apiKey: string }).apiKey;
});

describe('anonymity on the public view', () => {
  it('when a client sends a named report and a moderator publishes it, then no public read shows who sent it or their home', async () => {
    const tag = randomUUID().slice(0, 8);
    const reporter = {
      first_name: `Pat${tag}`,
      last_name: `Reporter${tag}`,
      email: `pat.${tag}@example.com`,
      phone: '07700900123',
    };
    const created = await fetch(`${base()}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        api_key: apiKey,
        service_code: 'street-light-fault',
        lat: '51.452137',
        long: '-2.596041',
        address_string: `${tag} Lamp Lane, Doorbridge`,
        description: `Light out by the bus stop ${tag}`,
        'attribute[fault]': 'out',
        'attribute[uprn]': '100010109999',
        ...reporter,
      }),
    });
    expect(created.status).toBe(201);
    const [{ service_request_id: id } = { service_request_id: '' }] = (await created.json()) as {
      service_request_id: string;
    }[];
    // A moderator publishes the description: the report is now on the public view.
    const staffView = await call('GET', `requests/${id}`, { as: moderator });
    const published = await call('PATCH', `staff/requests/${id}/moderation`, {
      as: moderator,
      headers: { 'if-match': staffView.headers.get('etag') ?? '' },
      body: { description: `Light out by the bus stop ${tag}` },
    });
    expect(published.status).toBe(200);
    const update = await call('PATCH', `staff/requests/${id}`, {
      as: admin,
      headers: { 'if-match': published.headers.get('etag') ?? '' },
      body: { status: 'investigating', publicUpdate: 'An electrician is booked.' },
    });
    expect(update.status).toBe(200);

    const since = encodeURIComponent(new Date(Date.now() - 5 * 60_000).toISOString());
    const surfaces = [
      `${base()}/requests/${id}.json`,
      `${base()}/requests/${id}.xml`,
      `${base()}/requests.json?service_request_id=${id}`,
      `${base()}/requests.xml?service_request_id=${id}`,
      `${base()}/servicerequestupdates.json?start_date=${since}`,
      `${base()}/servicerequestupdates.xml?start_date=${since}`,
      `${inject('hostUrl')}/api/requests/nearby?lat=51.4521&long=-2.5960&radius=200`,
    ];
    const one = (await (await fetch(surfaces[0] ?? '')).json()) as { description: string | null }[];
    expect(one[0]?.description).toBe(`Light out by the bus stop ${tag}`);
    for (const url of surfaces) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      const body = await response.text();
      for (const value of [...Object.values(reporter), '100010109999', `${tag} Lamp Lane`, '51.452137', '-2.596041'])
        expect(body, `${url} shows ${value}`).not.toContain(value);
    }
  });

  it('when a resident reports through the API, then neither Open311 nor the nearby view carries their account id', async () => {
    const who = `resident-${randomUUID().slice(0, 8)}`;
    // A place of its own: the default one gathers other files' reports past the nearby view's pin cap.
    const lat = Number((51.41 + Math.random() * 0.02).toFixed(6));
    const long = Number((-2.71 + Math.random() * 0.04).toFixed(6));
    const created = await call('POST', 'requests', { as: who, body: aServiceRequest({ location: { lat, long } }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const url of [
      `${base()}/requests/${id}.json`,
      `${base()}/requests.json?service_request_id=${id}`,
      `${inject('hostUrl')}/api/requests/nearby?lat=${lat}&long=${long}&radius=100`,
    ]) {
      const body = await (await fetch(url)).text();
      expect(body, url).not.toContain(who);
      expect(body, url).toContain(id);
    }
  });
});
