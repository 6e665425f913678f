import type { InvocationContext, Timer } from '@azure/functions';
import type { ServiceBusReceivedMessage, ServiceBusReceiver } from '@azure/service-bus';
import { logEvent } from '../shared/observability/log.js';
import { depsFor } from '../shared/platform/deps.js';
import { applyReading, deviceIdOf, type ReadingOutcome } from '../shared/sensors/sensors.js';

/** Stop taking new batches after this long, so a run ends well inside the timeout. */
const runBudgetMs = 4 * 60_000;

type Tally = Record<'applied' | 'raised' | 'duplicate' | 'rejected' | 'retried', number>;

/**
 * Drains `device-readings` (IoT Hub's route to Service Bus) with the SDK and settles
 * each message itself, because only a receiver can dead-letter with a reason, as the
 * partner drain does. Readings of one device are applied in the order received;
 * different devices' at once. What each reading means is decided in shared/sensors.
 */
export async function drainDeviceReadings(_timer: Timer, context: InvocationContext): Promise<void> {
  const deps = await depsFor.sensors();
  const receiver = await deps.receiver();
  const started = Date.now();
  const tally: Tally = { applied: 0, raised: 0, duplicate: 0, rejected: 0, retried: 0 };
  try {
    while (Date.now() - started < runBudgetMs) {
      const received = await receiver.receiveMessages(100, { maxWaitTimeInMs: 500 });
      if (received.length === 0) break;
      const byDevice = new Map<string, ServiceBusReceivedMessage[]>();
      for (const m of received) {
        const key = deviceIdOf({ applicationProperties: m.applicationProperties ?? {} }) ?? '';
        byDevice.set(key, [...(byDevice.get(key) ?? []), m]);
      }
      await Promise.all(
        [...byDevice.values()].map(async (messages) => {
          for (const m of messages) await applyOne(receiver, m, deps, tally, context);
        }),
      );
    }
  } finally {
    await receiver.close();
  }
  if (Object.values(tally).some((n) => n > 0)) logEvent(context, 'info', 'sensors.drained', tally);
}

async function applyOne(
  receiver: ServiceBusReceiver,
  m: ServiceBusReceivedMessage,
  deps: Awaited<ReturnType<typeof depsFor.sensors>>,
  tally: Tally,
  context: InvocationContext,
): Promise<void> {
  let outcome: ReadingOutcome;
  try {
    outcome = await applyReading(
      {
        messageId: String(m.messageId ?? m.sequenceNumber?.toString() ?? ''),
        applicationProperties: m.applicationProperties ?? {},
        body: m.body as unknown,
        ...(m.enqueuedTimeUtc ? { enqueuedTimeUtc: m.enqueuedTimeUtc } : {}),
      },
      deps,
    );
  } catch (error) {
    tally.retried++;
    logEvent(context, 'warn', 'sensors.retry', {
      messageId: String(m.messageId ?? ''),
      error: error instanceof Error ? error.name : 'unknown',
    });
    await receiver.abandonMessage(m).catch(() => undefined);
    return;
  }
  try {
    if (outcome.outcome === 'rejected') {
      await receiver.deadLetterMessage(m, {
        deadLetterReason: outcome.reason,
        deadLetterErrorDescription: outcome.description,
      });
      tally.rejected++;
      logEvent(context, 'warn', 'sensors.rejected', { messageId: String(m.messageId ?? ''), reason: outcome.reason });
      return;
    }
    await receiver.completeMessage(m);
    tally[outcome.outcome]++;
    if (outcome.outcome === 'applied' && outcome.raised) {
      tally.raised++;
      logEvent(context, 'info', 'sensors.raised', { deviceId: outcome.deviceId, requestId: outcome.raised });
    }
  } catch (error) {
    // A lost lock or a dropped link: the message comes back, and its id makes it a duplicate.
    logEvent(context, 'warn', 'sensors.settle-failed', {
      messageId: String(m.messageId ?? ''),
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}
