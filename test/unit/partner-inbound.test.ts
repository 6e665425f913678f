import { describe, expect, it } from 'vitest';
import { newDispatch, type DispatchDoc } from '../../shared/dispatch/model.js';
import type { DispatchStore } from '../../shared/dispatch/store.js';
import type { Principal } from '../../shared/identity/principal.js';
import { partnerMessageSchemaId } from '../../shared/partners/contract.js';
import { processBatch, type InboundDeps, type Settlement } from '../../shared/partners/inbound.js';
import type { Received } from '../../shared/partners/plan.js';
import type { ServiceRequestDoc, TimelineEntry } from '../../shared/service-requests/model.js';
import { updateByStaff, type ServiceRequestDeps } from '../../shared/service-requests/service-requests.js';
import type { RequestStore } from '../../shared/service-requests/store.js';
import { partnerTimelineBounds } from '../../shared/service-requests/timeline.js';

const requestId = '3f0c2a8e-5b7d-4c1e-9a2b-6d8e0f1a2b3c';
const start = new Date('2026-11-22T09:00:00Z');

const aRequest = (overrides: Partial<ServiceRequestDoc> = {}): ServiceRequestDoc => ({
  id: requestId,
  pk: requestId,
  type: 'request',
  serviceCode: 'pothole',
  serviceName: 'Pothole',
  serviceGroup: 'roads',
  status: 'submitted',
  description: 'Deep',
  attributes: {},
  location: { uprn: '100012345678' },
  photos: [],
  residentId: 'alice',
  source: 'api',
  assignedTo: null,
  timeline: [{ at: start.toISOString(), kind: 'submitted', status: 'submitted', by: 'resident' }],
  internalNotes: [],
  createdAt: start.toISOString(),
  updatedAt: start.toISOString(),
  _etag: 'e0',
  ...overrides,
});

/** Plain in-memory stores and a clock: the inbound rules are logic over them. */
function harness(request = aRequest(), dispatchState: Partial<DispatchDoc> = { state: 'sent' }) {
  let stored = request;
  let dispatch: DispatchDoc = { ...newDispatch(request, 'highways-contractor', start), ...dispatchState, _etag: 'd0' };
  const references = new Map<string, string>();
  let now = start;
  let version = 0;
  const requests = {
    get: () => Promise.resolve(stored),
    replace: (doc: ServiceRequestDoc, ifMatch: string) => {
      if (ifMatch !== stored._etag) return Promise.resolve('stale' as const);
      stored = { ...doc, _etag: `e${++version}` };
      return Promise.resolve(stored);
    },
    putMyEntry: () => Promise.resolve(),
    putPin: () => Promise.resolve(),
    deletePin: () => Promise.resolve(),
  } as unknown as RequestStore;
  const dispatches: DispatchStore = {
    get: () => Promise.resolve(dispatch),
    replace: (doc) => Promise.resolve((dispatch = { ...doc, _etag: `d${++version}` })),
    due: () => Promise.resolve([]),
    list: () => Promise.resolve({ items: [] }),
    byPartnerReference: (office, ref) =>
      Promise.resolve(references.get(`${office}:${ref}`) && dispatch.partnerReference === ref ? dispatch : undefined),
    rememberPartnerReference: (office, ref, id) => Promise.resolve(void references.set(`${office}:${ref}`, id)),
  };
  const deps: InboundDeps = { requests, dispatches, now: () => now };
  return {
    deps,
    request: () => stored,
    dispatch: () => dispatch,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    async receive(...bodies: [string, Record<string, unknown>][]) {
      const settled: Settlement<string>[] = [];
      const batch: Received<string>[] = bodies.map(([id, body]) => ({
        handle: id,
        messageId: id,
        deliveryCount: 1,
        body: { schema: partnerMessageSchemaId, sentAt: now.toISOString(), ...body },
      }));
      await processBatch(batch, 'highways-contractor', new Set(), deps, (s) => Promise.resolve(void settled.push(s)));
      return settled;
    },
  };
}

const fates = (settled: readonly Settlement<string>[]) =>
  Object.fromEntries(
    settled.map((s) => [
      s.handle,
      s.action === 'complete' ? s.outcome : s.action === 'dead-letter' ? s.reason : `abandon:${s.why}`,
    ]),
  );

describe('applying a batch of partner messages', () => {
  it('when a message names a reference not yet known, then it and the rest of its job are held back, and other jobs go on', async () => {
    const h = harness();
    const settled = await h.receive(
      ['early', { kind: 'status-change', partnerReference: 'HW-1', status: 'in-progress' }],
      ['behind', { kind: 'completion', partnerReference: 'HW-1', notes: 'Done' }],
      ['other', { kind: 'public-update', requestId, text: 'Inspector booked' }],
    );
    expect(fates(settled)).toEqual({ early: 'abandon:held', behind: 'abandon:behind-held', other: 'applied' });
    expect(h.request().status).toBe('submitted');
  });

  it('when an acknowledgement and the updates naming its reference come together, then all apply, in order', async () => {
    const h = harness();
    const settled = await h.receive(
      ['s1', { kind: 'status-change', partnerReference: 'HW-1', status: 'action-scheduled' }],
      ['s2', { kind: 'status-change', partnerReference: 'HW-1', status: 'in-progress' }],
      ['ack', { kind: 'acknowledged', requestId, partnerReference: 'HW-1' }],
      ['done', { kind: 'completion', requestId, notes: 'Done' }],
    );
    expect(fates(settled)).toEqual({ ack: 'applied', s1: 'applied', s2: 'applied', done: 'applied' });
    expect(h.request().timeline.map((t) => t.status ?? t.kind)).toEqual([
      'submitted',
      'action-scheduled',
      'in-progress',
      'fixed',
    ]);
  });

  it('when a second acknowledgement names another reference, then it is rejected and the reference stays; the same one again is a duplicate', async () => {
    const h = harness();
    await h.receive(['ack', { kind: 'acknowledged', requestId, partnerReference: 'HW-1' }]);
    const settled = await h.receive(
      ['repoint', { kind: 'acknowledged', requestId, partnerReference: 'HW-666' }],
      ['repeat', { kind: 'acknowledged', requestId, partnerReference: 'HW-1' }],
    );
    expect(fates(settled)).toEqual({ repoint: 'ReferenceAlreadyAcknowledged', repeat: 'duplicate' });
    expect(h.dispatch()).toMatchObject({ state: 'acknowledged', partnerReference: 'HW-1' });
  });

  it('when staff have resent the work order, then the back office acknowledges it afresh with a new reference', async () => {
    const h = harness(aRequest(), { state: 'pending', generation: 2, partnerReference: 'HW-1' });
    const settled = await h.receive(['ack', { kind: 'acknowledged', requestId, partnerReference: 'HW-2' }]);
    expect(fates(settled)).toEqual({ ack: 'applied' });
    expect(h.dispatch()).toMatchObject({ state: 'acknowledged', partnerReference: 'HW-2' });
  });

  it('when a partner has used its updates for the day on a job, then the next is rejected, and accepted again a day later', async () => {
    const h = harness();
    const { perDay } = partnerTimelineBounds;
    const flood = Array.from({ length: perDay + 1 }, (_, i): [string, Record<string, unknown>] => [
      `u${i}`,
      { kind: 'public-update', requestId, text: `Update ${i}` },
    ]);
    const settled = await h.receive(...flood);
    expect(Object.values(fates(settled)).filter((f) => f === 'applied')).toHaveLength(perDay);
    expect(fates(settled)[`u${perDay}`]).toBe('TooManyUpdates');
    h.advance(86_400_001);
    expect(fates(await h.receive(['next-day', { kind: 'public-update', requestId, text: 'Later' }]))).toEqual({
      'next-day': 'applied',
    });
  });
});

describe('a request timeline that partners filled', () => {
  const partnerEntries = (count: number, from: Date): TimelineEntry[] =>
    Array.from({ length: count }, (_, i) => ({
      at: new Date(from.getTime() - (count - i) * 3_600_000).toISOString(),
      kind: 'update',
      text: `Chatter ${i}`,
      by: 'partner',
    }));
  const staffDeps = (h: ReturnType<typeof harness>): ServiceRequestDeps =>
    ({ requests: h.deps.requests, now: h.deps.now }) as unknown as ServiceRequestDeps;
  const sam: Principal = { sub: 'sam', issuer: 'workforce' as const, roles: new Set(['staff'] as const) };

  it('when 500 partner updates fill the timeline, then staff can still post an update (it used to freeze the request)', async () => {
    const h = harness(
      aRequest({ timeline: [...aRequest().timeline, ...partnerEntries(500, start)], status: 'in-progress' }),
    );
    const saved = await updateByStaff(
      { id: requestId, ifMatch: 'e0', update: { publicUpdate: 'The council has this in hand.' } },
      sam,
      staffDeps(h),
    );
    expect(saved.timeline.at(-1)).toMatchObject({ by: 'council', text: 'The council has this in hand.' });
    expect(saved.timeline.filter((t) => t.by === 'partner').length).toBeLessThanOrEqual(partnerTimelineBounds.kept);
  });

  it('when a partner update would exceed the partner entries kept, then the oldest partner entries are folded away and counted, and no one else’s', async () => {
    const { kept } = partnerTimelineBounds;
    const council: TimelineEntry = { at: start.toISOString(), kind: 'update', text: 'Council note', by: 'council' };
    const h = harness(aRequest({ timeline: [...aRequest().timeline, council, ...partnerEntries(kept, start)] }));
    h.advance(86_400_000);
    const settled = await h.receive(['newest', { kind: 'public-update', requestId, text: 'Newest' }]);
    expect(fates(settled)).toEqual({ newest: 'applied' });
    const timeline = h.request().timeline;
    expect(timeline.filter((t) => t.by === 'partner')).toHaveLength(kept);
    expect(timeline.map((t) => t.text)).not.toContain('Chatter 0');
    expect(timeline.at(-1)?.text).toBe('Newest');
    expect(timeline.slice(0, 2).map((t) => t.by)).toEqual(['resident', 'council']);
    expect(h.request().partnerEntriesCompacted).toBe(1);
  });
});
