/**
 * `npm run dlq -- list | show <entity> | replay <entity> | purge <entity> [--max N]`
 *
 * Dead-letter queues, through the real SDK. An entity is a queue (`partner-inbound-highways-contractor`)
 * or a subscription (`events/crm`). Connects to the local stack (.local/endpoints.json)
 * unless `ServiceBus__fullyQualifiedNamespace` (Azure, your Entra login) or `ServiceBus`
 * (a connection string) is set.
 */
import type { ServiceBusClient, ServiceBusReceiver } from '@azure/service-bus';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { topology } from '../shared/messaging/topology.js';
import { connect } from './service-bus-connection.js';

export const entities = (): string[] => [
  ...topology.queues.map((q) => q.name),
  ...topology.topics.flatMap((t) => t.subscriptions.map((s) => `${t.name}/${s.name}`)),
];

function deadLetterReceiver(
  client: ServiceBusClient,
  entity: string,
  mode: 'peekLock' | 'receiveAndDelete',
): ServiceBusReceiver {
  if (!entities().includes(entity)) throw new Error(`Unknown entity '${entity}'. Known: ${entities().join(', ')}`);
  const [queueOrTopic = '', subscription] = entity.split('/');
  return subscription
    ? client.createReceiver(queueOrTopic, subscription, { subQueueType: 'deadLetter', receiveMode: mode })
    : client.createReceiver(queueOrTopic, { subQueueType: 'deadLetter', receiveMode: mode });
}

// Peek position lives in the SDK's management client, one per entity per connection:
// each CLI run is a new connection, so a peek starts at the first message.
async function peekAll(receiver: ServiceBusReceiver, max: number) {
  const all = [];
  while (all.length < max) {
    const batch = await receiver.peekMessages(Math.min(100, max - all.length));
    if (batch.length === 0) break;
    all.push(...batch);
  }
  return all;
}

/** Runs one command; returns the lines it would print. */
export async function runDlq(
  client: ServiceBusClient,
  command: string,
  entity: string | undefined,
  max = 100,
): Promise<string[]> {
  const out: string[] = [];
  switch (command) {
    case 'list': {
      for (const name of entities()) {
        const receiver = deadLetterReceiver(client, name, 'peekLock');
        out.push(`${name.padEnd(40)} ${(await peekAll(receiver, 1000)).length}`);
        await receiver.close();
      }
      return out;
    }
    case 'show': {
      const receiver = deadLetterReceiver(client, entity ?? '', 'peekLock');
      for (const m of await peekAll(receiver, max)) {
        out.push(
          JSON.stringify({
            sequenceNumber: m.sequenceNumber?.toString(),
            messageId: m.messageId,
            subject: m.subject,
            enqueuedTimeUtc: m.enqueuedTimeUtc,
            deadLetterReason: m.deadLetterReason,
            deadLetterErrorDescription: m.deadLetterErrorDescription,
            deliveryCount: m.deliveryCount,
          }),
        );
      }
      await receiver.close();
      return out;
    }
    case 'replay': {
      const target = entity ?? '';
      if (target.includes('/')) {
        throw new Error(
          'A subscription cannot be sent to on its own (its topic fans out to every subscription). Fix the consumer, then replay from the partner side.',
        );
      }
      const receiver = deadLetterReceiver(client, target, 'peekLock');
      const sender = client.createSender(target);
      let replayed = 0;
      while (replayed < max) {
        const batch = await receiver.receiveMessages(Math.min(50, max - replayed), { maxWaitTimeInMs: 1000 });
        if (batch.length === 0) break;
        for (const m of batch) {
          const {
            DeadLetterReason: _r,
            DeadLetterErrorDescription: _d,
            ...applicationProperties
          } = m.applicationProperties ?? {};
          // A new message id, so duplicate detection does not drop the replay.
          await sender.sendMessages({
            body: m.body as unknown,
            subject: m.subject,
            contentType: m.contentType,
            correlationId: m.correlationId,
            applicationProperties: { ...applicationProperties, replayOf: String(m.messageId ?? '') },
          });
          await receiver.completeMessage(m);
          replayed++;
        }
      }
      await sender.close();
      await receiver.close();
      return [`replayed ${replayed} message(s) to ${target}`];
    }
    case 'purge': {
      const receiver = deadLetterReceiver(client, entity ?? '', 'receiveAndDelete');
      let purged = 0;
      for (;;) {
        const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 1000 });
        if (batch.length === 0) break;
        purged += batch.length;
      }
      await receiver.close();
      return [`purged ${purged} message(s) from ${entity ?? ''}`];
    }
    default:
      throw new Error('usage: npm run dlq -- list | show <entity> | replay <entity> | purge <entity> [--max N]');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { max: { type: 'string' } } });
  const client = await connect();
  try {
    for (const line of await runDlq(client, positionals[0] ?? '', positionals[1], Number(values.max ?? 100)))
      console.log(line);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  } finally {
    await client.close();
  }
}
