/**
 * The operator's dead letters over HTTP (decision 1002), against the stack's Service Bus
 * emulator and the app's own consumers: a message the partner drain refuses is listed with
 * its reason and without its body, replayed to its queue (where the drain refuses it again,
 * proving the replay arrived), and discarded; a subscription's dead letter is discarded but
 * never replayed.
 */
import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { partnerInboundQueue } from '../../shared/messaging/topology.js';
import { call } from '../support/api.js';

const ops = { sub: 'ops', roles: ['operator'] as const };
const queue = partnerInboundQueue('council-crm');
const bus = new ServiceBusClient(inject('appSettings').ServiceBus ?? '');
afterAll(() => bus.close());

interface Listed {
  readonly sequenceNumber: string;
  readonly messageId?: string;
  readonly reason?: string;
  readonly description?: string;
  readonly [key: string]: unknown;
}

async function listed(entity: string): Promise<Listed[]> {
  const response = await call('GET', `operator/dead-letters/messages?entity=${encodeURIComponent(entity)}&max=500`, {
    as: ops,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Listed[] }).items;
}

/** Polls the listing until `find` matches (a deadline for a loaded machine, not a wait). */
async function untilListed(entity: string, find: (m: Listed) => boolean, timeout = 60_000): Promise<Listed> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const hit = (await listed(entity)).find(find);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`nothing matching in the dead letters of ${entity}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const target = (entity: string, sequenceNumber: string, action = '') =>
  `operator/dead-letters/messages/${sequenceNumber}${action}?entity=${encodeURIComponent(entity)}`;

describe('dead letters for the platform operator', () => {
  it('when the partner drain refuses a message, then the operator sees why, replays it to its queue, and discards it', async () => {
    const messageId = `dlq-${randomUUID()}`;
    // Not a partner message: the drain dead-letters it. The text stands in for personal data.
    await bus.createSender(queue).sendMessages({
      messageId,
      subject: 'doorstep-test.operator',
      body: { note: 'Flat 2, 10 Example Street, 07700 900123' },
    });
    const first = await untilListed(queue, (m) => m.messageId === messageId);
    expect(first.reason).toBeTruthy();
    expect(first.description).toBeTruthy();
    expect(Object.keys(first).sort()).toEqual(
      [
        'deliveryCount',
        'description',
        'enqueuedAt',
        'entity',
        'messageId',
        'reason',
        'sequenceNumber',
        'subject',
      ].sort(),
    );
    expect(JSON.stringify(first)).not.toContain('Example Street');

    const counts = await call('GET', 'operator/dead-letters', { as: ops });
    expect(counts.status).toBe(200);
    const row = (
      (await counts.json()) as { entities: { entity: string; count: number; replayable: boolean }[] }
    ).entities.find((e) => e.entity === queue);
    expect(row?.count).toBeGreaterThanOrEqual(1);
    expect(row?.replayable).toBe(true);

    const replay = await call('POST', target(queue, first.sequenceNumber, '/replay'), { as: ops });
    expect(replay.status).toBe(200);
    const replayedAs = ((await replay.json()) as { messageId: string }).messageId;
    expect((await listed(queue)).map((m) => m.sequenceNumber)).not.toContain(first.sequenceNumber);
    // The drain reads the replay from the queue and refuses it again: it arrived.
    const again = await untilListed(queue, (m) => m.messageId === replayedAs);
    expect(again.sequenceNumber).not.toBe(first.sequenceNumber);

    expect((await call('DELETE', target(queue, again.sequenceNumber), { as: ops })).status).toBe(204);
    expect((await listed(queue)).map((m) => m.messageId)).not.toContain(replayedAs);
    expect((await call('DELETE', target(queue, again.sequenceNumber), { as: ops })).status).toBe(404);
    expect((await call('POST', target(queue, again.sequenceNumber, '/replay'), { as: ops })).status).toBe(404);
  });

  it('when a subscription holds a dead letter, then it can be discarded but not replayed (409)', async () => {
    const messageId = `dlq-${randomUUID()}`;
    // Only the CRM's subscription takes everything; this subject passes no other filter.
    await bus.createSender('events').sendMessages({ messageId, subject: 'doorstep-test.operator', body: { n: 1 } });
    const receiver = bus.createReceiver('events', 'crm');
    try {
      const deadline = Date.now() + 30_000;
      let mine: ServiceBusReceivedMessage | undefined;
      while (!mine && Date.now() < deadline) {
        for (const m of await receiver.receiveMessages(20, { maxWaitTimeInMs: 1000 })) {
          if (m.messageId === messageId && !mine) mine = m;
          else await receiver.abandonMessage(m);
        }
      }
      if (!mine) throw new Error('the test message never reached events/crm');
      await receiver.deadLetterMessage(mine, {
        deadLetterReason: 'OperatorTest',
        deadLetterErrorDescription: 'a test',
      });
    } finally {
      await receiver.close();
    }
    const entity = 'events/crm';
    const listedOne = await untilListed(entity, (m) => m.messageId === messageId);
    expect(listedOne.reason).toBe('OperatorTest');
    expect((await call('POST', target(entity, listedOne.sequenceNumber, '/replay'), { as: ops })).status).toBe(409);
    expect((await call('DELETE', target(entity, listedOne.sequenceNumber), { as: ops })).status).toBe(204);
    expect((await listed(entity)).map((m) => m.messageId)).not.toContain(messageId);
  });

  it('when the entity is not one of the topology’s, then 422; when the caller is staff, not the operator, then 403', async () => {
    expect((await call('GET', 'operator/dead-letters/messages?entity=no-such-queue', { as: ops })).status).toBe(422);
    expect(
      (
        await call('GET', `operator/dead-letters/messages?entity=${queue}`, {
          as: { sub: 'ada', roles: ['staff', 'admin'] },
        })
      ).status,
    ).toBe(403);
  });
});
