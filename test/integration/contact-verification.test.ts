/**
 * #16 item 6: verified contact details, against the real GOV.UK Notify stand-in and
 * Cosmos DB. Through the API where the wall clock does not matter; through the use case
 * with a controllable clock (and the same real Notify and Cosmos) for expiry and the
 * send limits, so nothing waits for time.
 */
import { CosmosClient, type Container } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { notifyCodeSender } from '../../shared/notifications/notifications.js';
import { govUkNotify } from '../../shared/notifications/notify-client.js';
import { notifyTemplatesSchema } from '../../shared/notifications/templates.js';
import {
  codeLifetimeMs,
  confirmContact as confirmWithClock,
  cosmosContactChallengeStore,
  startContactVerification,
  type ContactChallengeDoc,
  type ContactVerificationDeps,
} from '../../shared/residents/contact-verification.js';
import { cosmosProfileStore, type ProfileDoc } from '../../shared/residents/profile.js';
import { AppError } from '../../shared/errors.js';
import { aServiceRequest, call, staff } from '../support/api.js';
import { codeSentTo, confirmContact, sentTo } from '../support/contacts.js';
import { cosmosOf } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';
import { notificationsSettled } from '../support/notifications-settled.js';

const notify = inject('govukNotifyUrl');
const settings = inject('appSettings');
let cosmos: CosmosClient;
let residents: Container;

beforeAll(() => {
  const at = cosmosOf(settings.CosmosDb);
  cosmos = new CosmosClient({
    endpoint: at.endpoint,
    key: emulatorKey,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  residents = cosmos.database(at.database).container('residents');
});
afterAll(() => cosmos.dispose());

const someone = () => `contacts-${randomUUID().slice(0, 8)}`;
const me = async (who: string) =>
  (await (await call('GET', 'me', { as: who })).json()) as {
    contact: { email: string | null; emailVerified: boolean; phone: string | null; phoneVerified: boolean };
  };
const problemOf = async (res: Response) =>
  (await res.json()) as { status: number; detail?: string; errors?: { pointer: string; detail: string }[] };
const notificationsTo = async (to: string) =>
  (await sentTo(notify, to)).filter((n) => !n.templateName.startsWith('Security code'));

const settled = notificationsSettled;

async function reportAndChangeStatus(who: string, status: string): Promise<string> {
  const created = await call('POST', 'requests', { as: who, body: aServiceRequest() });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const res = await call('PATCH', `staff/requests/${id}`, {
    as: staff,
    body: { status },
    headers: { 'if-match': created.headers.get('etag') ?? '' },
  });
  expect(res.status).toBe(200);
  return id;
}

// The first call of a run loads the handlers and hashes with scrypt: on a machine shared by many suites that
// can pass the 30 s default, which measures the machine, not the code.
describe('confirming an email address or mobile number with a code from GOV.UK Notify', { timeout: 90_000 }, () => {
  it('when a resident gives a new email address, then a 5-digit code is delivered to it, and the right code makes it their verified email, once', async () => {
    const who = someone();
    const email = `${who}@example.com`;
    const asked = await call('POST', 'me/contact/email', { as: who, body: { email: `  ${email} ` } });
    expect(asked.status).toBe(202);
    expect(await asked.json()).toMatchObject({ channel: 'email', sentTo: email });
    const code = await codeSentTo(notify, email);
    expect(code).toMatch(/^\d{5}$/);
    const [message] = await sentTo(notify, email);
    expect(message).toMatchObject({ type: 'email', templateName: 'Security code (email)' });
    expect(message?.body).toContain(`Your security code is ${code}`);
    expect(message?.body).toContain('expires in 30 minutes');
    // Not in use until confirmed.
    expect((await me(who)).contact).toMatchObject({ email: null, emailVerified: false });

    // Stored hashed: neither the code nor its digits in the clear.
    const { resource: pending } = await residents.item('contact-challenge:email', who).read<ContactChallengeDoc>();
    expect(JSON.stringify(pending)).not.toContain(`"${code}"`);
    expect(pending).toMatchObject({ status: 'pending', address: email, wrongTries: 0 });

    const confirmed = await call('POST', 'me/contact/email/confirm', { as: who, body: { code } });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ contact: { email, emailVerified: true } });
    expect((await me(who)).contact).toMatchObject({ email, emailVerified: true });

    // Single use: the same code again finds nothing waiting, and the pending address is gone.
    const again = await call('POST', 'me/contact/email/confirm', { as: who, body: { code } });
    expect(again.status).toBe(409);
    const { resource: used } = await residents.item('contact-challenge:email', who).read<ContactChallengeDoc>();
    expect(used).toMatchObject({ status: 'confirmed', address: null, codeHash: null });

    // Asking again for the address already confirmed is refused on the field.
    const same = await call('POST', 'me/contact/email', { as: who, body: { email } });
    expect(same.status).toBe(422);
    expect((await problemOf(same)).errors).toEqual([
      { pointer: '/email', detail: 'This is already your confirmed email address' },
    ]);
  });

  it('when the code is wrong, then 422 on /code and the right code still works', async () => {
    const who = someone();
    const email = `${who}@example.com`;
    expect((await call('POST', 'me/contact/email', { as: who, body: { email } })).status).toBe(202);
    const code = await codeSentTo(notify, email);
    const wrong = String((Number(code) + 1) % 100_000).padStart(5, '0');
    const res = await call('POST', 'me/contact/email/confirm', { as: who, body: { code: wrong } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect((await problemOf(res)).errors).toEqual([
      { pointer: '/code', detail: 'The security code is not right: check it and try again' },
    ]);
    const malformed = await call('POST', 'me/contact/email/confirm', { as: who, body: { code: '12a45' } });
    expect(malformed.status).toBe(422);
    expect((await problemOf(malformed)).errors?.[0]?.pointer).toBe('/code');
    expect((await call('POST', 'me/contact/email/confirm', { as: who, body: { code } })).status).toBe(200);
  });

  it('when a wrong code is entered 5 times, then the code stops working, even the right one, until a new code is sent', async () => {
    const who = someone();
    const email = `${who}@example.com`;
    expect((await call('POST', 'me/contact/email', { as: who, body: { email } })).status).toBe(202);
    const code = await codeSentTo(notify, email);
    const wrong = String((Number(code) + 7) % 100_000).padStart(5, '0');
    const details: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call('POST', 'me/contact/email/confirm', { as: who, body: { code: wrong } });
      expect(res.status).toBe(422);
      details.push((await problemOf(res)).errors?.[0]?.detail ?? '');
    }
    expect(details.slice(0, 4).every((d) => d.startsWith('The security code is not right'))).toBe(true);
    expect(details[4]).toBe('You entered a wrong code too many times: send a new code');
    const right = await call('POST', 'me/contact/email/confirm', { as: who, body: { code } });
    expect(right.status).toBe(422);
    expect((await problemOf(right)).errors?.[0]?.detail).toBe(
      'You entered a wrong code too many times: send a new code',
    );
    expect((await me(who)).contact.emailVerified).toBe(false);

    expect((await call('POST', 'me/contact/email', { as: who, body: { email } })).status).toBe(202);
    const fresh = await codeSentTo(notify, email, 2);
    expect((await call('POST', 'me/contact/email/confirm', { as: who, body: { code: fresh } })).status).toBe(200);
  });

  it('when a resident changes their email, then the old verified address stays in use until the new one is confirmed', async () => {
    const who = someone();
    const old = `${who}-old@example.com`;
    const next = `${who}-new@example.com`;
    await confirmContact(who, 'email', old);
    expect(
      (await call('PATCH', 'me', { as: who, body: { preferences: { email: true, events: ['status-changed'] } } }))
        .status,
    ).toBe(200);

    expect((await call('POST', 'me/contact/email', { as: who, body: { email: next } })).status).toBe(202);
    const code = await codeSentTo(notify, next);
    expect((await me(who)).contact).toMatchObject({ email: old, emailVerified: true });
    const first = await reportAndChangeStatus(who, 'investigating');
    await waitFor(async () => (await notificationsTo(old)).length === 1, { what: 'the update to the old address' });
    await settled(first, who);
    expect(await notificationsTo(next)).toHaveLength(0);

    expect((await call('POST', 'me/contact/email/confirm', { as: who, body: { code } })).status).toBe(200);
    expect((await me(who)).contact).toMatchObject({ email: next, emailVerified: true });
    const second = await reportAndChangeStatus(who, 'investigating');
    await waitFor(async () => (await notificationsTo(next)).length === 1, { what: 'the update to the new address' });
    await settled(second, who);
    expect(await notificationsTo(old)).toHaveLength(1);
    // Two reports, each waited on until its notifications have settled: more than the default on a busy machine.
  }, 120_000);

  it('when a mobile number is given, then the code goes by text message; a landline or an email set through PATCH is refused', async () => {
    const who = someone();
    const phone = `07700 9${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;
    expect((await call('POST', 'me/contact/phone', { as: who, body: { phone } })).status).toBe(202);
    const to = phone.replace(/\s/g, '');
    const code = await codeSentTo(notify, to);
    const [sms] = await sentTo(notify, to);
    expect(sms).toMatchObject({ type: 'sms', templateName: 'Security code (text)' });
    expect(sms?.body.startsWith(code)).toBe(true);
    expect((await call('POST', 'me/contact/phone/confirm', { as: who, body: { code } })).status).toBe(200);
    expect((await me(who)).contact).toMatchObject({ phone: to, phoneVerified: true });

    const landline = await call('POST', 'me/contact/phone', { as: who, body: { phone: '0117 496 0000' } });
    expect(landline.status).toBe(422);
    expect((await problemOf(landline)).errors?.[0]).toMatchObject({ pointer: '/phone' });
    const patched = await call('PATCH', 'me', { as: who, body: { email: 'sneaky@example.com' } });
    expect(patched.status).toBe(422);
    expect((await problemOf(patched)).errors?.[0]?.pointer).toBe('/email');
    // Removing a contact needs no code.
    const removed = await call('PATCH', 'me', { as: who, body: { phone: null } });
    expect(removed.status).toBe(200);
    expect((await me(who)).contact).toMatchObject({ phone: null, phoneVerified: false });
  });

  it('when no code was asked for, then confirming answers 409', async () => {
    const res = await call('POST', 'me/contact/phone/confirm', { as: someone(), body: { code: '12345' } });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('notifications go only to verified contacts', () => {
  it('when a profile stored before verification existed has an email and phone, then nothing is sent to them until the resident confirms one', async () => {
    const who = someone();
    const email = `${who}@example.com`;
    const phone = `07700${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    const at = new Date().toISOString();
    // As profiles were written before this change: contacts with no verification state.
    const legacy: ProfileDoc = {
      id: 'profile',
      residentId: who,
      kind: 'profile',
      contact: { email, phone },
      preferences: { email: true, sms: true, events: ['status-changed'] },
      createdAt: at,
      updatedAt: at,
    };
    await residents.items.create(legacy);
    expect((await me(who)).contact).toMatchObject({ email, emailVerified: false, phone, phoneVerified: false });

    const first = await reportAndChangeStatus(who, 'investigating');
    await settled(first, who);
    expect(await notificationsTo(email)).toHaveLength(0);
    expect(await notificationsTo(phone)).toHaveLength(0);

    await confirmContact(who, 'email', email);
    const second = await reportAndChangeStatus(who, 'in-progress');
    await waitFor(async () => (await notificationsTo(email)).length === 1, { what: 'the email once confirmed' });
    await settled(second, who);
    expect(await notificationsTo(phone)).toHaveLength(0);
    // Two reports, each waited on until its notifications have settled: more than the default on a busy machine.
  }, 120_000);
});

describe('codes against a controllable clock (real Cosmos DB and GOV.UK Notify stand-in)', () => {
  let clock = Date.parse('2026-11-29T09:00:00Z');
  const deps = (): ContactVerificationDeps => ({
    profiles: cosmosProfileStore(residents),
    challenges: cosmosContactChallengeStore(residents),
    codes: notifyCodeSender(
      govUkNotify({
        baseUrl: settings.GOVUK_NOTIFY_BASE_URL ?? '',
        apiKey: settings.GOVUK_NOTIFY_API_KEY ?? '',
        timeoutMs: 10_000,
      }),
      notifyTemplatesSchema.parse(JSON.parse(settings.GOVUK_NOTIFY_TEMPLATES ?? '{}')),
      codeLifetimeMs / 60_000,
    ),
    now: () => new Date(clock),
  });
  const principal = (sub: string) => ({ sub, issuer: 'resident' as const, roles: new Set(['resident'] as const) });
  const refusal = async (run: Promise<unknown>) => {
    try {
      await run;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected a refusal');
  };

  it('when the code is entered after 30 minutes, then it has expired; a new code works', async () => {
    const who = principal(someone());
    const email = `${who.sub}@example.com`;
    await startContactVerification('email', email, who, deps());
    const code = await codeSentTo(notify, email);
    clock += codeLifetimeMs;
    const expired = await refusal(confirmWithClock('email', code, who, deps()));
    expect(expired.status).toBe(422);
    expect(expired.extras.fieldErrors).toEqual([
      { pointer: '/code', detail: 'The security code has expired: send a new code' },
    ]);
    await startContactVerification('email', email, who, deps());
    const fresh = await codeSentTo(notify, email, 2);
    clock += codeLifetimeMs - 1000;
    const profile = await confirmWithClock('email', fresh, who, deps());
    expect(profile.contact).toMatchObject({ email, emailVerifiedAt: new Date(clock).toISOString() });
  });

  it('when codes are asked for too often, then 429 with Retry-After: 5 an hour and 10 a day per channel', async () => {
    const who = principal(someone());
    const email = `${who.sub}@example.com`;
    for (let i = 0; i < 5; i++) {
      await startContactVerification('email', email, who, deps());
      clock += 60_000;
    }
    const hourly = await refusal(startContactVerification('email', email, who, deps()));
    expect(hourly.status).toBe(429);
    // The first of the five was sent 5 minutes ago: the window frees up 55 minutes from now.
    expect(hourly.extras.retryAfterSeconds).toBe(55 * 60);
    expect((await sentTo(notify, email)).length).toBe(5);
    // The other channel has its own allowance.
    await startContactVerification('sms', '07700900111', who, deps());

    clock += 55 * 60_000;
    for (let i = 0; i < 5; i++) {
      await startContactVerification('email', email, who, deps());
      clock += 60_000;
    }
    clock += 60 * 60_000;
    const daily = await refusal(startContactVerification('email', email, who, deps()));
    expect(daily.status).toBe(429);
    expect((await sentTo(notify, email)).length).toBe(10);
    clock += 24 * 60 * 60_000;
    await startContactVerification('email', email, who, deps());
    expect((await sentTo(notify, email)).length).toBe(11);
  });
});
