/**
 * The local Functions host's trigger semantics, with a fixture app, against the
 * embedded Service Bus emulator through the real SDK.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTriggerClients, startFunctionsHost, type FunctionsHost } from '../../local/host/functions-host.js';
import { freePorts, startLocalStack, type LocalStack } from '../../local/stack.js';
import type { Seen } from '../fixtures/trigger-app.js';
import { peekAll } from '../support/service-bus.js';
import { waitFor } from '../support/wait.js';

let stack: LocalStack;
let host: FunctionsHost;
let client: ServiceBusClient;
const seen = () => (globalThis as Record<symbol, unknown>)[Symbol.for('doorstep.test.trigger-app')] as Seen;

const eventually = async (check: () => boolean): Promise<void> => {
  await waitFor(check);
};

/** Nothing left on the entity, locked or not: every delivered message was settled. */
const drained = (entity: { queue: string } | { topic: string; subscription: string }) =>
  waitFor(async () => (await peekAll(stack.appSettings.ServiceBus ?? '', entity)).length === 0, {
    what: 'the entity to be drained',
  });

beforeAll(async () => {
  stack = await startLocalStack({
    ports: freePorts,
    log: () => undefined,
  });
  Object.assign(process.env, stack.appSettings);
  host = await startFunctionsHost({
    entry: join(import.meta.dirname, '../fixtures/trigger-app.ts'),
    port: 0,
    log: () => undefined,
  });
  client = new ServiceBusClient(stack.appSettings.ServiceBus ?? '');
});
afterAll(async () => {
  await client.close();
  await host.close();
  await closeTriggerClients();
  await stack.close();
});

describe('local Functions host', () => {
  it('serves HTTP triggers with route parameters, query and body', async () => {
    const response = await fetch(`${host.url}/api/echo/42?q=pothole`, {
      method: 'POST',
      body: JSON.stringify({ a: 1 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-echo')).toBe('42');
    expect(await response.json()).toEqual({ id: 42, q: 'pothole', body: { a: 1 } });
    expect((await fetch(`${host.url}/api/echo/not-a-number`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${host.url}/api/echo/42`, { method: 'GET' })).status).toBe(404);
  });

  it('when a queue handler succeeds, then the message is completed and not seen again', async () => {
    await client.createSender('notifications').sendMessages({ body: { hello: 1 }, messageId: 'ok-1' });
    await eventually(() => seen().queue.some((m) => m.messageId === 'ok-1'));
    // Completed (gone from the queue), so it cannot come again.
    await drained({ queue: 'notifications' });
    expect(seen().queue.filter((m) => m.messageId === 'ok-1')).toHaveLength(1);
    expect(seen().queue.find((m) => m.messageId === 'ok-1')?.deliveryCount).toBe(1);
    expect(await client.createReceiver('notifications').peekMessages(10)).toHaveLength(0);
  });

  it('when a queue handler throws, then the message is redelivered until the max delivery count, then dead-lettered', async () => {
    await client.createSender('notifications').sendMessages({ body: { fail: true }, messageId: 'poison-1' });
    // notifications allows 8 deliveries (shared/messaging/topology.ts).
    await eventually(() => seen().queue.filter((m) => m.messageId === 'poison-1').length === 8);
    const dlq = client.createReceiver('notifications', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(dead?.messageId).toBe('poison-1');
    expect(dead?.deadLetterReason).toBe('MaxDeliveryCountExceeded');
    expect(
      seen()
        .queue.filter((m) => m.messageId === 'poison-1')
        .map((m) => m.deliveryCount),
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await dlq.completeMessage(dead as NonNullable<typeof dead>);
    await dlq.close();
  });

  it('delivers topic subscription messages that match the subscription filter', async () => {
    await client.createSender('events').sendMessages([
      { body: { n: 1 }, subject: 'uk.gov.doorstep.request.submitted' },
      { body: { n: 2 }, subject: 'something.else' },
    ]);
    await eventually(() => seen().topic.length >= 1);
    // Filters apply when a message is sent: once the subscription is drained, a match would have been seen.
    await drained({ topic: 'events', subscription: 'notify-residents' });
    expect(seen().topic).toEqual([{ n: 1 }]);
  });

  it('fires timer triggers on their schedule and on demand through the admin API', async () => {
    const before = seen().timer;
    await eventually(() => seen().timer >= before + 1);
    const now = seen().timer;
    const response = await fetch(`${host.url}/admin/functions/every-second`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(202);
    expect(seen().timer).toBeGreaterThanOrEqual(now + 1);
  });

  it('delivers Event Grid events through the host webhook, and answers its validation handshake', async () => {
    const url = `${host.url}/runtime/webhooks/EventGrid?functionName=on-blob-created`;
    const validation = await fetch(url, {
      method: 'POST',
      headers: { 'aeg-event-type': 'SubscriptionValidation' },
      body: JSON.stringify([
        { eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'abc' } },
      ]),
    });
    expect(await validation.json()).toEqual({ validationResponse: 'abc' });
    const event = {
      id: 'e1',
      eventType: 'Microsoft.Storage.BlobCreated',
      subject: '/blobServices/default/containers/quarantine/blobs/x',
      data: { url: 'http://x' },
    };
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'aeg-event-type': 'Notification' },
      body: JSON.stringify([event]),
    });
    expect(response.status).toBe(202);
    expect(seen().events).toEqual([event]);
  });
});
