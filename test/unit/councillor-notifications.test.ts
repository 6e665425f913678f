/**
 * A councillor's news of their enquiries (decision 1052), with plain fakes: who is planned
 * a job, with which id (so a redelivered event plans the same one, which the queue's
 * duplicate detection drops), and that only the workforce directory's `email` claim counts.
 */
import { describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../shared/events/cloud-event.js';
import { councillorNotifications } from '../../shared/casework/casework.js';
import type { CouncillorContactDoc } from '../../shared/casework/model.js';
import type { CaseworkStore } from '../../shared/casework/store.js';
import { principalFor } from '../../shared/identity/principal.js';
import { planNotifications, type PlanDeps } from '../../shared/notifications/notifications.js';
import type { ProfileDoc } from '../../shared/residents/profile.js';

const councillorTemplate = '33333333-3333-4333-8333-333333333333';
const residentTemplate = '11111111-1111-4111-8111-111111111111';

const anEvent = (id = 'event-1'): CloudEvent<Record<string, unknown>> => ({
  specversion: '1.0',
  id,
  source: '/doorstep',
  type: 'uk.gov.doorstep.request.status-changed',
  subject: 'request-1',
  time: '2026-11-29T10:00:00.000Z',
  datacontenttype: 'application/json',
  data: { status: 'investigating' },
});

/** A profile for the councillor's id, as if they once had one: they must still not be told through it. */
const aProfile: ProfileDoc = {
  id: 'profile',
  residentId: 'cllr',
  kind: 'profile',
  contact: { email: 'someone@example.com', emailVerifiedAt: '2026-11-01T00:00:00.000Z' },
  preferences: { email: true, sms: false, events: ['status-changed'] },
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

function depsFor(options: { address?: string; template?: boolean } = {}): PlanDeps {
  return {
    profiles: { get: () => Promise.resolve(aProfile) },
    templates: {
      'status-changed': { email: residentTemplate },
      ...(options.template === false ? {} : { 'councillor-update': { email: councillorTemplate } }),
    },
    subject: () =>
      Promise.resolve({
        residentId: 'cllr',
        personalisation: { reference: 'REQUEST1', link: 'https://site.example/my-account/requests/request-1' },
        councillor: {
          id: 'cllr',
          personalisation: { reference: 'REQUEST1', link: 'https://site.example/staff/councillor/enquiries/e-1' },
        },
      }),
    councillors: { emailFor: () => Promise.resolve(options.address) },
  };
}

describe('planning a councillor’s news of their enquiry', () => {
  it('when a councillor’s enquiry changes status, then one email job is planned for them with the staff workspace link, none through a resident profile', async () => {
    const jobs = await planNotifications(anEvent(), depsFor({ address: 'cllr@council.example' }));
    expect(jobs).toEqual([
      expect.objectContaining({
        id: 'event-1:email:councillor',
        residentId: 'cllr',
        kind: 'councillor-update',
        channel: 'email',
        templateId: councillorTemplate,
      }),
    ]);
    expect(jobs[0]?.personalisation.link).toBe('https://site.example/staff/councillor/enquiries/e-1');
    // No address ever rides the queue: it is read again at send time.
    expect(JSON.stringify(jobs)).not.toContain('cllr@council.example');
  });

  it('when the same event is delivered again, then the same job id is planned', async () => {
    const deps = depsFor({ address: 'cllr@council.example' });
    const [first] = await planNotifications(anEvent('event-9'), deps);
    const [again] = await planNotifications(anEvent('event-9'), deps);
    expect(again?.id).toBe(first?.id);
  });

  it('when the councillor has no address or turned the emails off, or there is no template, then nothing is planned', async () => {
    expect(await planNotifications(anEvent(), depsFor({}))).toEqual([]);
    expect(await planNotifications(anEvent(), depsFor({ address: 'cllr@council.example', template: false }))).toEqual(
      [],
    );
  });
});

describe('the email claim', () => {
  it('when a workforce token carries an email, then the principal has it; from the resident issuer, never', () => {
    expect(principalFor('workforce', 'cllr', ['councillor'], 'cllr@council.example').email).toBe(
      'cllr@council.example',
    );
    const resident = principalFor('resident', 'cllr', ['councillor'], 'cllr@council.example');
    expect(resident.email).toBeUndefined();
    expect([...resident.roles]).toEqual(['resident']);
  });
});

describe('the councillor’s choice against a refresh', () => {
  it('when the councillor turns the emails off while another view refreshes the address, then the choice stands', async () => {
    let stored: CouncillorContactDoc | undefined = {
      id: 'contact',
      pk: 'cllr',
      kind: 'councillor-contact',
      councillor: 'cllr',
      email: 'old@council.example',
      emailUpdates: true,
      seenOn: '2026-11-29',
      updatedAt: '2026-11-29T10:00:00.000Z',
      ttl: 1,
      _etag: '"1"',
    };
    let version = 1;
    let racing = true;
    const casework = {
      contactOf: () => Promise.resolve(stored),
      putContact: (doc: CouncillorContactDoc, current: CouncillorContactDoc | undefined) => {
        // The first write finds the councillor's "off" written since it read.
        if (racing && stored) {
          racing = false;
          stored = { ...stored, emailUpdates: false, _etag: `"${++version}"` };
        }
        if (current?._etag !== stored?._etag) return Promise.resolve(undefined);
        stored = { ...doc, _etag: `"${++version}"` };
        return Promise.resolve(stored);
      },
    } as unknown as CaseworkStore;
    const principal = principalFor('workforce', 'cllr', ['councillor'], 'new@council.example');
    const seen = await councillorNotifications(principal, { casework, now: () => new Date('2026-11-30T09:00:00Z') });
    expect(seen?.emailUpdates).toBe(false);
    expect(stored).toMatchObject({ emailUpdates: false });
  });
});
