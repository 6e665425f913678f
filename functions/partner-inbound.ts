import type { InvocationContext, Timer } from '@azure/functions';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { jsonBody } from '../shared/messaging/message-body.js';
import { handlePartnerMessage, orderingKey } from '../shared/partners/inbound.js';
import { logEvent } from '../shared/observability/log.js';
import { appDeps } from '../shared/platform/deps.js';

/** Stop taking new batches after this long, so a run ends well inside the timeout. */
const runBudgetMs = 4 * 60_000;

/**
 * Drains `partner-inbound` with the Service Bus SDK and settles each message
 * itself, because only a receiver can dead-letter with a reason (see README
 * "Decisions"): applied or duplicate → complete; invalid → dead-letter with the
 * reason; a dependency down → abandon, so it is delivered again (and
 * dead-lettered as MaxDeliveryCountExceeded if it never succeeds).
 */
export async function drainPartnerInbound(_timer: Timer, context: InvocationContext): Promise<void> {
  const deps = await appDeps();
  const receiver = (await deps.platform.serviceBus()).createReceiver('partner-inbound');
  const started = Date.now();
  const tally = { applied: 0, duplicate: 0, rejected: 0, retried: 0 };
  const heldThisRun = new Set<string>();
  const settle = async (message: ServiceBusReceivedMessage): Promise<'settled' | 'held'> => {
    try {
      const result = await handlePartnerMessage(
        { messageId: String(message.messageId ?? ''), body: message.body, deliveryCount: message.deliveryCount ?? 1 },
        deps,
      );
      if (result.outcome === 'rejected') {
        await receiver.deadLetterMessage(message, {
          deadLetterReason: result.reason,
          deadLetterErrorDescription: result.description,
        });
        tally.rejected++;
        logEvent(context, 'warn', 'partner.rejected', { messageId: message.messageId, reason: result.reason });
      } else if (result.outcome === 'later') {
        heldThisRun.add(String(message.messageId));
        await receiver.abandonMessage(message);
        tally.retried++;
        return 'held';
      } else {
        await receiver.completeMessage(message);
        tally[result.outcome]++;
      }
      return 'settled';
    } catch (error) {
      tally.retried++;
      logEvent(context, 'warn', 'partner.retry', {
        messageId: message.messageId,
        deliveryCount: message.deliveryCount,
        error: error instanceof Error ? error.name : 'unknown',
      });
      heldThisRun.add(String(message.messageId));
      await receiver.abandonMessage(message).catch(() => undefined);
      return 'held';
    }
  };
  try {
    while (Date.now() - started < runBudgetMs) {
      const received = await receiver.receiveMessages(100, { maxWaitTimeInMs: 500 });
      // Held back earlier in this run and delivered again at once: leave them for the next run.
      const batch = received.filter((m) => !heldThisRun.has(String(m.messageId)));
      for (const m of received) if (heldThisRun.has(String(m.messageId))) await receiver.abandonMessage(m);
      if (batch.length === 0) break;
      // Messages about one job apply in the order received, different jobs in parallel;
      // acknowledgements first, since later messages may name the reference they give.
      const groups = (messages: ServiceBusReceivedMessage[]) => {
        const byKey = new Map<string, ServiceBusReceivedMessage[]>();
        for (const message of messages) {
          const key = orderingKey(message.body);
          byKey.set(key, [...(byKey.get(key) ?? []), message]);
        }
        return [...byKey.values()];
      };
      const isAck = (m: ServiceBusReceivedMessage) =>
        (jsonBody(m.body) as { kind?: unknown } | undefined)?.kind === 'acknowledged';
      for (const phase of [batch.filter(isAck), batch.filter((m) => !isAck(m))]) {
        await Promise.all(
          groups(phase).map(async (messages) => {
            for (const [i, message] of messages.entries()) {
              if ((await settle(message)) === 'settled') continue;
              // Held back: so are the rest of its job's messages, to keep their order.
              for (const rest of messages.slice(i + 1)) {
                heldThisRun.add(String(rest.messageId));
                await receiver.abandonMessage(rest).catch(() => undefined);
              }
              tally.retried += messages.length - i - 1;
              break;
            }
          }),
        );
      }
    }
  } finally {
    await receiver.close();
  }
  if (tally.applied + tally.duplicate + tally.rejected + tally.retried > 0)
    logEvent(context, 'info', 'partner.drained', tally);
}
