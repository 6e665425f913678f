import type { HttpRequest, HttpResponseInit, InvocationContext, Timer } from '@azure/functions';
import { authenticate } from '../shared/identity/principal.js';
import { json } from '../shared/http/response.js';
import { logEvent } from '../shared/observability/log.js';
import { depsFor } from '../shared/platform/deps.js';
import { documentContentForRecords, documentForRecords, handleRecordsMessage } from '../shared/records/records.js';

/** The records system reads what it files: metadata and case (audited as a partner's read). */
export async function getRecordsDocument(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens(), { apps: true });
  return json(200, await documentForRecords(request.params.id ?? '', principal, await depsFor.records()));
}

/** The file: a redirect to a read link minted now, valid for a minute (decision 1100). */
export async function getRecordsDocumentContent(request: HttpRequest): Promise<HttpResponseInit> {
  const principal = await authenticate(request, depsFor.tokens(), { apps: true });
  const url = await documentContentForRecords(request.params.id ?? '', principal, await depsFor.records());
  return { status: 302, headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
}

/** Stop taking new batches after this long, so a run ends well inside the timeout. */
const runBudgetMs = 2 * 60_000;

/**
 * Drains `partner-inbound-records-system` with the SDK (only a receiver can dead-letter
 * with a reason): filing receipts and legal holds. The queue is the sender.
 */
export async function drainRecordsInbound(_timer: Timer, context: InvocationContext): Promise<void> {
  const deps = await depsFor.records();
  const receiver = await deps.receiver();
  const tally = { applied: 0, duplicate: 0, rejected: 0, retried: 0 };
  const started = Date.now();
  try {
    while (Date.now() - started < runBudgetMs) {
      const received = await receiver.receiveMessages(50, { maxWaitTimeInMs: 500 });
      if (received.length === 0) break;
      let retried = 0;
      for (const m of received) {
        const s = await handleRecordsMessage(m.body as unknown, deps);
        try {
          if (s.action === 'complete') {
            await receiver.completeMessage(m);
            tally[s.outcome]++;
          } else if (s.action === 'dead-letter') {
            await receiver.deadLetterMessage(m, {
              deadLetterReason: s.reason,
              deadLetterErrorDescription: s.description,
            });
            tally.rejected++;
            logEvent(context, 'warn', 'records.rejected', { messageId: m.messageId, reason: s.reason });
          } else {
            await receiver.abandonMessage(m);
            tally.retried++;
            retried++;
            logEvent(context, 'warn', 'records.retry', {
              messageId: m.messageId,
              deliveryCount: m.deliveryCount,
              error: s.error,
            });
          }
        } catch (error) {
          // A lost lock or a dropped link: the message comes back by itself.
          logEvent(context, 'warn', 'records.settle-failed', {
            messageId: m.messageId,
            error: error instanceof Error ? error.name : 'unknown',
          });
        }
      }
      // Everything failed: a dependency is down; the next run tries again rather than spin.
      if (retried === received.length) break;
    }
  } finally {
    await receiver.close();
  }
  if (tally.applied + tally.duplicate + tally.rejected + tally.retried > 0)
    logEvent(context, 'info', 'records.drained', tally);
}
