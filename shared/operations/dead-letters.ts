/**
 * Dead-lettered messages, for the platform operator (decision 1002): which entities hold
 * some, why each was dead-lettered, and replaying or discarding one. `npm run dlq` and the
 * operator API (`/api/operator/dead-letters…`) are both this module.
 *
 * A listing names a message by its entity and sequence number and says why it was set aside
 * (reason, description, when, how often it was tried); never its body, which may carry a
 * resident's report or contact details.
 */
import type { ServiceBusClient, ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import { z } from 'zod';
import { conflict, notFound } from '../errors.js';
import { requireRole, type Principal } from '../identity/principal.js';
import { topology } from '../messaging/topology.js';

/** Every entity with a dead-letter queue: queues by name, subscriptions as `topic/subscription`. */
export const deadLetterEntities = (): string[] => [
  ...topology.queues.map((q) => q.name),
  ...topology.topics.flatMap((t) => t.subscriptions.map((s) => `${t.name}/${s.name}`)),
];

export const entitySchema = z
  .string()
  .max(200)
  .refine((e) => deadLetterEntities().includes(e), {
    message: 'must be a queue or topic/subscription of the topology',
  });

export const deadLetterListQuery = z.strictObject({
  entity: entitySchema,
  max: z.coerce.number().int().min(1).max(500).default(100),
});
export const deadLetterTargetQuery = z.strictObject({ entity: entitySchema });
export const sequenceNumberParam = z.strictObject({ sequenceNumber: z.string().regex(/^\d{1,19}$/) });

/** What an operator sees of one dead-lettered message. */
export interface DeadLetter {
  readonly entity: string;
  readonly sequenceNumber: string;
  readonly messageId: string | undefined;
  /** The message's label, e.g. a CloudEvent type or a partner message kind: never personal. */
  readonly subject: string | undefined;
  readonly enqueuedAt: string | undefined;
  readonly reason: string | undefined;
  readonly description: string | undefined;
  readonly deliveryCount: number | undefined;
}

export interface DeadLetterPort {
  /** Up to `max` dead letters of the entity, oldest first. */
  peek(entity: string, max: number): Promise<readonly DeadLetter[]>;
  /** Sends a copy (new message id) to the entity and removes the dead letter; false if none has that number. */
  replay(entity: string, sequenceNumber: string): Promise<{ readonly messageId: string } | undefined>;
  /** Removes the dead letter; false if none has that number. */
  discard(entity: string, sequenceNumber: string): Promise<boolean>;
  /** Removes every dead letter of the entity (the CLI's purge); how many. */
  purge(entity: string): Promise<number>;
}

export interface DeadLetterDeps {
  readonly deadLetters: DeadLetterPort;
}

/** How many dead letters a count looks at per entity: beyond it the count says "at least". */
export const countLimit = 1000;

export async function countDeadLetters(
  principal: Principal,
  deps: DeadLetterDeps,
): Promise<{ entity: string; count: number; atLeast: boolean; replayable: boolean }[]> {
  requireRole(principal, 'operator');
  const out = [];
  for (const entity of deadLetterEntities()) {
    const count = (await deps.deadLetters.peek(entity, countLimit)).length;
    out.push({ entity, count, atLeast: count >= countLimit, replayable: isReplayable(entity) });
  }
  return out;
}

export async function listDeadLetters(
  query: z.infer<typeof deadLetterListQuery>,
  principal: Principal,
  deps: DeadLetterDeps,
): Promise<readonly DeadLetter[]> {
  requireRole(principal, 'operator');
  return deps.deadLetters.peek(query.entity, query.max);
}

/**
 * A subscription cannot be sent to on its own: its topic fans out to every subscription,
 * so a replay there would deliver the message again to every other consumer too.
 */
export const isReplayable = (entity: string) => !entity.includes('/');

export async function replayDeadLetter(
  target: { readonly entity: string; readonly sequenceNumber: string },
  principal: Principal,
  deps: DeadLetterDeps,
): Promise<{ readonly messageId: string }> {
  requireRole(principal, 'operator');
  if (!isReplayable(target.entity))
    throw conflict(
      'A subscription’s dead letter cannot be replayed: its topic would deliver it to every subscription. Fix the consumer, then have the sender send it again, or discard it.',
    );
  const replayed = await deps.deadLetters.replay(target.entity, target.sequenceNumber);
  if (!replayed) throw notFound('The dead-lettered message');
  return replayed;
}

export async function discardDeadLetter(
  target: { readonly entity: string; readonly sequenceNumber: string },
  principal: Principal,
  deps: DeadLetterDeps,
): Promise<void> {
  requireRole(principal, 'operator');
  if (!(await deps.deadLetters.discard(target.entity, target.sequenceNumber)))
    throw notFound('The dead-lettered message');
}

const maxDescription = 500;

export function toDeadLetter(entity: string, m: ServiceBusReceivedMessage): DeadLetter {
  return {
    entity,
    sequenceNumber: m.sequenceNumber?.toString() ?? '',
    messageId: m.messageId === undefined ? undefined : String(m.messageId),
    subject: m.subject,
    enqueuedAt: m.enqueuedTimeUtc?.toISOString(),
    reason: m.deadLetterReason,
    description: m.deadLetterErrorDescription?.slice(0, maxDescription),
    deliveryCount: m.deliveryCount,
  };
}

function deadLetterReceiver(
  client: ServiceBusClient,
  entity: string,
  mode: 'peekLock' | 'receiveAndDelete' = 'peekLock',
): ServiceBusReceiver {
  const [queueOrTopic = '', subscription] = entity.split('/');
  return subscription
    ? client.createReceiver(queueOrTopic, subscription, { subQueueType: 'deadLetter', receiveMode: mode })
    : client.createReceiver(queueOrTopic, { subQueueType: 'deadLetter', receiveMode: mode });
}

/** Most messages one replay or discard looks through for its sequence number. */
const searchLimit = 1000;

/**
 * The port over the Service Bus SDK. `connect` gives a client for one operation and `release`
 * gives it back: the SDK remembers where a peek stopped per connection, so the app opens a
 * connection per operation (operators are few) and the CLI, one run per connection, keeps its own.
 */
export function serviceBusDeadLetters(
  connect: () => Promise<ServiceBusClient>,
  release: (client: ServiceBusClient) => Promise<void> = (c) => c.close(),
): DeadLetterPort {
  const using = async <T>(work: (client: ServiceBusClient) => Promise<T>): Promise<T> => {
    const client = await connect();
    try {
      return await work(client);
    } finally {
      await release(client);
    }
  };

  /** Locks messages until the one with this number turns up, then gives the others back. */
  const withOne = async <T>(
    client: ServiceBusClient,
    entity: string,
    sequenceNumber: string,
    act: (receiver: ServiceBusReceiver, message: ServiceBusReceivedMessage) => Promise<T>,
  ): Promise<T | undefined> => {
    const receiver = deadLetterReceiver(client, entity);
    const held: ServiceBusReceivedMessage[] = [];
    try {
      while (held.length < searchLimit) {
        const batch = await receiver.receiveMessages(50, { maxWaitTimeInMs: 1000 });
        if (batch.length === 0) return undefined;
        const found = batch.find((m) => m.sequenceNumber?.toString() === sequenceNumber);
        held.push(...batch.filter((m) => m !== found));
        if (found) return await act(receiver, found);
      }
      return undefined;
    } finally {
      for (const m of held) await receiver.abandonMessage(m).catch(() => undefined);
      await receiver.close();
    }
  };

  return {
    peek: (entity, max) =>
      using(async (client) => {
        const receiver = deadLetterReceiver(client, entity);
        try {
          const all: ServiceBusReceivedMessage[] = [];
          while (all.length < max) {
            const last = all.at(-1)?.sequenceNumber;
            const batch = await receiver.peekMessages(Math.min(100, max - all.length), {
              ...(last ? { fromSequenceNumber: last.add(1) } : {}),
            });
            if (batch.length === 0) break;
            all.push(...batch);
          }
          return all.map((m) => toDeadLetter(entity, m));
        } finally {
          await receiver.close();
        }
      }),

    replay: (entity, sequenceNumber) =>
      using((client) =>
        withOne(client, entity, sequenceNumber, async (receiver, m) => {
          const {
            DeadLetterReason: _reason,
            DeadLetterErrorDescription: _description,
            ...applicationProperties
          } = m.applicationProperties ?? {};
          const sender = client.createSender(entity);
          // A new message id, so duplicate detection does not drop the replay.
          const messageId = crypto.randomUUID();
          try {
            await sender.sendMessages({
              body: m.body as unknown,
              messageId,
              subject: m.subject,
              contentType: m.contentType,
              correlationId: m.correlationId,
              applicationProperties: { ...applicationProperties, replayOf: String(m.messageId ?? '') },
            });
          } finally {
            await sender.close();
          }
          await receiver.completeMessage(m);
          return { messageId };
        }),
      ),

    discard: (entity, sequenceNumber) =>
      using(
        async (client) =>
          (await withOne(client, entity, sequenceNumber, async (receiver, m) => {
            await receiver.completeMessage(m);
            return true;
          })) ?? false,
      ),

    purge: (entity) =>
      using(async (client) => {
        const receiver = deadLetterReceiver(client, entity, 'receiveAndDelete');
        let purged = 0;
        try {
          for (;;) {
            const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 1000 });
            if (batch.length === 0) return purged;
            purged += batch.length;
          }
        } finally {
          await receiver.close();
        }
      }),
  };
}
