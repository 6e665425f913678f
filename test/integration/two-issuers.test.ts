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
import { call, tokenFrom } from '../support/api.js';
import { inject } from 'vitest';

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
