/**
 * The Service Bus emulator, driven only through the real `@azure/service-bus` SDK.
 */
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Topology } from '../../shared/messaging/topology.js';
import { waitFor } from '../support/wait.js';
import { startServiceBusEmulator, type ServiceBusEmulator } from '../../local/service-bus/amqp-server.js';

const settings = {
  lockDuration: 'PT30S',
  maxDeliveryCount: 3,
  defaultMessageTimeToLive: 'P1D',
  deadLetteringOnMessageExpiration: true,
} as const;

const testTopology: Topology = {
  queues: [
    {
      ...settings,
      name: 'work',
      description: '',
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'PT10M',
      appAccess: [],
    },
    {
      ...settings,
      name: 'plain',
      description: '',
      requiresDuplicateDetection: false,
      duplicateDetectionHistoryTimeWindow: 'PT10M',
      appAccess: [],
    },
    {
      ...settings,
      name: 'short-locks',
      lockDuration: 'PT1S',
      description: '',
      requiresDuplicateDetection: false,
      duplicateDetectionHistoryTimeWindow: 'PT10M',
      appAccess: [],
    },
  ],
  topics: [
    {
      name: 'events',
      description: '',
      requiresDuplicateDetection: true,
      duplicateDetectionHistoryTimeWindow: 'PT10M',
      defaultMessageTimeToLive: 'P1D',
      appAccess: [],
      subscriptions: [
        { ...settings, name: 'all', description: '', filter: { kind: 'true' }, appReceives: false },
        {
          ...settings,
          name: 'roads',
          description: '',
          filter: { kind: 'sql', expression: "serviceGroup IN ('roads', 'lighting') AND sys.label LIKE 'request.%'" },
          appReceives: false,
        },
        {
          ...settings,
          name: 'payments',
          description: '',
          filter: { kind: 'correlation', subject: 'payment.final', applicationProperties: { eventFamily: 'payment' } },
          appReceives: false,
        },
      ],
    },
  ],
};

let emulator: ServiceBusEmulator;
let client: ServiceBusClient;

beforeAll(async () => {
  emulator = await startServiceBusEmulator({ topology: testTopology, log: () => undefined });
  client = new ServiceBusClient(emulator.connectionString);
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});
beforeEach(() => {
  emulator.broker.purgeAll();
});

async function receiveOne(
  entity: string,
  options: { subQueueType?: 'deadLetter' } = {},
): Promise<ServiceBusReceivedMessage | undefined> {
  const receiver = client.createReceiver(entity, options);
  const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1500 });
  await receiver.close();
  return m;
}

describe('Service Bus emulator, through @azure/service-bus', () => {
  it('when a message is sent and received in peek-lock, then completing it removes it', async () => {
    const sender = client.createSender('work');
    await sender.sendMessages({
      body: { hello: 'world' },
      messageId: 'm-1',
      subject: 'greeting',
      applicationProperties: { n: 7 },
    });
    const receiver = client.createReceiver('work');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(m?.body).toEqual({ hello: 'world' });
    expect(m?.messageId).toBe('m-1');
    expect(m?.subject).toBe('greeting');
    expect(m?.applicationProperties).toEqual({ n: 7 });
    expect(m?.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(m?.sequenceNumber?.toNumber()).toBeGreaterThan(0);
    expect(m?.lockedUntilUtc?.getTime()).toBeGreaterThan(Date.now());
    expect(m?.deliveryCount).toBe(0);
    await receiver.completeMessage(m as ServiceBusReceivedMessage);
    expect(await receiver.peekMessages(10)).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('when a batch of messages is sent, then each arrives in order', async () => {
    const sender = client.createSender('plain');
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 5; i++) expect(batch.tryAddMessage({ body: `m${i}` })).toBe(true);
    await sender.sendMessages(batch);
    await sender.sendMessages([{ body: 'm5' }, { body: 'm6' }]);
    const receiver = client.createReceiver('plain', { receiveMode: 'receiveAndDelete' });
    const got: unknown[] = [];
    while (got.length < 7) {
      const ms = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 });
      if (ms.length === 0) break;
      got.push(...ms.map((m) => m.body as unknown));
    }
    expect(got).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    await receiver.close();
  });

  it('when one receiver settles more messages than the AMQP session window (2048), then it keeps receiving', async () => {
    const sender = client.createSender('plain');
    const total = 2300;
    for (let i = 0; i < total; i += 100)
      await sender.sendMessages(Array.from({ length: 100 }, (_, j) => ({ body: i + j })));
    const receiver = client.createReceiver('plain');
    let completed = 0;
    while (completed < total) {
      const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 1000 });
      if (batch.length === 0) break;
      await Promise.all(batch.map((m) => receiver.completeMessage(m)));
      completed += batch.length;
    }
    expect(completed).toBe(total);
    await receiver.close();
  });

  it('when received in receive-and-delete mode, then the message is gone without settlement', async () => {
    await client.createSender('plain').sendMessages({ body: 'once' });
    const receiver = client.createReceiver('plain', { receiveMode: 'receiveAndDelete' });
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(m?.body).toBe('once');
    expect(m?.lockToken).toBeUndefined();
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.close();
  });

  it('when a message is abandoned, then it is redelivered with a higher delivery count, and dead-lettered after the max delivery count', async () => {
    await client.createSender('plain').sendMessages({ body: 'poison' });
    const receiver = client.createReceiver('plain');
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
      expect(m).toBeDefined();
      counts.push(m?.deliveryCount ?? -1);
      await receiver.abandonMessage(m as ServiceBusReceivedMessage);
    }
    expect(counts).toEqual([0, 1, 2]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    const dead = await receiveOne('plain', { subQueueType: 'deadLetter' });
    expect(dead?.body).toBe('poison');
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    await receiver.close();
  });

  it('when a message is dead-lettered with a reason, then the dead-letter subqueue holds it with that reason', async () => {
    await client.createSender('plain').sendMessages({ body: { bad: true } });
    const receiver = client.createReceiver('plain');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.deadLetterMessage(m as ServiceBusReceivedMessage, {
      deadLetterReason: 'SchemaInvalid',
      deadLetterErrorDescription: 'status is required',
    });
    const dead = await receiveOne('plain', { subQueueType: 'deadLetter' });
    expect(dead?.body).toEqual({ bad: true });
    expect(dead?.deadLetterReason).toBe('SchemaInvalid');
    expect(dead?.deadLetterErrorDescription).toBe('status is required');
    await receiver.close();
  });

  it('when a message is deferred, then it is only received by sequence number, and can be completed', async () => {
    await client.createSender('plain').sendMessages({ body: 'later' });
    const receiver = client.createReceiver('plain');
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    const seq = m?.sequenceNumber;
    await receiver.deferMessage(m as ServiceBusReceivedMessage);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    const [peeked] = await receiver.peekMessages(1);
    expect(peeked?.state).toBe('deferred');
    const [deferred] = await receiver.receiveDeferredMessages(seq as NonNullable<typeof seq>);
    expect(deferred?.body).toBe('later');
    expect(deferred?.lockToken).toBeDefined();
    await receiver.completeMessage(deferred as ServiceBusReceivedMessage);
    expect(await receiver.peekMessages(5)).toHaveLength(0);
    await receiver.close();
  });

  it('when a lock is renewed, then it runs for another lock duration', async () => {
    await client.createSender('short-locks').sendMessages({ body: 'slow work' });
    const receiver = client.createReceiver('short-locks', { maxAutoLockRenewalDurationInMs: 0 });
    const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    const firstUntil = m?.lockedUntilUtc?.getTime() ?? 0;
    // Renewed as soon as the clock has moved past the first lock's start (so the renewal is later), not after a
    // fixed pause a stalled machine could stretch past the first lock.
    await waitFor(() => Date.now() > firstUntil - 1000);
    const renewed = await receiver.renewMessageLock(m as ServiceBusReceivedMessage);
    expect(renewed.getTime()).toBeGreaterThan(firstUntil);
    await waitFor(() => Date.now() > firstUntil);
    // Past the first lock's end but within the renewed one: still completable.
    await receiver.completeMessage(m as ServiceBusReceivedMessage);
    await receiver.close();
  });

  it('when a lock expires, then the message is delivered again and the old lock can no longer settle it', async () => {
    await client.createSender('short-locks').sendMessages({ body: 'forgotten' });
    const receiver = client.createReceiver('short-locks', { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    // Comes back once the lock has expired, however long that takes the emulator to notice.
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 20_000 });
    expect(second?.body).toBe('forgotten');
    expect(second?.deliveryCount).toBe(1);
    await expect(receiver.completeMessage(first as ServiceBusReceivedMessage)).rejects.toMatchObject({
      code: 'MessageLockLost',
    });
    await receiver.completeMessage(second as ServiceBusReceivedMessage);
    await receiver.close();
  });

  it('when a message is scheduled, then it is invisible until its time, and a cancelled one never arrives', async () => {
    const sender = client.createSender('plain');
    const at = new Date(Date.now() + 800);
    const [keep, cancel] = await sender.scheduleMessages([{ body: 'scheduled' }, { body: 'cancelled' }], at);
    expect(keep?.toNumber()).toBeGreaterThan(0);
    await sender.cancelScheduledMessages(cancel as NonNullable<typeof cancel>);
    const receiver = client.createReceiver('plain', { receiveMode: 'receiveAndDelete' });
    const [peeked] = await receiver.peekMessages(5);
    expect(peeked?.state).toBe('scheduled');
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toHaveLength(0);
    const got = await receiver.receiveMessages(1, { maxWaitTimeInMs: 20_000 });
    expect(got.map((m) => m.body as unknown)).toEqual(['scheduled']);
    // Not late: the cancelled one is nowhere on the queue, scheduled or not.
    expect(await receiver.peekMessages(5)).toHaveLength(0);
    await sender.close();
    await receiver.close();
  });

  it('when a message carries a scheduled enqueue time, then it arrives only after it', async () => {
    await client
      .createSender('plain')
      .sendMessages({ body: 'timed', scheduledEnqueueTimeUtc: new Date(Date.now() + 700) });
    const receiver = client.createReceiver('plain', { receiveMode: 'receiveAndDelete' });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toHaveLength(0);
    const got = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(got[0]?.body).toBe('timed');
    await receiver.close();
  });

  it('when peeking, then messages are returned in order without being locked', async () => {
    await client.createSender('plain').sendMessages([{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
    const receiver = client.createReceiver('plain');
    const peeked = await receiver.peekMessages(2);
    expect(peeked.map((m) => m.body as unknown)).toEqual(['a', 'b']);
    const rest = await receiver.peekMessages(5);
    expect(rest.map((m) => m.body as unknown)).toEqual(['c']);
    const received = await receiver.receiveMessages(3, { maxWaitTimeInMs: 1000 });
    expect(received).toHaveLength(3);
    await receiver.close();
  });

  it('when a message outlives its time to live, then it is dead-lettered as expired', async () => {
    await client.createSender('plain').sendMessages({ body: 'stale', timeToLive: 200 });
    const dead = await waitFor(() => receiveOne('plain', { subQueueType: 'deadLetter' }), {
      what: 'the expired message to be dead-lettered',
    });
    // Moved, not copied: the queue no longer holds it.
    const peeker = client.createReceiver('plain');
    expect((await peeker.peekMessages(10)).filter((m) => m.body === 'stale')).toHaveLength(0);
    await peeker.close();
    expect(dead.body).toBe('stale');
    expect(dead.deadLetterReason).toBe('TTLExpiredException');
  });

  it('when the same message id is sent twice within the window, then only one copy is stored', async () => {
    const sender = client.createSender('work');
    await sender.sendMessages({ body: 'first', messageId: 'evt-42' });
    await sender.sendMessages({ body: 'second', messageId: 'evt-42' });
    await sender.sendMessages({ body: 'other', messageId: 'evt-43' });
    const receiver = client.createReceiver('work', { receiveMode: 'receiveAndDelete' });
    const got = await receiver.receiveMessages(5, { maxWaitTimeInMs: 800 });
    expect(got.map((m) => m.body as unknown)).toEqual(['first', 'other']);
    await receiver.close();
  });

  it('when duplicate detection is off, then the same message id is stored twice', async () => {
    const sender = client.createSender('plain');
    await sender.sendMessages({ body: 1, messageId: 'same' });
    await sender.sendMessages({ body: 2, messageId: 'same' });
    const receiver = client.createReceiver('plain', { receiveMode: 'receiveAndDelete' });
    expect(await receiver.receiveMessages(5, { maxWaitTimeInMs: 800 })).toHaveLength(2);
    await receiver.close();
  });

  it('when a topic receives messages, then each subscription gets only what its filter matches', async () => {
    const sender = client.createSender('events');
    await sender.sendMessages([
      { body: 'pothole', subject: 'request.submitted', applicationProperties: { serviceGroup: 'roads' } },
      { body: 'bin', subject: 'request.submitted', applicationProperties: { serviceGroup: 'waste' } },
      { body: 'paid', subject: 'payment.final', applicationProperties: { eventFamily: 'payment' } },
      { body: 'lamp-note', subject: 'note', applicationProperties: { serviceGroup: 'lighting' } },
    ]);
    const read = async (sub: string) => {
      const r = client.createReceiver('events', sub, { receiveMode: 'receiveAndDelete' });
      const ms = await r.receiveMessages(10, { maxWaitTimeInMs: 600 });
      await r.close();
      return ms.map((m) => m.body as unknown);
    };
    expect(await read('all')).toEqual(['pothole', 'bin', 'paid', 'lamp-note']);
    expect(await read('roads')).toEqual(['pothole']);
    expect(await read('payments')).toEqual(['paid']);
  });

  it('when a subscription message is abandoned past the max delivery count, then it lands in that subscription’s dead-letter queue', async () => {
    await client
      .createSender('events')
      .sendMessages({ body: 'x', subject: 'request.submitted', applicationProperties: { serviceGroup: 'roads' } });
    const receiver = client.createReceiver('events', 'roads');
    for (let i = 0; i < 3; i++) {
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
      await receiver.abandonMessage(m as ServiceBusReceivedMessage);
    }
    await receiver.close();
    const dlq = client.createReceiver('events', 'roads', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead?.body).toBe('x');
    await dlq.close();
  });

  it('when a receiver subscribes, then messages stream to its handler as they arrive', async () => {
    const receiver = client.createReceiver('plain');
    const seen: unknown[] = [];
    const done = new Promise<void>((resolve) => {
      receiver.subscribe(
        {
          processMessage: async (m) => {
            seen.push(m.body);
            await receiver.completeMessage(m);
            if (seen.length === 3) resolve();
          },
          processError: async () => undefined,
        },
        { autoCompleteMessages: false },
      );
    });
    const sender = client.createSender('plain');
    for (const body of ['one', 'two', 'three']) await sender.sendMessages({ body });
    await done;
    expect(seen).toEqual(['one', 'two', 'three']);
    await receiver.close();
    expect(await client.createReceiver('plain').peekMessages(5)).toHaveLength(0);
  });

  it('when the entity does not exist, then sending fails with MessagingEntityNotFound', async () => {
    const sender = client.createSender('no-such-queue');
    await expect(sender.sendMessages({ body: 'lost' })).rejects.toMatchObject({ code: 'MessagingEntityNotFound' });
    await sender.close();
  });
});
