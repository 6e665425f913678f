import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { aServiceRequest, call, staff } from '../support/api.js';
import { confirmContact, notificationsTo } from '../support/contacts.js';
import { notificationsSettled } from '../support/notifications-settled.js';

const notify = inject('govukNotifyUrl');

const sentTo = notificationsTo;

const settled = notificationsSettled;

async function resident(preferences: Record<string, unknown>) {
  const who = `resident-${randomUUID().slice(0, 8)}`;
  const email = `${who}@example.com`;
  const phone = `07700 9${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;
  // Notifications go only to confirmed contacts (decision 0900).
  await Promise.all([confirmContact(who, 'email', email), confirmContact(who, 'phone', phone)]);
  const res = await call('PATCH', 'me', { as: who, body: { preferences } });
  expect(res.status).toBe(200);
  return { who, email, phone: phone.replace(/\s/g, '') };
}

async function reportAndUpdate(who: string, ...updates: Record<string, unknown>[]) {
  const created = await call('POST', 'requests', { as: who, body: aServiceRequest() });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  let etag = created.headers.get('etag') ?? '';
  for (const update of updates) {
    // The request flow never waits for Notify: shown without a clock by the retry case below,
    // where this PATCH answers 200 while Notify is failing.
    const res = await call('PATCH', `staff/requests/${id}`, { as: staff, body: update, headers: { 'if-match': etag } });
    expect(res.status).toBe(200);
    etag = res.headers.get('etag') ?? '';
  }
  return id;
}

describe('resident notifications through GOV.UK Notify', () => {
  it('sends an email and a text for a status change to a resident who chose both, with the template filled', async () => {
    const r = await resident({ email: true, sms: true, events: ['status-changed', 'update-added'] });
    const id = await reportAndUpdate(r.who, { status: 'investigating', publicUpdate: 'An inspector will visit.' });
    const [email] = await sentTo(r.email, 1);
    const [sms] = await sentTo(r.phone, 1);
    expect(email).toMatchObject({ type: 'email', templateName: 'Report status changed (email)' });
    expect(email?.subject).toBe('Your Pothole report: being investigated');
    expect(email?.body).toContain(id.slice(0, 8).toUpperCase());
    expect(email?.body).toContain('An inspector will visit.');
    expect(email?.body).toContain(`http://127.0.0.1:3000/my-account/requests/${id}`);
    expect(sms).toMatchObject({ type: 'sms', templateName: 'Report status changed (text)' });
    // The update came with the status change: it is not sent a second time.
    await settled(id, r.who);
    expect(await sentTo(r.email)).toHaveLength(1);
  });

  it('follows preferences: email only, only the chosen events, and nothing for a resident who opted out', async () => {
    const emailOnly = await resident({ email: true, sms: false, events: ['update-added'] });
    const first = await reportAndUpdate(
      emailOnly.who,
      { status: 'investigating' },
      { publicUpdate: 'Booked for Friday.' },
    );
    await sentTo(emailOnly.email, 1);
    await settled(first, emailOnly.who);
    const sent = await sentTo(emailOnly.email);
    expect(sent.map((n) => n.templateName)).toEqual(['Report update (email)']);
    expect(await sentTo(emailOnly.phone)).toHaveLength(0);

    const optedOut = await resident({ email: false, sms: false });
    const second = await reportAndUpdate(optedOut.who, { status: 'investigating', publicUpdate: 'Hello' });
    await settled(second, optedOut.who);
    expect(await sentTo(optedOut.email)).toHaveLength(0);
    expect(await sentTo(optedOut.phone)).toHaveLength(0);
  });

  it('retries when Notify is failing, and sends once it recovers', async () => {
    const r = await resident({ email: true, sms: false, events: ['status-changed'] });
    const fail = await fetch(`${notify}/_control/fail`, {
      method: 'POST',
      // Only this resident's sends fail: other files share the stand-in (two run at a time).
      body: JSON.stringify({ failNext: 3, failStatus: 500, forRecipient: r.email }),
    });
    expect(fail.status).toBe(204);
    await reportAndUpdate(r.who, { status: 'in-progress' });
    const sent = await sentTo(r.email, 1);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toBe('Your Pothole report: in progress');
    // Notify refused the first three attempts: the job was delivered again until it went through.
    expect(((await (await fetch(`${notify}/_control/fail`)).json()) as { failNext: number }).failNext).toBe(0);
  });
});
