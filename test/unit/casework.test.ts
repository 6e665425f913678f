import { describe, expect, it } from 'vitest';
import { localCouncilBoundary } from '../../local/stack.js';
import { deadlinesFor, sendEnquiryReminders, type ReminderDeps } from '../../shared/casework/casework.js';
import type { EnquiryDoc } from '../../shared/casework/model.js';
import type { CaseworkStore } from '../../shared/casework/store.js';
import {
  addWorkingDays,
  bankHolidaysKnownThrough,
  englandAndWalesBankHolidays,
  isWorkingDay,
} from '../../shared/casework/working-days.js';
import { contains, parseBoundary } from '../../shared/geo/area.js';
import type { ServiceRequestDoc } from '../../shared/service-requests/model.js';
import { localWards } from '../../shared/wards/local-wards.js';
import { parseWards, wardIn } from '../../shared/wards/ward-set.js';

describe('working days', () => {
  it('when an enquiry is raised on a Friday with one working day, then it is due on Monday', () => {
    expect(addWorkingDays('2026-11-27', 1)).toBe('2026-11-30');
  });

  it('when the days cross Christmas 2026, then Christmas Day and the substitute Boxing Day are skipped', () => {
    // Thu 24th + 1 → (Fri 25th holiday, weekend, Mon 28th substitute holiday) Tue 29th.
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-29');
    expect(isWorkingDay('2026-12-28')).toBe(false);
  });

  it('when counting back from a deadline, then weekends and bank holidays are skipped too', () => {
    expect(addWorkingDays('2026-04-07', -1)).toBe('2026-04-02'); // over Easter Monday and Good Friday
  });

  it('when 10 working days are configured, then the deadline and a reminder 2 working days before follow', () => {
    expect(deadlinesFor(new Date('2026-11-30T10:00:00Z'), { responseWorkingDays: 10, reminderWorkingDays: 2 })).toEqual(
      { respondBy: '2026-12-14', remindOn: '2026-12-10' },
    );
  });

  it('when the bank holiday list is read, then it reaches at least a year beyond today (refresh it from GOV.UK before then)', () => {
    const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    expect(bankHolidaysKnownThrough >= inAYear, `extend englandAndWalesBankHolidays past ${inAYear}`).toBe(true);
    expect([...englandAndWalesBankHolidays].every((d) => d <= bankHolidaysKnownThrough)).toBe(true);
  });
});

describe('wards', () => {
  const wards = parseWards(JSON.stringify(localWards));
  const boundary = parseBoundary(localCouncilBoundary);

  it('when the local fixture is read, then every point inside the council is in exactly one ward', () => {
    expect(wards.length).toBeGreaterThanOrEqual(4);
    for (let lat = 51.401; lat < 51.54; lat += 0.0071)
      for (let long = -2.719; long < -2.5; long += 0.0093) {
        expect(contains(boundary, [long, lat])).toBe(true);
        expect(wards.filter((w) => contains(w.boundary, [long, lat])).length, `${lat},${long}`).toBe(1);
      }
  });

  it('when a point is outside every ward, then it has no ward', () => {
    expect(wardIn(wards, { lat: 52.0, long: -1.0 })).toBeUndefined();
    expect(wardIn(wards, { lat: 51.4545, long: -2.5879 })?.name).toBe('Brookside');
  });

  it('when ONS ward boundaries are given in British National Grid metres, then they are refused (WGS84 only)', () => {
    const bng = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { WD24CD: 'E05000001', WD24NM: 'Somewhere' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [358000, 172000],
                [359000, 172000],
                [359000, 173000],
                [358000, 172000],
              ],
            ],
          },
        },
      ],
    };
    expect(() => parseWards(JSON.stringify(bng))).toThrow(/WGS84/);
  });
});

describe('enquiry reminders', () => {
  const anEnquiry = (overrides: Partial<EnquiryDoc> = {}): EnquiryDoc => ({
    id: '00000000-0000-4000-8000-000000000001',
    pk: 'cllr',
    kind: 'enquiry',
    councillor: 'cllr',
    requestId: 'r1',
    serviceCode: 'pothole',
    resident: { name: 'Pat Example' },
    consent: {
      how: 'surgery',
      givenAt: '2026-11-30T09:00:00Z',
      recordedBy: 'cllr',
      recordedAt: '2026-11-30T10:00:00Z',
    },
    raisedAt: '2026-11-30T10:00:00.000Z',
    respondBy: '2026-12-14',
    remindOn: '2026-12-10',
    state: 'awaiting-response',
    ttl: 1,
    _etag: '"1"',
    ...overrides,
  });
  const aRequest = (timeline: ServiceRequestDoc['timeline'], status: ServiceRequestDoc['status'] = 'submitted') =>
    ({ id: 'r1', status, timeline, updatedAt: '2026-12-01T00:00:00Z' }) as unknown as ServiceRequestDoc;

  function fakes(enquiry: EnquiryDoc, answer: ServiceRequestDoc | (() => ServiceRequestDoc), at: { now: Date }) {
    const requestNow = typeof answer === 'function' ? answer : () => answer;
    let stored = enquiry;
    let etag = 1;
    const sent: Record<string, string>[] = [];
    const store = {
      awaitingResponse: () => Promise.resolve(stored.state === 'awaiting-response' ? [stored] : []),
      dueReminders: (today: string) =>
        Promise.resolve(
          stored.state === 'awaiting-response' && !stored.reminder && stored.remindOn <= today ? [stored] : [],
        ),
      replaceIfUnchanged: (doc: EnquiryDoc) => {
        if (doc._etag !== stored._etag) return Promise.resolve(false);
        stored = { ...doc, _etag: `"${++etag}"` };
        return Promise.resolve(true);
      },
      findEnquiry: () => Promise.resolve(stored),
    } as unknown as CaseworkStore;
    const deps: ReminderDeps = {
      casework: store,
      getRequest: () => Promise.resolve(requestNow()),
      notify: {
        send: (_channel, _template, to, personalisation) => {
          sent.push({ to, ...personalisation });
          return Promise.resolve();
        },
      },
      templateId: 'template',
      mailbox: 'team@council.example',
      now: () => at.now,
    };
    return { deps, sent, stored: () => stored };
  }

  it('when the reminder day has not come, then nothing is sent; when it comes, then the team is told once', async () => {
    const clock = { now: new Date('2026-12-09T12:00:00Z') };
    const f = fakes(
      anEnquiry(),
      aRequest([{ at: '2026-11-30T10:00:00.000Z', kind: 'submitted', by: 'resident' }]),
      clock,
    );
    expect(await sendEnquiryReminders(f.deps)).toEqual({ reminded: 0, responded: 0, skipped: 0 });
    clock.now = new Date('2026-12-10T08:00:00Z');
    expect((await sendEnquiryReminders(f.deps)).reminded).toBe(1);
    clock.now = new Date('2026-12-11T08:00:00Z');
    expect((await sendEnquiryReminders(f.deps)).reminded).toBe(0);
    expect(f.sent).toEqual([expect.objectContaining({ to: 'team@council.example', respond_by: '2026-12-14' })]);
    expect(JSON.stringify(f.sent)).not.toContain('Pat Example');
  });

  it('when staff have already responded by the reminder day, then no reminder goes and the enquiry is answered', async () => {
    const clock = { now: new Date('2026-12-10T08:00:00Z') };
    const request = aRequest([
      { at: '2026-11-30T10:00:00.000Z', kind: 'submitted', by: 'resident' },
      { at: '2026-12-02T10:00:00.000Z', kind: 'status', status: 'investigating', by: 'council' },
    ]);
    const f = fakes(anEnquiry(), request, clock);
    expect(await sendEnquiryReminders(f.deps)).toEqual({ reminded: 0, responded: 1, skipped: 0 });
    expect(f.stored()).toMatchObject({ state: 'responded', respondedAt: '2026-12-02T10:00:00.000Z' });
    expect(f.sent).toEqual([]);
  });

  it('when staff respond after the reminder went, then the next run marks the enquiry answered (it was left awaiting for ever)', async () => {
    const clock = { now: new Date('2026-12-10T08:00:00Z') };
    const timeline: ServiceRequestDoc['timeline'][number][] = [
      { at: '2026-11-30T10:00:00.000Z', kind: 'submitted', by: 'resident' },
    ];
    const f = fakes(anEnquiry(), () => aRequest([...timeline]), clock);
    expect((await sendEnquiryReminders(f.deps)).reminded).toBe(1);
    timeline.push({ at: '2026-12-15T09:00:00.000Z', kind: 'status', status: 'investigating', by: 'council' });
    clock.now = new Date('2026-12-15T09:15:00Z');
    expect(await sendEnquiryReminders(f.deps)).toEqual({ reminded: 0, responded: 1, skipped: 0 });
    expect(f.stored()).toMatchObject({ state: 'responded', respondedAt: '2026-12-15T09:00:00.000Z' });
    expect(f.sent).toHaveLength(1);
  });

  it('when staff respond days before the reminder day, then the next run marks it answered, not the reminder day', async () => {
    const clock = { now: new Date('2026-12-02T10:15:00Z') };
    const request = aRequest([
      { at: '2026-11-30T10:00:00.000Z', kind: 'submitted', by: 'resident' },
      { at: '2026-12-02T10:00:00.000Z', kind: 'update', text: 'Booked', by: 'council' },
    ]);
    const f = fakes(anEnquiry(), request, clock);
    expect(await sendEnquiryReminders(f.deps)).toEqual({ reminded: 0, responded: 1, skipped: 0 });
    expect(f.stored().state).toBe('responded');
  });
});

describe('working days left', () => {
  it('when counting to a deadline, then weekends and bank holidays are not counted, and a passed deadline is negative', async () => {
    const { workingDaysUntil } = await import('../../shared/casework/working-days.js');
    expect(workingDaysUntil('2026-12-21', '2026-12-21')).toBe(0);
    // Mon 21 Dec to Tue 29 Dec 2026: 22, 23, 24, (25, 26, 27 weekend/Christmas, 28 Boxing Day substitute) 29.
    expect(workingDaysUntil('2026-12-21', '2026-12-29')).toBe(4);
    expect(workingDaysUntil('2026-12-29', '2026-12-21')).toBe(-4);
  });
});
