import { beforeAll, describe, expect, inject, it } from 'vitest';
import { admin, call } from '../support/api.js';

const base = () => `${inject('hostUrl')}/api/open311/v2`;
let apiKey = '';

const form = (fields: Record<string, string>) =>
  fetch(`${base()}/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });

const aReport = (extra: Record<string, string> = {}) => ({
  api_key: apiKey,
  jurisdiction_id: 'doorstep.example',
  service_code: 'street-light-fault',
  lat: '51.4521',
  long: '-2.5960',
  description: `Light out by the bus stop ${Math.random()}`,
  'attribute[fault]': 'out',
  'attribute[uprn]': '100010101011',
  email: 'reporter@example.com',
  first_name: 'Pat',
  last_name: 'Reporter',
  ...extra,
});

beforeAll(async () => {
  const response = await call('POST', 'admin/open311-clients', { as: admin, body: { name: 'FixMyStreet' } });
  expect(response.status).toBe(201);
  apiKey = ((await response.json()) as { apiKey: string }).apiKey;
});

describe('Open311 GeoReport v2', () => {
  it('lists services in JSON and XML', async () => {
    const json = (await (await fetch(`${base()}/services.json?jurisdiction_id=x`)).json()) as {
      service_code: string;
      metadata: boolean;
      group: string;
    }[];
    expect(json.find((s) => s.service_code === 'pothole')).toMatchObject({
      metadata: true,
      group: 'roads',
      type: 'realtime',
    });
    const xml = await (await fetch(`${base()}/services.xml`)).text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><services><service><service_code>/);
    expect(xml).toContain('<service_code>fly-tipping</service_code>');
  });

  it('gives a service definition with attributes and values in both formats', async () => {
    const json = (await (await fetch(`${base()}/services/fly-tipping.json`)).json()) as {
      service_code: string;
      attributes: { code: string; datatype: string; values?: unknown[] }[];
    };
    expect(json.service_code).toBe('fly-tipping');
    expect(json.attributes[0]).toMatchObject({
      code: 'what',
      datatype: 'multivaluelist',
      required: true,
      variable: true,
      order: 1,
    });
    const xml = await (await fetch(`${base()}/services/fly-tipping.xml`)).text();
    expect(xml).toMatch(
      /<service_definition><service_code>fly-tipping<\/service_code><attributes><attribute><variable>true<\/variable><code>what<\/code>/,
    );
    expect(xml).toContain('<values><value><key>black_bags</key><name>Black bags</name></value>');
    const missing = await fetch(`${base()}/services/nope.xml`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/<errors><error><code>404<\/code><description>/);
  });

  it('accepts a form-encoded report with a valid api_key, and refuses a bad key with 403', async () => {
    const bad = await form(aReport({ api_key: 'wrong' }));
    expect(bad.status).toBe(403);
    expect(await bad.json()).toEqual([{ code: 403, description: 'A valid api_key is required.' }]);
    const response = await form(aReport());
    expect(response.status).toBe(201);
    const [created] = (await response.json()) as { service_request_id: string }[];
    expect(created?.service_request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('treats an identical re-post from the same client as one report', async () => {
    const fields = aReport();
    const [a] = (await (await form(fields)).json()) as { service_request_id: string }[];
    const [b] = (await (await form(fields)).json()) as { service_request_id: string }[];
    expect(b?.service_request_id).toBe(a?.service_request_id);
  });

  it('answers invalid reports with 400 and the spec’s error list', async () => {
    const response = await form(aReport({ 'attribute[fault]': 'haunted', lat: '53.48', long: '-2.24' }));
    expect(response.status).toBe(400);
    const errors = (await response.json()) as { code: number; description: string }[];
    expect(errors[0]?.code).toBe(400);
    expect(errors[0]?.description).toMatch(/attributes\.fault/);
    expect(errors[0]?.description).toMatch(/location/);
    expect(
      (
        await fetch(`${base()}/requests.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(415);
    expect((await fetch(`${base()}/services.html`)).status).toBe(400);
  });

  it('returns a request by id and in the filtered list, without personal data, in JSON and XML', async () => {
    const [created] = (await (await form(aReport())).json()) as { service_request_id: string }[];
    const id = created?.service_request_id ?? '';
    const [one] = (await (await fetch(`${base()}/requests/${id}.json`)).json()) as Record<string, unknown>[];
    expect(one).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: 'street-light-fault',
      // The UPRN is a home's: never public.
      address_id: null,
      lat: 51.4521,
      long: -2.596,
    });
    expect(JSON.stringify(one)).not.toMatch(/reporter@example.com|Pat|Reporter/);
    const xml = await (await fetch(`${base()}/requests/${id}.xml`)).text();
    expect(xml).toContain(
      `<service_requests><request><service_request_id>${id}</service_request_id><status>open</status>`,
    );
    const list = (await (
      await fetch(`${base()}/requests.json?service_code=street-light-fault&status=open`)
    ).json()) as { service_request_id: string; status: string }[];
    expect(list.map((r) => r.service_request_id)).toContain(id);
    expect(list.every((r) => r.status === 'open')).toBe(true);
    const byIds = (await (
      await fetch(`${base()}/requests.json?service_request_id=${id},00000000-0000-0000-0000-000000000000`)
    ).json()) as unknown[];
    expect(byIds).toHaveLength(1);
    const [tokenAnswer] = (await (await fetch(`${base()}/tokens/${id}.json`)).json()) as {
      service_request_id: string;
      token: string;
    }[];
    expect(tokenAnswer).toEqual({ service_request_id: id, token: id });
    expect((await fetch(`${base()}/requests/00000000-0000-0000-0000-000000000000.json`)).status).toBe(404);
    expect((await fetch(`${base()}/requests.json?start_date=yesterday`)).status).toBe(400);
  });

  it('relays updates both ways through servicerequestupdates, applying a repeated update_id once', async () => {
    const [created] = (await (await form(aReport())).json()) as { service_request_id: string }[];
    const id = created?.service_request_id ?? '';
    const post = (fields: Record<string, string>) =>
      fetch(`${base()}/servicerequestupdates.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: apiKey, service_request_id: id, ...fields }),
      });
    const first = await post({
      update_id: 'fms-1',
      status: 'FIXED',
      description: 'Looks fixed to me',
      updated_datetime: new Date().toISOString(),
    });
    expect(first.status).toBe(201);
    const again = await post({
      update_id: 'fms-1',
      status: 'FIXED',
      description: 'Looks fixed to me',
      updated_datetime: new Date().toISOString(),
    });
    const [a] = (await first.json()) as { update_id: string }[];
    const [b] = (await again.json()) as { update_id: string }[];
    expect(b?.update_id).toBe(a?.update_id);
    const since = new Date(Date.now() - 60_000).toISOString();
    type Update = { service_request_id: string; status: string; description: string; update_id: string };
    const updates = (await (
      await fetch(`${base()}/servicerequestupdates.json?start_date=${since}&api_key=${apiKey}`)
    ).json()) as Update[];
    const mine = updates.filter((u) => u.service_request_id === id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'fixed', description: 'Looks fixed to me' });
    // Without a key, the resident's own words are left out.
    const anonymous = (await (
      await fetch(`${base()}/servicerequestupdates.json?start_date=${since}`)
    ).json()) as Update[];
    expect(anonymous.find((u) => u.service_request_id === id)).toMatchObject({ status: 'fixed', description: '' });
    const xml = await (
      await fetch(`${base()}/servicerequestupdates.xml?start_date=${new Date(Date.now() - 60_000).toISOString()}`)
    ).text();
    expect(xml).toContain('<service_request_updates><request_update><update_id>');
    expect((await post({ update_id: 'fms-2', description: 'x', api_key: 'bad' })).status).toBe(403);
  });

  it('stops accepting a key as soon as an admin revokes it', async () => {
    const issued = (await (
      await call('POST', 'admin/open311-clients', { as: admin, body: { name: 'Contractor' } })
    ).json()) as { apiKey: string; clientId: string };
    expect((await form(aReport({ api_key: issued.apiKey }))).status).toBe(201);
    expect((await call('DELETE', `admin/open311-clients/${issued.clientId}`, { as: 'alice' })).status).toBe(403);
    expect((await call('DELETE', `admin/open311-clients/${issued.clientId}`, { as: admin })).status).toBe(204);
    expect((await form(aReport({ api_key: issued.apiKey }))).status).toBe(403);
  });
});
