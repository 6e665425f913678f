/**
 * Notification planning with plain fakes (issue #12 item 8): which events become
 * notifications, for whom, on which channels, with ids that make a redelivered
 * event plan nothing twice.
 */
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../shared/events/cloud-event.js';
import { planNotifications, type PlanDeps } from '../../shared/notifications/notifications.js';
import type { ProfileDoc } from '../../shared/residents/profile.js';

const emailTemplate = '11111111-1111-4111-8111-111111111111';
const smsTemplate = '22222222-2222-4222-8222-222222222222';

const anEvent = (name: string, data: Record<string, unknown> = {}): CloudEvent<Record<string, unknown>> => ({
  specversion: '1.0',
  id: 'event-1',
  source: '/doorstep',
  type: `uk.gov.doorstep.${name}`,
  subject: 'request-1',
  time: '2026-11-29T10:00:00.000Z',
  datacontenttype: 'application/json',
  data,
});

const aProfile = (overrides: Partial<ProfileDoc> = {}): ProfileDoc => ({
  id: 'profile',
  residentId: 'alice',
  kind: 'profile',
  // Notifications go only to confirmed contacts (decision 0900).
  contact: {
    email: 'alice@example.com',
    emailVerifiedAt: '2026-11-01T00:00:00.000Z',
    phone: '07700900982',
    phoneVerifiedAt: '2026-11-01T00:00:00.000Z',
  },
  preferences: { email: true, sms: true, events: ['status-changed', 'update-added', 'payment-receipt'] },
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...overrides,
});

function depsWith(profile: ProfileDoc | undefined, subjectFound = true): PlanDeps & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    profiles: { get: (id) => Promise.resolve(id === 'alice' ? profile : undefined) },
    templates: {
      'status-changed': { email: emailTemplate, sms: smsTemplate },
      'update-added': { email: emailTemplate },
      'payment-receipt': { email: emailTemplate, sms: smsTemplate },
    },
    subject: (kind) => {
      asked.push(kind);
      return Promise.resolve(
        subjectFound ? { residentId: 'alice', personalisation: { reference: 'REQUEST1' } } : undefined,
      );
    },
  };
}

describe('planning notifications', () => {
  it('when a status changes for a resident who wants both channels, then one job per channel, keyed by event and channel', async () => {
    const jobs = await planNotifications(anEvent('request.status-changed', { status: 'fixed' }), depsWith(aProfile()));
    expect(jobs).toEqual([
      expect.objectContaining({
        id: 'event-1:email',
        channel: 'email',
        templateId: emailTemplate,
        kind: 'status-changed',
      }),
      expect.objectContaining({ id: 'event-1:sms', channel: 'sms', templateId: smsTemplate, residentId: 'alice' }),
    ]);
    expect(jobs[0]?.personalisation).toEqual({ reference: 'REQUEST1' });
  });

  it('when a kind has no template for a channel, then that channel is not planned', async () => {
    const jobs = await planNotifications(anEvent('request.update-added'), depsWith(aProfile()));
    expect(jobs.map((j) => j.channel)).toEqual(['email']);
  });

  it('when an update came with a status change, then it plans nothing (the status notification carries it)', async () => {
    const deps = depsWith(aProfile());
    expect(await planNotifications(anEvent('request.update-added', { withStatusChange: true }), deps)).toEqual([]);
    expect(deps.asked).toEqual([]);
  });

  it('when a payment did not succeed, or the event is not one residents hear about, then nothing is planned', async () => {
    const deps = depsWith(aProfile());
    expect(await planNotifications(anEvent('payment.finished', { status: 'failed' }), deps)).toEqual([]);
    expect(await planNotifications(anEvent('request.created'), deps)).toEqual([]);
    expect(await planNotifications({ ...anEvent('x'), type: 'org.example.request.status-changed' }, deps)).toEqual([]);
    expect(deps.asked).toEqual([]);
  });

  it('when the resident opted out of that kind, has no profile, or the subject is gone, then nothing is planned', async () => {
    const event = anEvent('request.status-changed');
    const optedOut = aProfile({ preferences: { email: true, sms: true, events: ['payment-receipt'] } });
    expect(await planNotifications(event, depsWith(optedOut))).toEqual([]);
    expect(await planNotifications(event, depsWith(undefined))).toEqual([]);
    expect(await planNotifications(event, depsWith(aProfile(), false))).toEqual([]);
  });

  it('when a channel is switched off or has no address, then only the other is planned', async () => {
    const event = anEvent('request.status-changed');
    const noSms = aProfile({ preferences: { email: true, sms: false, events: ['status-changed'] } });
    expect((await planNotifications(event, depsWith(noSms))).map((j) => j.channel)).toEqual(['email']);
    const noEmail = aProfile({
      contact: { email: null, phone: '07700900982', phoneVerifiedAt: '2026-11-01T00:00:00.000Z' },
    });
    expect((await planNotifications(event, depsWith(noEmail))).map((j) => j.channel)).toEqual(['sms']);
  });
});
