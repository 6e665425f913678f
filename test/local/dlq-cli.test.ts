import { ServiceBusClient, type ServiceBusReceivedMessage } from '@azure/service-bus';
import { describe, expect, it } from 'vitest';
import { partnerInboundQueue } from '../../shared/messaging/topology.js';
import { ownServiceBus } from '../support/own-service-bus.js';
import { runDlq } from '../../scripts/dlq.js';

const queue = partnerInboundQueue('highways-contractor');
const bus = ownServiceBus();

async function deadLetter(body: unknown, reason: string) {
  await bus.client.createSender(queue).sendMessages({ body, messageId: `m-${Math.random()}` });
  const receiver = bus.client.createReceiver(queue);
  const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
  await receiver.deadLetterMessage(m as ServiceBusReceivedMessage, {
    deadLetterReason: reason,
    deadLetterErrorDescription: 'status is required',
  });
  await receiver.close();
}

/** Each CLI run is its own process and connection (the SDK keeps the peek position per connection). */
async function cli(command: string, entity?: string, max?: number): Promise<string[]> {
  const own = new ServiceBusClient(bus.emulator.connectionString);
  try {
    return await runDlq(own, command, entity, max);
  } finally {
    await own.close();
  }
}

describe('npm run dlq', () => {
  it('lists, shows, replays and purges dead letters through the SDK', async () => {
    await deadLetter({ n: 1 }, 'SchemaInvalid');
    await deadLetter({ n: 2 }, 'SchemaInvalid');
    expect(await cli('list', undefined)).toContainEqual(
      expect.stringMatching(/^partner-inbound-highways-contractor\s+2$/),
    );
    const shown = (await cli('show', queue)).map(
      (l) => JSON.parse(l) as { deadLetterReason: string; deadLetterErrorDescription: string },
    );
    expect(shown.map((m) => m.deadLetterReason)).toEqual(['SchemaInvalid', 'SchemaInvalid']);
    expect(await cli('replay', queue, 1)).toEqual([`replayed 1 message(s) to ${queue}`]);
    const receiver = bus.client.createReceiver(queue, { receiveMode: 'receiveAndDelete' });
    const [replayed] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(replayed?.body).toEqual({ n: 1 });
    expect(replayed?.applicationProperties?.DeadLetterReason).toBeUndefined();
    await receiver.close();
    expect(await cli('purge', queue)).toEqual([`purged 1 message(s) from ${queue}`]);
    expect(await cli('list', undefined)).toContainEqual(
      expect.stringMatching(/^partner-inbound-highways-contractor\s+0$/),
    );
    await expect(cli('show', 'no-such-queue')).rejects.toThrow(/Unknown entity/);
    await expect(cli('replay', 'events/crm')).rejects.toThrow(/subscription cannot be sent to/);
  });
});
