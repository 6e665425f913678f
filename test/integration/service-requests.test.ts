import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aServiceRequest, admin, call, staff } from '../support/api.js';

interface RequestView {
  id: string;
  status: string;
  serviceName: string;
  timeline: { kind: string; status?: string; text?: string }[];
  internalNotes?: unknown;
  residentId?: string;
}
interface Problem {
  type: string;
  title: string;
  status: number;
  errors?: { pointer: string; detail: string }[];
}

const resident = () => `resident-${randomUUID().slice(0, 8)}`;

async function report(as: string, overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await call('POST', 'requests', { as, body: aServiceRequest(overrides), headers });
  return { response, body: (await response.json()) as RequestView & Problem };
}

describe('POST /api/requests', () => {
  it('when a resident reports a pothole, then 201 with the request, its ETag and location', async () => {
    const { response, body } = await report(resident());
    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toMatch(/^".+"$/);
    expect(response.headers.get('location')).toBe(`/api/requests/${body.id}`);
    expect(body).toMatchObject({
      status: 'submitted',
      serviceName: 'Pothole',
      open: true,
      attributes: { where: 'road', size: 'medium' },
    });
    expect(body.timeline).toEqual([expect.objectContaining({ kind: 'submitted', status: 'submitted' })]);
    expect(body).not.toHaveProperty('internalNotes');
    expect(body).not.toHaveProperty('residentId');
  });

  it('when the same Idempotency-Key is retried, then the first request comes back and nothing is duplicated', async () => {
    const who = resident();
    const key = `retry-${randomUUID()}`;
    const first = await report(who, {}, { 'idempotency-key': key });
    const [second, third] = await Promise.all([
      report(who, {}, { 'idempotency-key': key }),
      report(who, {}, { 'idempotency-key': key }),
    ]);
    expect(first.response.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(third.body.id).toBe(first.body.id);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    const mine = (await (await call('GET', 'me/requests', { as: who })).json()) as { items: { id: string }[] };
    expect(mine.items.map((i) => i.id)).toEqual([first.body.id]);
  });

  it('when an Idempotency-Key is reused for a different report, then 422 and nothing new is stored', async () => {
    const who = resident();
    const key = `reuse-${randomUUID()}`;
    await report(who, {}, { 'idempotency-key': key });
    const { response, body } = await report(who, { description: 'A different pothole' }, { 'idempotency-key': key });
    expect(response.status).toBe(422);
    expect(body.errors?.[0]?.pointer).toBe('/headers/Idempotency-Key');
    const mine = (await (await call('GET', 'me/requests', { as: who })).json()) as { items: unknown[] };
    expect(mine.items).toHaveLength(1);
  });

  it('when fields are missing, unknown or invalid, then 422 problem+json names each one and nothing is stored', async () => {
    const who = resident();
    const response = await call('POST', 'requests', {
      as: who,
      body: { serviceCode: 'pothole', description: '', location: { lat: 51.45 }, attributes: {}, colour: 'red' },
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as Problem;
    const pointers = problem.errors?.map((e) => e.pointer) ?? [];
    expect(pointers).toEqual(expect.arrayContaining(['/description', '/location/long', '/']));
    expect(JSON.stringify(problem)).not.toMatch(/at .*\.ts|stack/i);
    const mine = (await (await call('GET', 'me/requests', { as: who })).json()) as { items: unknown[] };
    expect(mine.items).toHaveLength(0);
  });

  it('when attribute answers break the service definition, then 422 per attribute', async () => {
    const { response, body } = await report(resident(), { attributes: { where: 'sky', shoe_size: 9 } });
    expect(response.status).toBe(422);
    expect(body.errors?.map((e) => e.pointer).sort()).toEqual([
      '/attributes/shoe_size',
      '/attributes/size',
      '/attributes/where',
    ]);
  });

  it('when the place is outside the council area or the service is unknown, then 422', async () => {
    const outside = await report(resident(), { location: { lat: 53.48, long: -2.24 } });
    expect(outside.response.status).toBe(422);
    expect(outside.body.errors?.[0]?.pointer).toBe('/location');
    const unknown = await report(resident(), { serviceCode: 'dragon-sighting' });
    expect(unknown.response.status).toBe(422);
    expect(unknown.body.errors?.[0]?.pointer).toBe('/serviceCode');
  });

  it('when the body is not JSON, too large, or the wrong type, then 400, 413 and 415', async () => {
    const who = resident();
    expect(
      (
        await call('POST', 'requests', {
          as: who,
          rawBody: '{not json',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', 'requests', {
          as: who,
          rawBody: 'x'.repeat(20_000),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(413);
    expect(
      (
        await call('POST', 'requests', {
          as: who,
          rawBody: 'a=b',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).status,
    ).toBe(415);
  });

  it('when a report needs only an address (a missed bin), then it is accepted without coordinates', async () => {
    const { response } = await report(resident(), {
      serviceCode: 'missed-bin',
      description: 'Recycling not collected',
      location: { uprn: '100010101010', address: '1 High Street, Bristol' },
      attributes: { bin: 'recycling', collection_date: '2026-11-20' },
    });
    expect(response.status).toBe(201);
  });
});

describe('GET /api/requests/{id} and /api/me/requests', () => {
  it('when the owner reads their request, then 200; another resident gets 404; staff see internal fields', async () => {
    const owner = resident();
    const { body } = await report(owner);
    expect((await call('GET', `requests/${body.id}`, { as: owner })).status).toBe(200);
    const other = await call('GET', `requests/${body.id}`, { as: resident() });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
    const asStaff = (await (await call('GET', `requests/${body.id}`, { as: staff })).json()) as RequestView;
    expect(asStaff.residentId).toBe(owner);
    expect(asStaff.internalNotes).toEqual([]);
  });

  it('lists a resident’s own requests newest first, paged with continuation tokens', async () => {
    const who = resident();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await report(who, { description: `report ${i}` })).body.id);
    await report(resident());
    const first = (await (await call('GET', 'me/requests?pageSize=2', { as: who })).json()) as {
      items: { id: string }[];
      continuation?: string;
    };
    expect(first.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(first.continuation).toBeTruthy();
    const next = (await (
      await call('GET', `me/requests?pageSize=2&continuation=${first.continuation ?? ''}`, { as: who })
    ).json()) as { items: { id: string }[] };
    expect(next.items.map((i) => i.id)).toEqual([ids[0]]);
    expect((await call('GET', 'me/requests?continuation=bm90LWpzb24', { as: who })).status).toBe(400);
  });
});

describe('GET /api/requests/nearby', () => {
  it('lists open requests near a point without personal data, and drops closed ones', async () => {
    const at = { lat: 51.4601, long: -2.6001 };
    const { body } = await report(resident(), { location: at, description: 'My phone number is 07700 900982' });
    const near = await call('GET', `requests/nearby?lat=51.4602&long=-2.6002&radius=200`);
    expect(near.status).toBe(200);
    const items = ((await near.json()) as { items: Record<string, unknown>[] }).items;
    const mine = items.find((i) => i.id === body.id);
    expect(mine).toMatchObject({ serviceCode: 'pothole', status: 'submitted' });
    expect(Object.keys(mine ?? {}).sort()).toEqual([
      'distanceM',
      'id',
      'lat',
      'long',
      'reportedOn',
      'serviceCode',
      'serviceName',
      'status',
    ]);
    expect(JSON.stringify(items)).not.toContain('07700');
    const far = (await (await call('GET', 'requests/nearby?lat=51.50&long=-2.55&radius=200')).json()) as {
      items: { id: string }[];
    };
    expect(far.items.map((i) => i.id)).not.toContain(body.id);

    const etag = (await call('GET', `requests/${body.id}`, { as: staff })).headers.get('etag') ?? '';
    expect(
      (
        await call('PATCH', `staff/requests/${body.id}`, {
          as: staff,
          body: { status: 'fixed' },
          headers: { 'if-match': etag },
        })
      ).status,
    ).toBe(200);
    const after = (await (await call('GET', `requests/nearby?lat=51.4602&long=-2.6002&radius=200`)).json()) as {
      items: { id: string }[];
    };
    expect(after.items.map((i) => i.id)).not.toContain(body.id);
  });

  it('rejects a missing or silly location with 422', async () => {
    expect((await call('GET', 'requests/nearby?lat=abc&long=1')).status).toBe(422);
    expect((await call('GET', 'requests/nearby?lat=51.4&long=-2.6&radius=50000')).status).toBe(422);
  });
});

describe('staff triage', () => {
  it('moves a request through the transition table with public updates and internal notes', async () => {
    const owner = resident();
    const { body, response } = await report(owner);
    let etag = response.headers.get('etag') ?? '';
    const step = async (update: Record<string, unknown>) => {
      const r = await call('PATCH', `staff/requests/${body.id}`, {
        as: staff,
        body: update,
        headers: { 'if-match': etag },
      });
      etag = r.headers.get('etag') ?? etag;
      return r;
    };
    expect(
      (await step({ status: 'investigating', internalNote: 'Check with the inspector', assignedTo: 'team:highways' }))
        .status,
    ).toBe(200);
    expect((await step({ status: 'action-scheduled', publicUpdate: 'Repair booked for Tuesday' })).status).toBe(200);
    const illegal = await step({ status: 'submitted' });
    expect(illegal.status).toBe(409);
    expect((await step({ status: 'fixed', publicUpdate: 'Filled' })).status).toBe(200);

    const ownerView = (await (await call('GET', `requests/${body.id}`, { as: owner })).json()) as RequestView;
    expect(ownerView.status).toBe('fixed');
    expect(ownerView.timeline.map((t) => t.status ?? t.kind)).toEqual([
      'submitted',
      'investigating',
      'action-scheduled',
      'fixed',
    ]);
    expect(JSON.stringify(ownerView)).not.toContain('Check with the inspector');
    const mine = (await (await call('GET', 'me/requests', { as: owner })).json()) as {
      items: { id: string; status: string }[];
    };
    expect(mine.items.find((i) => i.id === body.id)?.status).toBe('fixed');
  });

  it('when the ETag is stale, then 412 and nothing changes; without If-Match, 428', async () => {
    const { body, response } = await report(resident());
    const etag = response.headers.get('etag') ?? '';
    expect(
      (
        await call('PATCH', `staff/requests/${body.id}`, {
          as: staff,
          body: { publicUpdate: 'first' },
          headers: { 'if-match': etag },
        })
      ).status,
    ).toBe(200);
    const stale = await call('PATCH', `staff/requests/${body.id}`, {
      as: staff,
      body: { publicUpdate: 'second' },
      headers: { 'if-match': etag },
    });
    expect(stale.status).toBe(412);
    expect(
      (await call('PATCH', `staff/requests/${body.id}`, { as: staff, body: { publicUpdate: 'third' } })).status,
    ).toBe(428);
    const view = (await (await call('GET', `requests/${body.id}`, { as: staff })).json()) as RequestView;
    expect(view.timeline.filter((t) => t.kind === 'update').map((t) => t.text)).toEqual(['first']);
  });

  it('when a resident tries staff actions, then 403', async () => {
    const who = resident();
    const { body, response } = await report(who);
    expect((await call('GET', 'staff/requests', { as: who })).status).toBe(403);
    const r = await call('PATCH', `staff/requests/${body.id}`, {
      as: who,
      body: { status: 'closed' },
      headers: { 'if-match': response.headers.get('etag') ?? '' },
    });
    expect(r.status).toBe(403);
  });

  it('filters and pages the staff list', async () => {
    const { body } = await report(resident(), {
      serviceCode: 'graffiti',
      attributes: { offensive: 'yes' },
      description: 'Tag on the bridge',
    });
    const list = (await (
      await call('GET', 'staff/requests?serviceCode=graffiti&open=true&pageSize=50', { as: staff })
    ).json()) as { items: { id: string; serviceCode: string }[] };
    expect(list.items.map((i) => i.id)).toContain(body.id);
    expect(list.items.every((i) => i.serviceCode === 'graffiti')).toBe(true);
    const none = (await (
      await call('GET', 'staff/requests?serviceCode=graffiti&bbox=-2.0,51.0,-1.9,51.1', { as: staff })
    ).json()) as { items: unknown[] };
    expect(none.items).toHaveLength(0);
    expect((await call('GET', 'staff/requests?status=bogus', { as: admin })).status).toBe(422);
  });
});
