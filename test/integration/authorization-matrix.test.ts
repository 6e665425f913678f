/**
 * The threat model's role rows (docs/threat-model.md): each staff or admin route
 * refuses anonymous callers (401) and callers without the role (403), whatever the body.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { aServiceRequest, admin, call, staff } from '../support/api.js';

let requestId = '';
beforeAll(async () => {
  const created = await call('POST', 'requests', { as: `matrix-${randomUUID().slice(0, 8)}`, body: aServiceRequest() });
  requestId = ((await created.json()) as { id: string }).id;
});

const resident = () => `matrix-resident-${randomUUID().slice(0, 8)}`;
const headers = { 'idempotency-key': `matrix-${randomUUID()}`, 'if-match': '"x"' };

/** [method, path, body, the weakest role refused with 403 (besides residents)] */
const routes = (): [string, string, unknown, 'staff' | undefined][] => [
  ['GET', 'staff/requests', undefined, undefined],
  ['PATCH', `staff/requests/${requestId}`, { publicUpdate: 'x' }, undefined],
  ['GET', 'staff/dispatches', undefined, undefined],
  ['POST', `staff/requests/${requestId}/dispatch`, {}, undefined],
  ['POST', `staff/payments/${randomUUID()}/refunds`, { amount: 100, reason: 'x' }, undefined],
  ['PUT', 'admin/services/matrix-service', { name: 'x' }, 'staff'],
  ['POST', 'admin/open311-clients', { name: 'x' }, 'staff'],
  ['DELETE', `admin/open311-clients/${randomUUID()}`, undefined, 'staff'],
];

describe('authorization matrix for staff and admin routes', () => {
  it('when an anonymous caller or a resident calls a staff or admin route, then 401 or 403, and staff are refused admin routes', async () => {
    for (const [method, path, body, staffRefused] of routes()) {
      const anonymous = await call(method, path, { ...(body !== undefined ? { body } : {}), headers });
      expect(anonymous.status, `anonymous ${method} ${path}`).toBe(401);
      const asResident = await call(method, path, { as: resident(), ...(body !== undefined ? { body } : {}), headers });
      expect(asResident.status, `resident ${method} ${path}`).toBe(403);
      if (staffRefused) {
        const asStaff = await call(method, path, { as: staff, ...(body !== undefined ? { body } : {}), headers });
        expect(asStaff.status, `staff ${method} ${path}`).toBe(403);
      }
    }
  });

  it('when an admin lists staff requests, then 200 (admins are staff)', async () => {
    expect((await call('GET', 'staff/requests', { as: admin })).status).toBe(200);
  });
});
