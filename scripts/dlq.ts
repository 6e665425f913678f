/**
 * `npm run dlq -- list | show <entity> | replay <entity> | purge <entity> [--max N]`
 *
 * Dead-letter queues, through the real SDK and the same use cases as the operator API
 * (shared/operations/dead-letters.ts). An entity is a queue (`partner-inbound-highways-contractor`)
 * or a subscription (`events/crm`). Connects to the local stack (.local/endpoints.json)
 * unless `ServiceBus__fullyQualifiedNamespace` (Azure, your Entra login) or `ServiceBus`
 * (a connection string) is set.
 */
import type { ServiceBusClient } from '@azure/service-bus';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  countDeadLetters,
  deadLetterEntities,
  isReplayable,
  serviceBusDeadLetters,
  type DeadLetterDeps,
} from '../shared/operations/dead-letters.js';
import type { Principal } from '../shared/identity/principal.js';
import { connect } from './service-bus-connection.js';

export const entities = deadLetterEntities;

/** Whoever runs the CLI holds Service Bus rights already: they act as the platform operator. */
const operator: Principal = { sub: 'cli', issuer: 'workforce', roles: new Set(['operator']) };

function known(entity: string | undefined): string {
  if (!entity || !entities().includes(entity))
    throw new Error(`Unknown entity '${entity ?? ''}'. Known: ${entities().join(', ')}`);
  return entity;
}

/** Runs one command; returns the lines it would print. The client stays open (the caller closes it). */
export async function runDlq(
  client: ServiceBusClient,
  command: string,
  entity: string | undefined,
  max = 100,
): Promise<string[]> {
  const deps: DeadLetterDeps = {
    deadLetters: serviceBusDeadLetters(
      () => Promise.resolve(client),
      () => Promise.resolve(),
    ),
  };
  switch (command) {
    case 'list':
      return (await countDeadLetters(operator, deps)).map(
        (e) => `${e.entity.padEnd(40)} ${e.count}${e.atLeast ? '+' : ''}`,
      );
    case 'show':
      return (await deps.deadLetters.peek(known(entity), max)).map((m) =>
        JSON.stringify({
          sequenceNumber: m.sequenceNumber,
          messageId: m.messageId,
          subject: m.subject,
          enqueuedTimeUtc: m.enqueuedAt,
          deadLetterReason: m.reason,
          deadLetterErrorDescription: m.description,
          deliveryCount: m.deliveryCount,
        }),
      );
    case 'replay': {
      const target = known(entity);
      if (!isReplayable(target)) {
        throw new Error(
          'A subscription cannot be sent to on its own (its topic fans out to every subscription). Fix the consumer, then replay from the partner side.',
        );
      }
      let replayed = 0;
      for (const m of await deps.deadLetters.peek(target, max))
        if (await deps.deadLetters.replay(target, m.sequenceNumber)) replayed++;
      return [`replayed ${replayed} message(s) to ${target}`];
    }
    case 'purge': {
      const target = known(entity);
      return [`purged ${await deps.deadLetters.purge(target)} message(s) from ${target}`];
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
