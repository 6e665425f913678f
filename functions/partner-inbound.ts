import type { InvocationContext, Timer } from '@azure/functions';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { handlePartnerMessage } from '../shared/partners/inbound.js';
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
  try {
    while (Date.now() - started < runBudgetMs) {
      const batch = await receiver.receiveMessages(50, { maxWaitTimeInMs: 500 });
      if (batch.length === 0) break;
      await Promise.all(
        batch.map(async (message: ServiceBusReceivedMessage) => {
          try {
            const result = await handlePartnerMessage(
              { messageId: String(message.messageId ?? ''), body: message.body },
              deps,
            );
            if (result.outcome === 'rejected') {
              await receiver.deadLetterMessage(message, {
                deadLetterReason: result.reason,
                deadLetterErrorDescription: result.description,
              });
              tally.rejected++;
              logEvent(context, 'warn', 'partner.rejected', {
                messageId: message.messageId,
                reason: result.reason,
              });
            } else {
              await receiver.completeMessage(message);
              tally[result.outcome]++;
            }
          } catch (error) {
            tally.retried++;
            logEvent(context, 'warn', 'partner.retry', {
              messageId: message.messageId,
              deliveryCount: message.deliveryCount,
              error: error instanceof Error ? error.name : 'unknown',
            });
            await receiver.abandonMessage(message).catch(() => undefined);
          }
        }),
      );
    }
  } finally {
    await receiver.close();
  }
  if (tally.applied + tally.duplicate + tally.rejected + tally.retried > 0)
    logEvent(context, 'info', 'partner.drained', tally);
}
