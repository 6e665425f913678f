import type { InvocationContext, Timer } from '@azure/functions';
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import { backOfficeIds, type BackOfficeId } from '../shared/catalogue/back-offices.js';
import { logEvent } from '../shared/observability/log.js';
import { processBatch, type Settlement } from '../shared/partners/inbound.js';
import { depsFor, type PartnerDrainDeps } from '../shared/platform/deps.js';

/** Stop taking new batches after this long, so a run ends well inside the timeout. */
const runBudgetMs = 4 * 60_000;

type Tally = Record<'applied' | 'duplicate' | 'rejected' | 'retried', number>;

/**
 * Drains each back office's `partner-inbound-<id>` queue with the Service Bus SDK
 * and settles each message itself, because only a receiver can dead-letter with a
 * reason (see README "Decisions"). The queue is the sender: only that back office
 * may send to it. What to apply, in which order, and how each message ends is
 * decided in shared/partners; this function receives, settles and logs.
 */
export async function drainPartnerInbound(_timer: Timer, context: InvocationContext): Promise<void> {
  const deps = await depsFor.partnerDrain();
  const started = Date.now();
  const tally: Tally = { applied: 0, duplicate: 0, rejected: 0, retried: 0 };
  await Promise.all(backOfficeIds.map((id) => drainQueue(id, deps, started, tally, context)));
  if (tally.applied + tally.duplicate + tally.rejected + tally.retried > 0)
    logEvent(context, 'info', 'partner.drained', tally);
}

async function drainQueue(
  sender: BackOfficeId,
  deps: PartnerDrainDeps,
  started: number,
  tally: Tally,
  context: InvocationContext,
): Promise<void> {
  const receiver = await deps.receiverFor(sender);
  // Held back earlier in this run: when delivered again at once, left for the next run.
  const heldThisRun = new Set<string>();
  const settle = (s: Settlement<ServiceBusReceivedMessage>) =>
    settleOne(receiver, sender, s, heldThisRun, tally, context);
  try {
    while (Date.now() - started < runBudgetMs) {
      const received = await receiver.receiveMessages(100, { maxWaitTimeInMs: 500 });
      if (received.every((m) => heldThisRun.has(String(m.messageId)))) {
        for (const m of received) await receiver.abandonMessage(m).catch(() => undefined);
        break;
      }
      const batch = received.map((m) => ({
        handle: m,
        messageId: String(m.messageId ?? ''),
        body: m.body as unknown,
        deliveryCount: m.deliveryCount ?? 1,
      }));
      await processBatch(batch, sender, heldThisRun, deps, settle);
    }
  } finally {
    await receiver.close();
  }
}

async function settleOne(
  receiver: ServiceBusReceiver,
  sender: BackOfficeId,
  s: Settlement<ServiceBusReceivedMessage>,
  heldThisRun: Set<string>,
  tally: Tally,
  context: InvocationContext,
): Promise<void> {
  const messageId = s.handle.messageId;
  try {
    switch (s.action) {
      case 'complete':
        await receiver.completeMessage(s.handle);
        tally[s.outcome]++;
        return;
      case 'dead-letter':
        await receiver.deadLetterMessage(s.handle, {
          deadLetterReason: s.reason,
          deadLetterErrorDescription: s.description,
        });
        tally.rejected++;
        logEvent(context, 'warn', 'partner.rejected', { partner: sender, messageId, reason: s.reason });
        return;
      case 'abandon':
        heldThisRun.add(s.messageId);
        if (s.why !== 'released') tally.retried++;
        if (s.why === 'error')
          logEvent(context, 'warn', 'partner.retry', {
            partner: sender,
            messageId,
            deliveryCount: s.handle.deliveryCount,
            error: s.error,
          });
        await receiver.abandonMessage(s.handle);
        return;
    }
  } catch (error) {
    // A lost lock or a dropped link: the message comes back by itself.
    logEvent(context, 'warn', 'partner.settle-failed', {
      partner: sender,
      messageId,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}
