import type { Container } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';
import { accessReason, cosmosAccessLog, recordStaffAccess } from '../../shared/audit/access-log.js';
import { AppError } from '../../shared/errors.js';
import type { Principal } from '../../shared/identity/principal.js';

const sam: Principal = { sub: 'sam', issuer: 'workforce' as const, roles: new Set(['staff']) };

function fakeAudit(create: (item: unknown) => Promise<unknown>) {
  const created: unknown[] = [];
  const container = {
    items: {
      create: async (item: unknown) => {
        await create(item);
        created.push(item);
        return {};
      },
    },
  } as unknown as Container;
  return { container, created };
}

describe('the access log', () => {
  it('when the audit write fails, then the read fails with 503 and nothing is returned', async () => {
    const { container } = fakeAudit(() => Promise.reject(new Error('Cosmos DB unavailable')));
    const read = recordStaffAccess(
      cosmosAccessLog(container),
      sam,
      'alice',
      { type: 'request', id: 'r1' },
      'request.read',
    );
    await expect(read).rejects.toBeInstanceOf(AppError);
    await expect(read).rejects.toMatchObject({ code: 'dependency-unavailable', status: 503 });
  });

  it('when staff read, then an entry of the agreed shape is created (never upserted)', async () => {
    const { container, created } = fakeAudit(() => Promise.resolve());
    const now = () => new Date('2026-11-29T10:00:00Z');
    await recordStaffAccess(
      cosmosAccessLog(container, now),
      sam,
      'alice',
      { type: 'profile', id: 'alice' },
      'request.read',
    );
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      residentId: 'alice',
      kind: 'access',
      at: '2026-11-29T10:00:00.000Z',
      actor: { sub: 'sam', roles: ['staff'], kind: 'staff' },
      what: { type: 'profile', id: 'alice' },
      why: 'Handling the service request (staff view, with its reporter)',
    });
    expect(Object.keys(created[0] as object).sort()).toEqual([
      'actor',
      'at',
      'id',
      'kind',
      'residentId',
      'what',
      'why',
    ]);
  });

  it('when someone reads their own data, then nothing is recorded', async () => {
    const { container, created } = fakeAudit(() => Promise.resolve());
    await recordStaffAccess(cosmosAccessLog(container), sam, 'sam', { type: 'request', id: 'r1' }, 'request.read');
    expect(created).toEqual([]);
  });

  it('when staff give a reason, then it is added to the route’s purpose, cut and without control characters', () => {
    expect(accessReason('document.read', ' Blue badge\r\napplication ')).toBe(
      'Checking a document a resident uploaded: Blue badge  application',
    );
    expect(accessReason('document.read', 'x'.repeat(500)).length).toBeLessThan(260);
    expect(accessReason('document.read', '   ')).toBe('Checking a document a resident uploaded');
  });
});
