/**
 * The admin's read of which wards a councillor serves (GET /api/admin/councillors/{sub}/wards),
 * over HTTP against the local stack: what the staff page /staff/admin/councillor-wards shows
 * before an admin changes them. Admin only, the role checked before the input.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { admin, call, staff, tokenFrom } from '../support/api.js';

const path = (sub: string) => `admin/councillors/${sub}/wards`;

describe("councillors' wards for admins", () => {
  it('when an admin reads a councillor with none recorded, then an empty list; after they record some, those', async () => {
    const councillor = `cllr-${randomUUID().slice(0, 8)}`;
    const before = await call('GET', path(councillor), { as: admin });
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ councillor, wards: [] });

    const put = await call('PUT', path(councillor), { as: admin, body: { wards: ['E05900002', 'E05900004'] } });
    expect(put.status).toBe(200);
    const after = await call('GET', path(councillor), { as: admin });
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ councillor, wards: ['E05900002', 'E05900004'] });
  });

  it('when an admin names no councillor the API could hold, then 404', async () => {
    expect((await call('GET', path('not%20a%20councillor'), { as: admin })).status).toBe(404);
  });

  it('when staff, a councillor or a resident asks, then 403, even with a malformed councillor', async () => {
    const councillor = { sub: 'cllr', roles: ['councillor'] as const };
    for (const as of [staff, councillor, 'alice']) {
      expect((await call('GET', path('cllr'), { as })).status, JSON.stringify(as)).toBe(403);
      expect((await call('GET', path('not%20a%20councillor'), { as })).status, JSON.stringify(as)).toBe(403);
    }
  });

  it('when a resident-issuer token claims the admin role, then 403: admin comes only from the workforce directory', async () => {
    const token = await tokenFrom('resident', 'mallory', ['staff', 'admin']);
    const response = await call('GET', path('cllr'), { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(403);
  });

  it('when nobody signs in, then 401', async () => {
    expect((await call('GET', path('cllr'))).status).toBe(401);
  });
});
