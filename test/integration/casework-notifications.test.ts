/**
 * A councillor hears of their enquiries (decision 1052): by email through the GOV.UK Notify
 * stand-in, at the address the workforce directory's `email` claim gives (the local provider
 * puts the dev account's in every workforce token), with a link to the enquiry in the staff
 * workspace. Over HTTP against the local stack; the redelivery cases through the send use
 * case against the same Cosmos DB and Notify stand-in the app uses.
 */
import { CosmosClient } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { devAccount } from '../../local/identity/dev-accounts.js';
import { councillorContacts } from '../../shared/casework/casework.js';
import { cosmosCaseworkStore } from '../../shared/casework/store.js';
import { sendNotification, type NotificationJob } from '../../shared/notifications/notifications.js';
import { govUkNotify } from '../../shared/notifications/notify-client.js';
import { notifyTemplatesSchema } from '../../shared/notifications/templates.js';
import { aServiceRequest, call, staff, tokenFrom } from '../support/api.js';
import { notificationsTo } from '../support/contacts.js';
import { cosmosOf } from '../support/outbox.js';
import { notificationsSettled } from '../support/notifications-settled.js';

const settings = inject('appSettings');
const notifyUrl = inject('govukNotifyUrl');
const cosmos = new CosmosClient({
  endpoint: cosmosOf(settings.CosmosDb).endpoint,
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
const casework = cosmos.database('doorstep').container('casework');
afterAll(() => cosmos.dispose());

/** A councillor of this test's own, so the emails counted are only this test's. */
const aCouncillor = () => {
  const sub = `cllr-${randomUUID().slice(0, 8)}`;
  return { who: { sub, roles: ['councillor'] as const }, email: devAccount(sub).email };
};

const anEnquiry = () => ({
  request: aServiceRequest({ location: { lat: 51.4545, long: -2.5879 } }),
  resident: { name: 'Pat Example', email: 'pat@example.com' },
  consent: { how: 'phone', givenAt: new Date(Date.now() - 3_600_000).toISOString() },
});

async function raise(who: { sub: string; roles: readonly ['councillor'] }) {
  const response = await call('POST', 'councillor/enquiries', { as: who, body: anEnquiry() });
  expect(response.status).toBe(201);
  const enquiry = (await response.json()) as { id: string; requestId: string };
  return { ...enquiry, etag: response.headers.get('etag') ?? '' };
}

async function staffUpdate(requestId: string, etag: string, body: Record<string, unknown>): Promise<string> {
  const response = await call('PATCH', `staff/requests/${requestId}`, {
    as: staff,
    body,
    headers: { 'if-match': etag },
  });
  expect(response.status).toBe(200);
  return response.headers.get('etag') ?? '';
}

const settled = notificationsSettled;

describe('a councillor is told of their enquiries', () => {
  it('when staff respond to an enquiry and then add an update, then the councillor is emailed each, with a link to the enquiry in the staff workspace', async () => {
    const { who, email } = aCouncillor();
    const enquiry = await raise(who);

    // The response that stops the deadline: a status change with a public update.
    const etag = await staffUpdate(enquiry.requestId, enquiry.etag, {
      status: 'investigating',
      publicUpdate: 'An inspector will visit on Tuesday.',
    });
    const [first] = await notificationsTo(email, 1);
    expect(first).toMatchObject({ type: 'email', templateName: 'Councillor enquiry update (email)' });
    expect(first?.subject).toBe('Your enquiry about Pothole: being investigated');
    expect(first?.body).toContain('An inspector will visit on Tuesday.');
    expect(first?.body).toContain(`http://127.0.0.1:3000/staff/councillor/enquiries/${enquiry.id}`);
    expect(first?.body).not.toContain('my-account');

    await staffUpdate(enquiry.requestId, etag, { publicUpdate: 'Booked for repair on Friday.' });
    const sent = await notificationsTo(email, 2);
    expect(sent[1]?.body).toContain('Booked for repair on Friday.');
    // The update that came with the status change was told once, in that email.
    await settled(enquiry.requestId, who.sub);
    expect(await notificationsTo(email)).toHaveLength(2);
  });

  it('when the councillor turns the emails off, then they see it and hear nothing more; turned back on, they hear again', async () => {
    const { who, email } = aCouncillor();
    const enquiry = await raise(who);

    const shown = await call('GET', 'councillor/notifications', { as: who });
    expect(shown.status).toBe(200);
    expect(await shown.json()).toEqual({ email, emailUpdates: true });

    const off = await call('PUT', 'councillor/notifications', { as: who, body: { emailUpdates: false } });
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ email, emailUpdates: false });
    // Viewing an enquiry refreshes the address, never the councillor's choice.
    expect((await call('GET', `councillor/enquiries/${enquiry.id}`, { as: who })).status).toBe(200);
    expect(await (await call('GET', 'councillor/notifications', { as: who })).json()).toEqual({
      email,
      emailUpdates: false,
    });

    const etag = await staffUpdate(enquiry.requestId, enquiry.etag, { status: 'investigating' });
    await settled(enquiry.requestId, who.sub);
    expect(await notificationsTo(email)).toHaveLength(0);

    expect((await call('PUT', 'councillor/notifications', { as: who, body: { emailUpdates: true } })).status).toBe(200);
    await staffUpdate(enquiry.requestId, etag, { status: 'action-scheduled' });
    const [sent] = await notificationsTo(email, 1);
    expect(sent?.subject).toBe('Your enquiry about Pothole: scheduled for action');
  });

  it('when a resident-issuer token claims the councillor role and carries an email, then it cannot see, set or create a councillor contact', async () => {
    const sub = `cllr-${randomUUID().slice(0, 8)}`;
    const token = await tokenFrom('resident', sub, ['councillor']);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const api = (path: string) => `${inject('hostUrl')}/api/${path}`;

    expect((await fetch(api('councillor/notifications'), { headers })).status).toBe(403);
    const put = await fetch(api('councillor/notifications'), {
      method: 'PUT',
      headers,
      body: JSON.stringify({ emailUpdates: true }),
    });
    expect(put.status).toBe(403);
    expect((await fetch(api('councillor/enquiries'), { headers })).status).toBe(403);
    const raised = await fetch(api('councillor/enquiries'), {
      method: 'POST',
      headers,
      body: JSON.stringify(anEnquiry()),
    });
    expect(raised.status).toBe(403);

    const { resources } = await casework.items
      .query({ query: 'SELECT c.id FROM c WHERE c.pk = @pk', parameters: [{ name: '@pk', value: sub }] })
      .fetchAll();
    expect(resources).toEqual([]);
  });
});

describe('a councillor’s update delivered again', () => {
  const templates = notifyTemplatesSchema.parse(JSON.parse(settings.GOVUK_NOTIFY_TEMPLATES ?? '{}'));
  const deps = () => ({
    profiles: { get: () => Promise.resolve(undefined) },
    notify: govUkNotify({ baseUrl: notifyUrl, apiKey: settings.GOVUK_NOTIFY_API_KEY ?? '', timeoutMs: 10_000 }),
    councillors: councillorContacts(
      cosmosCaseworkStore(casework, cosmos.database('doorstep').container('requests')),
      () => new Date(),
    ),
  });
  const aJob = (councillor: string): NotificationJob => {
    const eventId = randomUUID();
    return {
      id: `${eventId}:email:councillor`,
      eventId,
      residentId: councillor,
      kind: 'councillor-update',
      channel: 'email',
      templateId: templates['councillor-update']?.email ?? '',
      personalisation: {
        service_name: 'Pothole',
        reference: 'ABCD1234',
        status: 'in progress',
        update: '',
        link: 'http://127.0.0.1:3000/staff/councillor/enquiries/x',
      },
    };
  };

  it('when the same job is delivered twice, then the councillor is emailed once', async () => {
    const { who, email } = aCouncillor();
    // Opening their notifications page records the directory's address.
    expect((await call('GET', 'councillor/notifications', { as: who })).status).toBe(200);
    const job = aJob(who.sub);
    expect(await sendNotification(job, deps())).toBe('sent');
    expect(await sendNotification(job, deps())).toBe('already-sent');
    const sent = await notificationsTo(email, 1);
    expect(sent.filter((n) => n.reference === job.id)).toHaveLength(1);
  });

  it('when Notify fails the first delivery, then the redelivery sends it', async () => {
    const { who, email } = aCouncillor();
    expect((await call('GET', 'councillor/notifications', { as: who })).status).toBe(200);
    const fail = await fetch(`${notifyUrl}/_control/fail`, {
      method: 'POST',
      // Only this councillor's sends fail: other files share the stand-in.
      body: JSON.stringify({ failNext: 1, failStatus: 500, forRecipient: email }),
    });
    expect(fail.status).toBe(204);
    const job = aJob(who.sub);
    await expect(sendNotification(job, deps())).rejects.toThrow();
    expect(await sendNotification(job, deps())).toBe('sent');
    expect((await notificationsTo(email, 1)).filter((n) => n.reference === job.id)).toHaveLength(1);
  });
});
