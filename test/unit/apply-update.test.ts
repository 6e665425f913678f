import { describe, expect, it } from 'vitest';
import type { OutboxDoc } from '../../shared/events/cloud-event.js';
import type { MyRequestEntry, NearbyPin, ServiceRequestDoc } from '../../shared/service-requests/model.js';
import { applyUpdate } from '../../shared/service-requests/service-requests.js';
import type { Status } from '../../shared/service-requests/status.js';
import { transitions } from '../../shared/service-requests/status.js';
import type { RequestStore } from '../../shared/service-requests/store.js';

const id = '7d1e5c3a-2b4f-4a6e-8c9d-0e1f2a3b4c5d';

const aRequest = (status: Status = 'submitted', overrides: Partial<ServiceRequestDoc> = {}): ServiceRequestDoc => ({
  id,
  pk: id,
  type: 'request',
  serviceCode: 'pothole',
  serviceName: 'Pothole',
  serviceGroup: 'roads',
  status,
  description: 'Deep pothole',
  attributes: {},
  location: { lat: 51.45, long: -2.58 },
  photos: [],
  residentId: 'alice',
  source: 'api',
  timeline: [{ at: '2026-11-22T09:00:00.000Z', kind: 'submitted', status: 'submitted', by: 'resident' }],
  internalNotes: [],
  createdAt: '2026-11-22T09:00:00.000Z',
  updatedAt: '2026-11-22T09:00:00.000Z',
  _etag: 'v1',
  ...overrides,
});

/** A plain in-memory store: what applyUpdate writes, and the projections it keeps in step. */
function fakeStore(current: ServiceRequestDoc) {
  const written: { doc: ServiceRequestDoc; events: readonly OutboxDoc[] }[] = [];
  const entries: MyRequestEntry[] = [];
  const pins: NearbyPin[] = [];
  const deletedPins: string[] = [];
  let etag = current._etag ?? '';
  const store: RequestStore = {
    create: () => Promise.reject(new Error('not used')),
    get: () => Promise.resolve(current),
    replace(doc, ifMatch, events) {
      if (ifMatch !== etag) return Promise.resolve('stale');
      etag = `v${written.length + 2}`;
      const saved = { ...doc, _etag: etag };
      written.push({ doc: saved, events });
      return Promise.resolve(saved);
    },
    putMyEntry: (entry) => Promise.resolve(void entries.push(entry)),
    listMine: () => Promise.resolve({ items: [] }),
    putPin: (pin) => Promise.resolve(void pins.push(pin)),
    deletePin: (_cell, requestId) => Promise.resolve(void deletedPins.push(requestId)),
    pins: () => Promise.resolve([]),
    staffList: () => Promise.resolve({ items: [] }),
    staffCount: () => Promise.resolve(0),
  };
  return { store, written, entries, pins, deletedPins };
}

const now = () => new Date('2026-11-23T10:00:00.000Z');
const eventTypes = (events: readonly OutboxDoc[]) => events.map((e) => e.event.type.replace('uk.gov.doorstep.', ''));

describe('applyUpdate', () => {
  it('when the status moves by the table with a public update, then one entry, both events and the projections are written', async () => {
    const f = fakeStore(aRequest('submitted'));
    const saved = await applyUpdate(
      aRequest('submitted'),
      { update: { status: 'in-progress', publicUpdate: 'Crew on site' }, by: 'council', actor: 'sam' },
      { requests: f.store, now },
    );
    expect(saved).not.toBe('stale');
    const [write] = f.written;
    expect(write?.doc.status).toBe('in-progress');
    expect(write?.doc.timeline.at(-1)).toMatchObject({
      kind: 'status',
      status: 'in-progress',
      text: 'Crew on site',
      by: 'council',
      at: '2026-11-23T10:00:00.000Z',
    });
    expect(write?.doc.timeline.at(-1)?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(eventTypes(write?.events ?? [])).toEqual(['request.status-changed', 'request.update-added']);
    expect(write?.events[1]?.event.data).toMatchObject({ withStatusChange: true });
    expect(f.entries[0]?.summary.status).toBe('in-progress');
    expect(f.pins[0]?.status).toBe('in-progress');
  });

  it('when a request closes, then its nearby pin is removed', async () => {
    const f = fakeStore(aRequest('in-progress'));
    await applyUpdate(
      aRequest('in-progress'),
      { update: { status: 'fixed' }, by: 'partner', actor: 'highways-contractor' },
      { requests: f.store, now },
    );
    expect(f.deletedPins).toEqual([id]);
    expect(eventTypes(f.written[0]?.events ?? [])).toEqual(['request.status-changed']);
  });

  it('when the status is the same and there is text, then it is an update, not a status change', async () => {
    const f = fakeStore(aRequest('investigating'));
    await applyUpdate(
      aRequest('investigating'),
      { update: { status: 'investigating', publicUpdate: 'Still looking' }, by: 'council', actor: 'sam' },
      { requests: f.store, now },
    );
    expect(f.written[0]?.doc.timeline.at(-1)).toMatchObject({ kind: 'update', text: 'Still looking' });
    expect(eventTypes(f.written[0]?.events ?? [])).toEqual(['request.update-added']);
    expect(f.written[0]?.events[0]?.event.data).toMatchObject({ withStatusChange: false });
  });

  it('when a move is not in the table, then it is refused as a conflict and nothing is written', async () => {
    for (const [from, allowed] of Object.entries(transitions) as [Status, readonly Status[]][]) {
      const refused = (['submitted', 'action-scheduled', 'fixed'] as const).filter(
        (to) => to !== from && !allowed.includes(to),
      );
      for (const to of refused) {
        const f = fakeStore(aRequest(from));
        await expect(
          applyUpdate(
            aRequest(from),
            { update: { status: to }, by: 'council', actor: 'sam' },
            { requests: f.store, now },
          ),
        ).rejects.toMatchObject({ code: 'conflict' });
        expect(f.written).toEqual([]);
      }
    }
  });

  it('when the request changed since it was read, then the answer is stale and the projections are untouched', async () => {
    const f = fakeStore(aRequest('submitted'));
    const saved = await applyUpdate(
      aRequest('submitted', { _etag: 'old' }),
      { update: { publicUpdate: 'x' }, by: 'council', actor: 'sam' },
      { requests: f.store, now },
    );
    expect(saved).toBe('stale');
    expect(f.entries).toEqual([]);
  });

  it('when an Open311 client updates, then the entry is recorded as that client under the id it was promised, with the repeat marker', async () => {
    const f = fakeStore(aRequest('submitted'));
    await applyUpdate(
      aRequest('submitted'),
      {
        update: { publicUpdate: 'Comment from FixMyStreet' },
        by: 'client',
        actor: 'abc123',
        entryId: 'promised-id',
        externalUpdateId: 'abc123:42',
      },
      { requests: f.store, now },
    );
    const doc = f.written[0]?.doc;
    expect(doc?.timeline.at(-1)).toMatchObject({ id: 'promised-id', by: 'client', client: 'abc123', kind: 'update' });
    expect(doc?.externalUpdateIds).toEqual(['abc123:42']);
    expect(f.written[0]?.events[0]?.event.data).toMatchObject({ update: { by: 'client' } });
  });

  // Partners' entries are bounded (shared/service-requests/timeline.ts); the council is never frozen out.
  it('when the timeline already holds 500 entries, then a council update is still recorded', async () => {
    const full = aRequest('submitted', {
      timeline: Array.from({ length: 500 }, (_, i) => ({
        at: '2026-11-22T09:00:00.000Z',
        kind: 'update' as const,
        text: `n${i}`,
        by: 'council' as const,
      })),
    });
    const f = fakeStore(full);
    const updated = await applyUpdate(
      full,
      { update: { publicUpdate: 'one more' }, by: 'council', actor: 'sam' },
      { requests: f.store, now },
    );
    expect(updated).not.toBe('stale');
    expect(updated !== 'stale' && updated.timeline.at(-1)).toMatchObject({
      kind: 'update',
      text: 'one more',
      by: 'council',
    });
  });
});
