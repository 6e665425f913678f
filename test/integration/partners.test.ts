import { ServiceBusClient, type ServiceBusMessage, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { BackOfficeId } from '../../shared/catalogue/back-offices.js';
import { partnerInboundQueue } from '../../shared/messaging/topology.js';
import { partnerMessageSchemaId } from '../../shared/partners/contract.js';
import { partnerTimelineBounds } from '../../shared/service-requests/timeline.js';
import { aServiceRequest, call, staff } from '../support/api.js';
import { messagesAbout, peekAll } from '../support/service-bus.js';
import { waitFor } from '../support/wait.js';

const bus = new ServiceBusClient(inject('appSettings').ServiceBus ?? '');
afterAll(() => bus.close());

interface DispatchView {
  state: string;
  backOffice: string;
  attempts: number;
  partnerReference: string | null;
}
interface StaffView {
  status: string;
  timeline: { kind: string; status?: string; text?: string; by: string; photoUrl?: string }[];
  dispatch: DispatchView | null;
}

async function report(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await call('POST', 'requests', {
    as: `resident-${randomUUID().slice(0, 8)}`,
    body: aServiceRequest(overrides),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function staffView(id: string): Promise<StaffView> {
  const res = await call('GET', `requests/${id}`, { as: staff });
  expect(res.status).toBe(200);
  return (await res.json()) as StaffView;
}

/** Polls the staff view until `done` holds (the change feed and timers are asynchronous). */
const until = (id: string, done: (v: StaffView) => boolean): Promise<StaffView> =>
  waitFor(
    async () => {
      const view = await staffView(id);
      return done(view) ? view : undefined;
    },
    { what: `request ${id} to reach the expected state` },
  );

/** Runs the partner-inbound drain now, through the host's admin endpoint, as an operator would. */
async function drain(): Promise<void> {
  const res = await fetch(`${inject('hostUrl')}/admin/functions/partner-inbound`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(202);
}

/** Sends as a back office: on its own queue, which is what says who sent it. */
async function sendAs(office: BackOfficeId, ...messages: ServiceBusMessage[]): Promise<void> {
  const sender = bus.createSender(partnerInboundQueue(office));
  await sender.sendMessages(messages);
  await sender.close();
}

const sendPartner = (...messages: ServiceBusMessage[]) => sendAs('highways-contractor', ...messages);

const partnerMessage = (body: Record<string, unknown>, messageId = randomUUID()): ServiceBusMessage => ({
  messageId,
  contentType: 'application/json',
  body: { schema: partnerMessageSchemaId, partner: 'highways-contractor', sentAt: new Date().toISOString(), ...body },
});

const workOrdersFor = (requestId: string, subscription: string, atLeast = 0) =>
  messagesAbout('work-orders', subscription, requestId, { atLeast, marker: { to: subscription } });

/** Everything in a back office's dead-letter queue, by message id, without settling anything (peek). */
async function deadLetters(
  office: BackOfficeId = 'highways-contractor',
): Promise<Map<string, ServiceBusReceivedMessage>> {
  const receiver = bus.createReceiver(partnerInboundQueue(office), { subQueueType: 'deadLetter' });
  const found = new Map<string, ServiceBusReceivedMessage>();
  try {
    // Each peek continues where the last one stopped.
    for (let page = await receiver.peekMessages(100); page.length > 0; page = await receiver.peekMessages(100))
      for (const m of page) found.set(String(m.messageId), m);
    return found;
  } finally {
    await receiver.close();
  }
}

describe('dispatch to back offices', () => {
  it('sends a new request to its back office as a work order, once, and shows staff the send state', async () => {
    const id = await report();
    const view = await until(id, (v) => v.dispatch?.state === 'sent');
    expect(view.dispatch).toMatchObject({ state: 'sent', backOffice: 'highways-contractor', attempts: 1 });
    const [highways, waste] = await Promise.all([
      workOrdersFor(id, 'highways-contractor', 1),
      // Already sent (the dispatch says so): had it gone to the waste contractor, it would be there.
      workOrdersFor(id, 'waste-contractor'),
    ]);
    expect(highways).toHaveLength(1);
    expect(waste).toHaveLength(0);
    const order = highways[0]?.body as Record<string, unknown>;
    expect(order).toMatchObject({
      requestId: id,
      serviceCode: 'pothole',
      replyTo: 'partner-inbound-highways-contractor',
    });
    expect(highways[0]?.messageId).toBe(`work-order:${id}.1`);
    expect(JSON.stringify(order)).not.toContain('resident-');

    const other = await call('GET', `requests/${id}`, { as: 'someone-else' });
    expect(other.status).toBe(404);
  });

  it('lets staff resend a work order, which goes out again under a new id', async () => {
    const id = await report({
      serviceCode: 'fly-tipping',
      attributes: { what: ['tyres'], amount: 'car_boot', hazardous: 'no' },
    });
    await until(id, (v) => v.dispatch?.state === 'sent');
    const asResident = await call('POST', `staff/requests/${id}/dispatch`, { as: 'nosy' });
    expect(asResident.status).toBe(403);
    const resent = await call('POST', `staff/requests/${id}/dispatch`, { as: staff });
    expect(resent.status).toBe(202);
    const view = await until(id, (v) => v.dispatch?.state === 'sent' && v.dispatch.attempts === 1);
    expect(view.dispatch?.backOffice).toBe('waste-contractor');
    const orders = await workOrdersFor(id, 'waste-contractor', 2);
    expect(orders.map((o) => o.messageId).sort()).toEqual([`work-order:${id}.1`, `work-order:${id}.2`]);
    const list = await call('GET', 'staff/dispatches?state=sent&pageSize=100', { as: staff });
    expect(list.status).toBe(200);
  });
});

describe('partner-inbound', () => {
  it('applies an acknowledgement, a status change by the partner reference, and a completion with a photo', async () => {
    const id = await report();
    await until(id, (v) => v.dispatch?.state === 'sent');
    const ref = `HW-${randomUUID().slice(0, 8)}`;
    await sendPartner(partnerMessage({ kind: 'acknowledged', requestId: id, partnerReference: ref }));
    await drain();
    let view = await until(id, (v) => v.dispatch?.state === 'acknowledged');
    expect(view.dispatch?.partnerReference).toBe(ref);

    await sendPartner(
      partnerMessage({
        kind: 'status-change',
        partnerReference: ref,
        status: 'action-scheduled',
        publicUpdate: 'Gang booked for Tuesday.',
      }),
    );
    await drain();
    view = await until(id, (v) => v.status === 'action-scheduled');
    expect(view.timeline.at(-1)).toMatchObject({
      kind: 'status',
      status: 'action-scheduled',
      by: 'partner',
      text: 'Gang booked for Tuesday.',
    });

    await sendPartner(
      partnerMessage({
        kind: 'completion',
        requestId: id,
        notes: 'Patched and sealed.',
        photoUrl: 'https://contractor.example.com/p/1.jpg',
      }),
    );
    await drain();
    view = await until(id, (v) => v.status === 'fixed');
    expect(view.timeline.at(-1)).toMatchObject({
      status: 'fixed',
      by: 'partner',
      photoUrl: 'https://contractor.example.com/p/1.jpg',
    });
  });

  it('applies a whole sequence sent in one batch, in order, though later messages name the reference the first one gives', async () => {
    const id = await report();
    await until(id, (v) => v.dispatch?.state === 'sent');
    const ref = `HW-${randomUUID().slice(0, 8)}`;
    await sendPartner(
      partnerMessage({ kind: 'acknowledged', requestId: id, partnerReference: ref }),
      partnerMessage({
        kind: 'status-change',
        partnerReference: ref,
        status: 'action-scheduled',
        updateId: `${ref}/1`,
      }),
      partnerMessage({ kind: 'status-change', partnerReference: ref, status: 'in-progress', updateId: `${ref}/2` }),
      partnerMessage({ kind: 'completion', partnerReference: ref, notes: 'Done.', updateId: `${ref}/3` }),
    );
    await drain();
    const view = await until(id, (v) => v.status === 'fixed');
    expect(view.timeline.filter((t) => t.by === 'partner').map((t) => t.status)).toEqual([
      'action-scheduled',
      'in-progress',
      'fixed',
    ]);
    expect(view.dispatch).toMatchObject({ state: 'acknowledged', partnerReference: ref });
  });

  it('holds back an update whose reference is not known yet, and applies it once the acknowledgement arrives', async () => {
    const id = await report();
    await until(id, (v) => v.dispatch?.state === 'sent');
    const ref = `HW-${randomUUID().slice(0, 8)}`;
    await sendPartner(partnerMessage({ kind: 'status-change', partnerReference: ref, status: 'in-progress' }));
    await drain();
    expect((await staffView(id)).status).toBe('submitted');
    await sendPartner(partnerMessage({ kind: 'acknowledged', requestId: id, partnerReference: ref }));
    await drain();
    await drain();
    expect((await until(id, (v) => v.status === 'in-progress')).status).toBe('in-progress');
  });

  it('applies a duplicate once: the same message id twice, and the same update id in two messages', async () => {
    const id = await report();
    await until(id, (v) => v.dispatch?.state === 'sent');
    const before = (await staffView(id)).timeline.length;
    const same = partnerMessage({ kind: 'public-update', requestId: id, text: 'Inspector visiting today.' });
    await sendPartner(same);
    await sendPartner(same);
    await sendPartner(
      partnerMessage({ kind: 'public-update', requestId: id, text: 'Cones placed.', updateId: 'U-1' }),
      partnerMessage({ kind: 'public-update', requestId: id, text: 'Cones placed.', updateId: 'U-1' }),
    );
    await drain();
    await drain();
    // Settled, not a while later: once none of these messages is left on the queue (locked or
    // not), every one of them was applied or dropped, so nothing more can change the timeline.
    await waitFor(
      async () =>
        (
          await peekAll(
            inject('appSettings').ServiceBus ?? '',
            { queue: partnerInboundQueue('highways-contractor') },
            (m) => JSON.stringify(m.body).includes(id),
          )
        ).length === 0,
      { what: 'the partner messages to be settled' },
    );
    const view = await until(id, (v) => v.timeline.length >= before + 2);
    const texts = (await staffView(id)).timeline.slice(before).map((t) => t.text);
    expect(texts.sort()).toEqual(['Cones placed.', 'Inspector visiting today.']);
    expect(view.timeline.length).toBe(before + 2);
  });

  it('dead-letters messages that can never apply, each with a reason, and changes nothing', async () => {
    const id = await report();
    await until(id, (v) => v.dispatch?.state === 'sent');
    const cases: [ServiceBusMessage, string][] = [
      [{ messageId: randomUUID(), body: 'not json {', contentType: 'text/plain' }, 'InvalidJson'],
      [partnerMessage({ kind: 'public-update', requestId: id, text: 'x', colour: 'red' }), 'SchemaValidationFailed'],
      [partnerMessage({ kind: 'status-change', requestId: id, status: 'demolished' }), 'SchemaValidationFailed'],
      [partnerMessage({ kind: 'public-update', requestId: randomUUID(), text: 'Who?' }), 'UnknownRequest'],
      [
        partnerMessage({ kind: 'public-update', requestId: id, text: 'Not me', partner: 'waste-contractor' }),
        'PartnerMismatch',
      ],
      [partnerMessage({ kind: 'status-change', requestId: id, status: 'fixed' }), ''],
      [partnerMessage({ kind: 'status-change', requestId: id, status: 'action-scheduled' }), 'TransitionNotAllowed'],
    ];
    const before = await staffView(id);
    // Sent one by one: the valid "fixed" must land before the impossible "fixed → action-scheduled".
    for (const [message] of cases) {
      await sendPartner(message);
      await drain();
    }
    const dead = await deadLetters();
    for (const [message, reason] of cases) {
      if (!reason) continue;
      const entry = dead.get(String(message.messageId));
      expect(entry?.deadLetterReason, reason).toBe(reason);
      expect(entry?.deadLetterErrorDescription).toBeTruthy();
    }
    const after = await staffView(id);
    expect(after.status).toBe('fixed');
    expect(after.timeline.length).toBe(before.timeline.length + 1);
  });

  it('when the waste contractor tries to complete a highways job from its own queue, then it is dead-lettered and the job is unchanged', async () => {
    const id = await report();
    await until(id, (v) => v.dispatch?.state === 'sent');
    // Naming the highways contractor in the body does not make it so: the queue is the sender.
    const claiming = partnerMessage({ kind: 'completion', requestId: id, notes: 'Done, honest.' });
    const plain = partnerMessage({ kind: 'completion', requestId: id, notes: 'Done.' });
    delete (plain.body as Record<string, unknown>).partner;
    await sendAs('waste-contractor', claiming, plain);
    await drain();
    const dead = await deadLetters('waste-contractor');
    expect(dead.get(String(claiming.messageId))?.deadLetterReason).toBe('PartnerMismatch');
    expect(dead.get(String(plain.messageId))?.deadLetterReason).toBe('NotSentToThisPartner');
    const view = await staffView(id);
    expect(view.status).toBe('submitted');
    expect(view.timeline.filter((t) => t.by === 'partner')).toEqual([]);
  });

  it('when a second acknowledgement names another reference, then it is dead-lettered and the reference stays; a repeat is a no-op; after a staff resend the partner acknowledges afresh', async () => {
    const id = await report();
    await until(id, (v) => v.dispatch?.state === 'sent');
    const ref = `HW-${randomUUID().slice(0, 8)}`;
    await sendPartner(partnerMessage({ kind: 'acknowledged', requestId: id, partnerReference: ref }));
    await drain();
    await until(id, (v) => v.dispatch?.partnerReference === ref);

    const repoint = partnerMessage({ kind: 'acknowledged', requestId: id, partnerReference: `${ref}-X` });
    const repeat = partnerMessage({ kind: 'acknowledged', requestId: id, partnerReference: ref });
    await sendPartner(repoint, repeat);
    await drain();
    const dead = await deadLetters();
    expect(dead.get(String(repoint.messageId))?.deadLetterReason).toBe('ReferenceAlreadyAcknowledged');
    expect(dead.has(String(repeat.messageId))).toBe(false);
    expect((await staffView(id)).dispatch).toMatchObject({ state: 'acknowledged', partnerReference: ref });

    // The old reference still names the job.
    await sendPartner(partnerMessage({ kind: 'status-change', partnerReference: ref, status: 'in-progress' }));
    await drain();
    await until(id, (v) => v.status === 'in-progress');

    // Staff resend the work order: the back office may give the new one its own reference.
    expect((await call('POST', `staff/requests/${id}/dispatch`, { as: staff })).status).toBe(202);
    await until(id, (v) => v.dispatch?.state === 'sent');
    await sendPartner(partnerMessage({ kind: 'acknowledged', requestId: id, partnerReference: `${ref}-2` }));
    await drain();
    expect((await until(id, (v) => v.dispatch?.partnerReference === `${ref}-2`)).dispatch?.state).toBe('acknowledged');
  });

  it('when a partner sends more updates to one job in a day than allowed, then the extra is dead-lettered and staff can still update', async () => {
    const id = await report();
    await until(id, (v) => v.dispatch?.state === 'sent');
    const { perDay } = partnerTimelineBounds;
    const messages = Array.from({ length: perDay + 1 }, (_, i) =>
      partnerMessage({ kind: 'public-update', requestId: id, text: `Update ${i + 1}`, updateId: `flood-${i}` }),
    );
    await sendPartner(...messages);
    await drain();
    await until(id, (v) => v.timeline.filter((t) => t.by === 'partner').length >= perDay);
    await drain();
    const extra = messages.at(-1);
    const deadline = Date.now() + 8000;
    let reason: string | undefined;
    while (reason === undefined && Date.now() < deadline) {
      reason = (await deadLetters()).get(String(extra?.messageId))?.deadLetterReason;
      if (reason === undefined) await drain();
    }
    expect(reason).toBe('TooManyUpdates');
    const view = await staffView(id);
    expect(view.timeline.filter((t) => t.by === 'partner')).toHaveLength(perDay);

    const res = await call('GET', `requests/${id}`, { as: staff });
    const etag = res.headers.get('etag') ?? '';
    const patched = await call('PATCH', `staff/requests/${id}`, {
      as: staff,
      headers: { 'if-match': etag },
      body: { publicUpdate: 'The council is looking at this.' },
    });
    expect(patched.status).toBe(200);
  });
});
