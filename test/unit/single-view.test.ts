import type { Container } from '@azure/cosmos';
import { describe, expect, it } from 'vitest';
import { cosmosAccessLog, type AccessLog, type NewAccessEntry } from '../../shared/audit/access-log.js';
import type { Principal } from '../../shared/identity/principal.js';
import { residentSingleView, singleViewQuery, type SingleViewDeps } from '../../shared/residents/single-view.js';

const sam: Principal = { sub: 'sam', issuer: 'workforce' as const, roles: new Set(['staff']) };
const query = singleViewQuery.parse({});

/** Stores that note every read, so a test can say that none happened. */
function fakeDeps(accessLog: AccessLog) {
  const reads: string[] = [];
  const empty = (what: string) => () => {
    reads.push(what);
    return Promise.resolve({ items: [] });
  };
  const deps: SingleViewDeps = {
    accessLog,
    profiles: {
      get: () => {
        reads.push('profile');
        return Promise.resolve(undefined);
      },
    },
    requests: { listMine: empty('requests') },
    payments: { listMine: empty('payments') },
    documents: { listMine: empty('documents') },
  };
  return { deps, reads };
}

describe('the staff single view of a resident', () => {
  it('when the access record cannot be written, then 503 and not one store is read', async () => {
    const failing = {
      items: { create: () => Promise.reject(new Error('Cosmos DB unavailable')) },
    } as unknown as Container;
    const { deps, reads } = fakeDeps(cosmosAccessLog(failing));
    await expect(residentSingleView('alice', query, sam, deps)).rejects.toMatchObject({
      code: 'dependency-unavailable',
      status: 503,
    });
    expect(reads).toEqual([]);
  });

  it('when it opens, then the access is recorded before the first read', async () => {
    const order: string[] = [];
    const log: AccessLog = {
      record: (entry: NewAccessEntry) => {
        order.push(`audit:${entry.what.type}`);
        return Promise.resolve();
      },
      listForResident: () => Promise.resolve([]),
    };
    const { deps, reads } = fakeDeps(log);
    const recording = { ...deps, profiles: { get: (id: string) => (order.push('read'), deps.profiles.get(id)) } };
    await expect(residentSingleView('alice', query, sam, recording)).rejects.toMatchObject({ status: 404 });
    expect(order[0]).toBe('audit:resident');
    expect(reads).toContain('profile');
  });

  it('when the caller is not staff, then 403 before anything is recorded or read', async () => {
    const recorded: NewAccessEntry[] = [];
    const log: AccessLog = {
      record: (e) => (recorded.push(e), Promise.resolve()),
      listForResident: () => Promise.resolve([]),
    };
    const { deps, reads } = fakeDeps(log);
    const councillor: Principal = { sub: 'cllr', issuer: 'workforce', roles: new Set(['councillor']) };
    await expect(residentSingleView('alice', query, councillor, deps)).rejects.toMatchObject({ status: 403 });
    expect([recorded, reads]).toEqual([[], []]);
  });
});
