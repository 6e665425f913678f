/**
 * Two populations, two issuers (decision 1000), over HTTP against the local stack's two
 * directories: every operation of the OpenAPI document that needs a workforce role refuses a
 * resident-issuer token whatever roles it claims, refuses a workforce token without the role,
 * and lets one with the role past authorization. The routes are read from the document, so a
 * route added later is covered without touching this file.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityProvider, type IdentityProvider } from '../../local/identity/provider.js';
import { requestDevToken } from '../../local/identity/provider.js';
import { describedAuth } from '../../shared/http/openapi.js';
import { workforceRoles, type WorkforceRole } from '../../shared/identity/principal.js';
import { aServiceRequest, call, tokenFor, tokenFrom } from '../support/api.js';
import { inject } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { jpegWithExif } from '../support/files.js';
import { payOnHostedPage, startPayment } from '../support/payments.js';
import { aCheckedPhoto } from '../support/photos.js';
import { waitFor } from '../support/wait.js';

const host = () => inject('hostUrl');
const settings = () => inject('appSettings');

/** A path with its parameters filled with ids that exist nowhere (authorization comes before lookup). */
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, () => `sep-${randomUUID().slice(0, 8)}`);

async function send(method: string, path: string, token: string): Promise<Response> {
  const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{}' : undefined;
  return fetch(`${host()}/api${concrete(path)}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'idempotency-key': `sep-${randomUUID()}`,
      'if-match': '"sep"',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body } : {}),
  });
}

const guarded = describedAuth().filter((o) => o.workforce);
/** A caller gets a subject of their own per route, so per-caller limits never decide a result. */
const who = (label: string, i: number) => `sep-${label}-${i}-${randomUUID().slice(0, 6)}`;

describe('identity for two populations', () => {
  it('the document has staff, admin, moderator, finance and operator routes to prove', () => {
    const needed = new Set(guarded.map((o) => o.auth));
    for (const role of ['staff', 'admin', 'moderator', 'finance', 'operator'] as const)
      expect(needed, role).toContain(role);
  });

  it('when a resident-issuer token claims every workforce role, then every workforce route answers 403', async () => {
    const refused: string[] = [];
    for (const [i, op] of guarded.entries()) {
      const token = await tokenFrom('resident', who('resident', i), [...workforceRoles]);
      const response = await send(op.method, op.path, token);
      if (response.status !== 403) refused.push(`${op.method} ${op.path}: ${response.status}`);
    }
    expect(refused).toEqual([]);
  });

  it('when a workforce token lacks the route’s role, then 403; with it, authorization passes', async () => {
    const wrong: string[] = [];
    for (const [i, op] of guarded.entries()) {
      const role = op.auth as WorkforceRole;
      // Admins are staff; every other role stands alone.
      const without = workforceRoles.filter((r) => r !== role && !(role === 'staff' && r === 'admin'));
      const lacking = await send(op.method, op.path, await tokenFrom('workforce', who('lacking', i), without));
      if (lacking.status !== 403) wrong.push(`without ${role}: ${op.method} ${op.path}: ${lacking.status}`);
      const holding = await send(op.method, op.path, await tokenFrom('workforce', who('holding', i), [role]));
      if (holding.status === 401 || holding.status === 403)
        wrong.push(`with ${role}: ${op.method} ${op.path}: ${holding.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('when a resident-issuer token claims staff, then it is a resident: its own profile, no staff list', async () => {
    const sub = who('profile', 0);
    const token = await tokenFrom('resident', sub, ['staff', 'admin']);
    const me = await fetch(`${host()}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect((await send('GET', '/staff/requests', token)).status).toBe(403);
  });

  it('when staff sign in through the workforce issuer, then the staff list opens (tokenFor picks the issuer)', async () => {
    expect((await call('GET', 'staff/requests', { as: { sub: 'sam', roles: ['staff'] } })).status).toBe(200);
  });

  describe('tokens the API does not trust', () => {
    let stranger: IdentityProvider;
    beforeAll(async () => {
      // A real directory with the same audience and tenant shape, that this API was never told about.
      stranger = await startIdentityProvider({
        audience: settings().WORKFORCE_OIDC_AUDIENCE ?? '',
        population: 'workforce',
      });
    });
    afterAll(() => stranger.close());

    const expect401 = async (token: string, detail: RegExp) => {
      const response = await send('GET', '/staff/requests', token);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { detail?: string }).detail).toMatch(detail);
    };

    it('when the issuer is unknown, then 401', async () => {
      await expect401(await requestDevToken(stranger.issuer, 'sam', ['staff']), /issuer this API does not trust/);
    });

    it('when a workforce token is for another audience, then 401', async () => {
      await expect401(
        await tokenFrom('workforce', who('aud', 0), ['staff'], { aud: 'api://another-api' }),
        /another audience/,
      );
    });

    it('when a resident token is for the workforce audience, then 401', async () => {
      await expect401(
        await tokenFrom('resident', who('aud', 1), ['resident'], { aud: settings().WORKFORCE_OIDC_AUDIENCE ?? '' }),
        /another audience/,
      );
    });

    it('when a workforce token is from another tenant, then 401', async () => {
      await expect401(
        await tokenFrom('workforce', who('tid', 0), ['staff'], { tid: '0f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b' }),
        /another tenant/,
      );
    });
  });
});

describe('the role before the input', () => {
  /** Every kind of malformed input at once: a path id too long, a query the route never takes, a broken body, a bad key. */
  async function malformed(method: string, path: string, token: string): Promise<Response> {
    const body = ['POST', 'PUT', 'PATCH'].includes(method) ? '{"broken":' : undefined;
    return fetch(`${host()}/api${path.replace(/\{(\w+)\}/g, () => 'x'.repeat(300))}?sep-unknown=1&pageSize=-1`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'idempotency-key': 'not a key!',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body } : {}),
    });
  }

  it('when a caller without the route’s role sends a malformed id, query or body, then 403, never 400 or 422', async () => {
    // Before this, GET staff/requests, GET staff/dispatches and GET admin/residents/{id}/erasure
    // validated first: a caller without the role got 422 or 400, and so learned what they accept.
    const wrong: string[] = [];
    for (const [i, op] of guarded.entries()) {
      const role = op.auth as WorkforceRole;
      const without = workforceRoles.filter((r) => r !== role && !(role === 'staff' && r === 'admin'));
      const lacking = await malformed(op.method, op.path, await tokenFrom('workforce', who('bad-in', i), without));
      if (lacking.status !== 403) wrong.push(`without ${role}: ${op.method} ${op.path}: ${lacking.status}`);
      const resident = await malformed(
        op.method,
        op.path,
        await tokenFrom('resident', who('bad-in-resident', i), [...workforceRoles]),
      );
      if (resident.status !== 403) wrong.push(`resident: ${op.method} ${op.path}: ${resident.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('resident routes that show staff more', () => {
  const get = (path: string, token: string) =>
    fetch(`${host()}/api/${path}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });

  /** The owner's photo, checked and available (the upload the resident site makes). */
  const aPhoto = async (owner: string) =>
    aCheckedPhoto(inject('hostUrl'), await tokenFor(owner), {
      bytes: jpegWithExif(),
      fileName: 'pothole.jpg',
      contentType: 'image/jpeg',
    });

  /** A payment of the owner's, finished (a finished payment is never refreshed, so two reads agree). */
  async function aPayment(owner: string): Promise<string> {
    const { response, body } = await startPayment(owner, { itemCode: 'bulky-waste', quantity: 1 });
    expect(response.status).toBe(201);
    await payOnHostedPage(body.nextUrl ?? '');
    await waitFor(
      async () =>
        ((await (await call('GET', `payments/${body.id}`, { as: owner })).json()) as { finished: boolean }).finished,
      { what: 'the payment to finish' },
    );
    return body.id;
  }

  it('when a resident-issuer token claims staff, finance and admin on a request, document or payment, then it gets exactly the resident’s answer: its own, or 404', async () => {
    const owner = who('owner', 0);
    const created = await call('POST', 'requests', { as: owner, body: aServiceRequest() });
    expect(created.status).toBe(201);
    const request = ((await created.json()) as { id: string }).id;
    const [document, payment] = await Promise.all([aPhoto(owner), aPayment(owner)]);
    const reads = [`requests/${request}`, `documents/${document}`, `payments/${payment}`];

    // Someone else's: exactly what any resident gets for it.
    const stranger = await tokenFrom('resident', who('stranger', 0), ['staff', 'finance', 'admin']);
    for (const path of [...reads, `documents/${document}/content`])
      expect((await get(path, stranger)).status, path).toBe(404);

    // Their own: the resident's view, not the staff one (the request's reaches its back office
    // meanwhile, so the two reads are compared once it has settled).
    const plain = await tokenFrom('resident', owner, ['resident']);
    const claiming = await tokenFrom('resident', owner, ['staff', 'finance', 'admin']);
    for (const path of reads) {
      const answers = await waitFor(
        async () => {
          const [mine, claimed] = await Promise.all([get(path, plain), get(path, claiming)]);
          const both = [await mine.json(), await claimed.json()] as Record<string, unknown>[];
          return mine.status === 200 && claimed.status === 200 && isDeepStrictEqual(both[0], both[1]) && both;
        },
        { what: `the same answer for ${path}` },
      );
      for (const staffOnly of ['residentId', 'dispatch', 'internalNotes', 'reporter', 'recordsDocumentId'])
        expect(answers[1], `${path} ${staffOnly}`).not.toHaveProperty(staffOnly);
    }
    expect((await get(`documents/${document}/content`, claiming)).status).toBe(302);

    // The staff view exists, so its absence above means something.
    const staffView = (await (
      await call('GET', `requests/${request}`, { as: { sub: 'sam', roles: ['staff'] } })
    ).json()) as {
      residentId?: string;
    };
    expect(staffView.residentId).toBe(owner);
  });
});
