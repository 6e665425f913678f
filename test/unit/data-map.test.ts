/**
 * #16 items 1 and 5: the data map covers every field, its document is current, and
 * what leaves Doorstep (events, work orders, the public Open311 view) carries only
 * what the map allows each recipient.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderPersonalData, personalDataPath } from '../../scripts/personal-data.js';
import { cosmosContainers } from '../../shared/data/cosmos-containers.js';
import { allowedOutgoing, type DataClass, type RecordMap } from '../../shared/data-map/classification.js';
import { containersWithoutResidentData, dataMap } from '../../shared/data-map/registry.js';
import { workOrderDataMap } from '../../shared/dispatch/data-map.js';
import { newDispatch } from '../../shared/dispatch/model.js';
import {
  workOrderMessage,
  workOrderSchema,
  type WorkOrder,
  type WorkOrderSource,
} from '../../shared/dispatch/work-order.js';
import type { OutboxDoc } from '../../shared/events/cloud-event.js';
import { notificationJobDataMap } from '../../shared/notifications/data-map.js';
import { notificationJobSchema } from '../../shared/notifications/notifications.js';
import { open311RequestDataMap } from '../../shared/open311/data-map.js';
import { toOpen311Request } from '../../shared/open311/open311.js';
import { paymentEventDataMap } from '../../shared/payments/data-map.js';
import type { PaymentDoc } from '../../shared/payments/model.js';
import { refundEvent } from '../../shared/payments/refunds.js';
import { requestEventDataMap } from '../../shared/service-requests/data-map.js';
import type { ServiceRequestDoc } from '../../shared/service-requests/model.js';
import { applyUpdate } from '../../shared/service-requests/service-requests.js';
import type { RequestStore } from '../../shared/service-requests/store.js';
import type { StoredService } from '../../shared/catalogue/catalogue.js';

const id = '7d1e5c3a-2b4f-4a6e-8c9d-0e1f2a3b4c5d';

/** A report full of personal data, so that any of it leaking out is seen. */
const aReport = (overrides: Partial<ServiceRequestDoc> = {}): ServiceRequestDoc => ({
  id,
  pk: id,
  type: 'request',
  serviceCode: 'pothole',
  serviceName: 'Pothole',
  serviceGroup: 'roads',
  status: 'submitted',
  description: 'Outside my house, I am Jane Doe of 12 Acacia Avenue',
  attributes: { where: 'road' },
  location: { lat: 51.454512, long: -2.587923, uprn: '100012345678', address: '12 Acacia Avenue, Bristol' },
  photos: [],
  residentId: 'resident-jane',
  source: 'open311',
  reporter: { name: 'Jane Doe', email: 'jane@example.com', phone: '07700900982' },
  timeline: [{ id: 'u0', at: '2026-11-22T09:00:00.000Z', kind: 'submitted', status: 'submitted', by: 'resident' }],
  internalNotes: [{ at: '2026-11-22T09:00:00.000Z', by: 'sam', text: 'Jane rang twice' }],
  createdAt: '2026-11-22T09:00:00.000Z',
  updatedAt: '2026-11-22T09:00:00.000Z',
  _etag: 'v1',
  ...overrides,
});

const personalValues = (r: ServiceRequestDoc) =>
  [
    r.residentId,
    r.reporter?.name,
    r.reporter?.email,
    r.reporter?.phone,
    r.location.uprn,
    r.location.address,
    String(r.location.lat),
    r.description,
  ].filter((v): v is string => typeof v === 'string');

function classesOf(map: RecordMap<unknown>, payload: Record<string, unknown>): Map<string, DataClass> {
  const fields = map.fields as Record<string, { class: DataClass }>;
  const found = new Map<string, DataClass>();
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    expect(fields[key], `${map.title}: \`${key}\` is sent but not classified`).toBeDefined();
    found.set(key, fields[key]?.class ?? 'personal');
  }
  return found;
}

async function eventsOfAnUpdate(report: ServiceRequestDoc): Promise<readonly OutboxDoc[]> {
  let events: readonly OutboxDoc[] = [];
  const store = {
    get: () => Promise.resolve(report),
    replace: (doc: ServiceRequestDoc, _ifMatch: string, written: readonly OutboxDoc[]) => {
      events = written;
      return Promise.resolve({ ...doc, _etag: 'v2' });
    },
    putMyEntry: () => Promise.resolve(),
    putPin: () => Promise.resolve(),
    deletePin: () => Promise.resolve(),
  } as unknown as RequestStore;
  await applyUpdate(
    report,
    { update: { status: 'in-progress', publicUpdate: 'A crew visits on Tuesday' }, by: 'council', actor: 'sam' },
    { requests: store, now: () => new Date('2026-11-23T10:00:00Z') },
  );
  return events;
}

describe('the data map', () => {
  it('when the document is regenerated, then it equals docs/personal-data.md (run npm run docs:personal-data)', async () => {
    expect(readFileSync(personalDataPath, 'utf8')).toBe(await renderPersonalData());
  });

  it('when a field is added to a zod schema, then it must be classified (the maps of interfaces fail to compile)', () => {
    const pairs: [string, object, RecordMap<unknown>][] = [
      ['work order', workOrderSchema.shape, workOrderDataMap],
      ['notification job', notificationJobSchema.shape, notificationJobDataMap],
    ];
    for (const [name, shape, map] of pairs)
      expect(Object.keys(map.fields).sort(), name).toEqual(Object.keys(shape).sort());
  });

  it('when a record is stored, then it names the retention rules that govern it (shared/data/retention.ts)', () => {
    const stored = dataMap.filter((m) => m.kind === 'cosmos' || m.kind === 'blob');
    expect(stored.filter((m) => !m.retention || m.retention.length === 0).map((m) => m.title)).toEqual([]);
  });

  it('covers every Cosmos container: each holds mapped records or is declared to hold no resident data', () => {
    for (const c of cosmosContainers) {
      const mapped = dataMap.some((m) => m.where.includes(`\`${c.name}\``));
      expect(mapped || (containersWithoutResidentData as readonly string[]).includes(c.name), c.name).toBe(true);
    }
  });

  it('gives every record a purpose, a lawful basis and a record type', () => {
    for (const m of dataMap) {
      expect(m.purpose.length, m.title).toBeGreaterThan(10);
      expect(m.basis.length, m.title).toBeGreaterThan(0);
      expect(m.record, m.title).toMatch(/^[a-z0-9-]+$/);
    }
  });
});

describe('minimisation where data leaves', () => {
  it('when a request changes, then its events carry only fields classified none: no reporter, text or place', async () => {
    const report = aReport();
    const events = await eventsOfAnUpdate(report);
    expect(events.map((e) => e.event.type)).toEqual([
      'uk.gov.doorstep.request.status-changed',
      'uk.gov.doorstep.request.update-added',
    ]);
    for (const e of events) {
      const classes = classesOf(requestEventDataMap, e.event.data as Record<string, unknown>);
      expect([...classes.values()].every((c) => c === 'none')).toBe(true);
      const text = JSON.stringify(e);
      for (const value of [...personalValues(report), 'A crew visits on Tuesday']) expect(text).not.toContain(value);
    }
  });

  it('when a refund moves, then its event carries only classes events may carry, and nothing of the payer', () => {
    const payment = {
      id: 'p1',
      pk: 'p1',
      type: 'payment',
      ownerId: 'resident-jane',
      itemCode: 'bulky-waste',
      description: 'Bulky waste collection',
      amount: 1500,
      status: 'success',
      attempt: 1,
      refunds: [],
      audit: [],
      createdAt: '2026-11-22T09:00:00.000Z',
      updatedAt: '2026-11-22T09:00:00.000Z',
    } as PaymentDoc;
    const event = refundEvent(
      payment,
      {
        id: 'r1',
        amount: 500,
        status: 'success',
        source: 'doorstep',
        by: 'fin',
        reason: 'Jane was charged twice',
        at: '2026-11-23T10:00:00.000Z',
        updatedAt: '2026-11-23T10:00:00.000Z',
      },
      new Date('2026-11-23T10:00:00Z'),
    );
    const classes = classesOf(paymentEventDataMap, event?.event.data as Record<string, unknown>);
    expect([...classes.values()].every((c) => allowedOutgoing.event.includes(c))).toBe(true);
    expect(JSON.stringify(event)).not.toContain('resident-jane');
    expect(JSON.stringify(event)).not.toContain('Jane was charged twice');
  });

  // The description is free text the crew needs (decision 0911), so here it names nobody.
  const order = (source: Partial<WorkOrderSource>): WorkOrder => {
    const report = aReport({ description: 'Deep pothole by the bakery' });
    const message = workOrderMessage(
      { ...report, atHome: false, ...source },
      newDispatch(report, 'highways-contractor', new Date('2026-11-22T09:00:00Z')),
    );
    return workOrderSchema.parse(message.body);
  };

  it('when a pothole is sent to the contractor, then the work order says where it is, not who reported it or where they live', () => {
    const body = order({});
    const classes = classesOf(workOrderDataMap, body);
    expect([...classes.values()].every((c) => allowedOutgoing['work-order'].includes(c))).toBe(true);
    expect(body.location).toEqual({ lat: 51.454512, long: -2.587923 });
    const text = JSON.stringify(body);
    for (const value of [
      'resident-jane',
      'Jane Doe',
      'jane@example.com',
      '07700900982',
      '100012345678',
      '12 Acacia Avenue, Bristol',
    ])
      expect(text).not.toContain(value);
  });

  it('when a missed bin (a service at a home) is sent, then the crew gets the UPRN and address, still not the reporter', () => {
    const body = order({ serviceCode: 'missed-bin', serviceGroup: 'waste', atHome: true });
    expect(body.location).toEqual({
      lat: 51.454512,
      long: -2.587923,
      uprn: '100012345678',
      address: '12 Acacia Avenue, Bristol',
    });
    for (const value of ['resident-jane', 'Jane Doe', 'jane@example.com'])
      expect(JSON.stringify(body)).not.toContain(value);
  });

  it('when a street problem was located only by an address, then that address is the place sent', () => {
    const body = order({ location: { address: 'Corner of Park Row and Perry Road' } });
    expect(body.location).toEqual({ address: 'Corner of Park Row and Perry Road' });
  });
});

describe('anonymity on the public view', () => {
  const pothole = { code: 'pothole', public: true } as StoredService;

  it('when anyone reads a report through Open311, then no reporter, home or unmoderated text is in it', () => {
    const report = aReport({ moderation: { description: { text: 'Deep pothole by the bakery' } } });
    const view = toOpen311Request(report, 'https://api.example.gov.uk/api', 'public', pothole);
    const classes = classesOf(open311RequestDataMap, view);
    expect([...classes.values()].every((c) => allowedOutgoing.open311.includes(c))).toBe(true);
    const text = JSON.stringify(view);
    for (const value of [...personalValues(report), 'Jane rang twice', 'sam']) expect(text).not.toContain(value);
    expect(view).toMatchObject({ description: 'Deep pothole by the bakery', lat: 51.4545, long: -2.5879 });
  });
});
