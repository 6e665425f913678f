import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, tokenFor } from '../support/api.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('authentication at the edge', () => {
  it('when no token is sent, then 401 problem+json with a Bearer challenge', async () => {
    const response = await call('GET', 'me');
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="doorstep"');
  });

  it('when the token is forged (alg none, tampered, wrong scheme), then 401 invalid_token', async () => {
    const real = await tokenFor('alice');
    const [header, payload, signature] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, roles: ['admin'] })}.`,
      `${header ?? ''}.${b64({ ...claims, sub: 'bob' })}.${signature ?? ''}`,
    ];
    for (const token of forged) {
      const response = await call('GET', 'me', { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    }
    expect(
      (await call('GET', 'me', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }))
        .status,
    ).toBe(401);
  });
});

describe('GET and PATCH /api/me', () => {
  it('creates the profile on first sign-in, with default preferences', async () => {
    const who = `resident-${randomUUID().slice(0, 8)}`;
    const response = await call('GET', 'me', { as: who });
    expect(response.status).toBe(200);
    const me = (await response.json()) as {
      residentId: string;
      roles: string[];
      preferences: { email: boolean; sms: boolean };
    };
    expect(me).toMatchObject({ residentId: who, roles: ['resident'], preferences: { email: true, sms: false } });
    expect((await call('GET', 'me', { as: who })).headers.get('etag')).toBe(response.headers.get('etag'));
  });

  it('updates the name and preferences; an email or phone only through a confirmed code; invalid values get 422 per field', async () => {
    const who = `resident-${randomUUID().slice(0, 8)}`;
    const ok = await call('PATCH', 'me', {
      as: who,
      body: { name: 'Res Ident', preferences: { sms: true } },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      contact: { name: 'Res Ident', email: null, emailVerified: false },
      preferences: { email: true, sms: true },
    });
    const bad = await call('PATCH', 'me', { as: who, body: { email: 'nope', phone: '123', role: 'admin' } });
    expect(bad.status).toBe(422);
    const pointers = ((await bad.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer).sort();
    expect(pointers).toEqual(['/', '/email', '/phone']);
  });

  it('refuses a stale If-Match with 412', async () => {
    const who = `resident-${randomUUID().slice(0, 8)}`;
    const etag = (await call('GET', 'me', { as: who })).headers.get('etag') ?? '';
    expect((await call('PATCH', 'me', { as: who, body: { name: 'A' }, headers: { 'if-match': etag } })).status).toBe(
      200,
    );
    expect((await call('PATCH', 'me', { as: who, body: { name: 'B' }, headers: { 'if-match': etag } })).status).toBe(
      412,
    );
  });
});

describe('the service catalogue', () => {
  it('lists the seeded services publicly, with their questions', async () => {
    const response = await call('GET', 'services');
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: { code: string; group: string }[] };
    expect(items.map((s) => s.code)).toEqual(
      expect.arrayContaining([
        'pothole',
        'fly-tipping',
        'missed-bin',
        'street-light-fault',
        'graffiti',
        'abandoned-vehicle',
      ]),
    );
    const pothole = (await (await call('GET', 'services/pothole')).json()) as { attributes: { code: string }[] };
    expect(pothole.attributes.map((a) => a.code)).toEqual(['where', 'size', 'deeper_than_40mm']);
    expect((await call('GET', 'services/unicorns')).status).toBe(404);
  });

  it('lets an admin add a service, and refuses residents and staff', async () => {
    const service = {
      code: 'bus-shelter',
      name: 'Damaged bus shelter',
      description: 'Broken glass or panels',
      group: 'roads',
      attributes: [],
    };
    expect((await call('PUT', 'admin/services/bus-shelter', { as: 'alice', body: service })).status).toBe(403);
    expect(
      (await call('PUT', 'admin/services/bus-shelter', { as: { sub: 'sam', roles: ['staff'] }, body: service })).status,
    ).toBe(403);
    const admin = { sub: 'ada', roles: ['staff', 'admin'] as const };
    expect((await call('PUT', 'admin/services/bus-shelter', { as: admin, body: service })).status).toBe(200);
    expect((await call('GET', 'services/bus-shelter')).status).toBe(200);
    const mismatch = await call('PUT', 'admin/services/other-code', { as: admin, body: service });
    expect(mismatch.status).toBe(422);
    const badList = await call('PUT', 'admin/services/bus-shelter', {
      as: admin,
      body: {
        ...service,
        attributes: [{ code: 'x', description: 'Pick', datatype: 'singlevaluelist', required: true, order: 1 }],
      },
    });
    expect(badList.status).toBe(422);
  });

  it('answers an unknown API path with a problem+json 404', async () => {
    const response = await call('GET', 'no/such/thing');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});
