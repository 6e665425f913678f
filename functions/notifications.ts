import type { InvocationContext } from '@azure/functions';
import {
  planNotifications,
  notificationJobSchema,
  plannedEventSchema,
  sendNotification,
} from '../shared/notifications/notifications.js';
import { jsonBody } from '../shared/messaging/message-body.js';
import { logEvent } from '../shared/observability/log.js';
import { depsFor } from '../shared/platform/deps.js';

/** `events` / `notify-residents` → one job per channel on the `notifications` queue. */
export async function planResidentNotifications(message: unknown, context: InvocationContext): Promise<void> {
  const parsed = plannedEventSchema.safeParse(jsonBody(message));
  // Not one of ours: nothing to tell anyone, and redelivery would not change that.
  if (!parsed.success) {
    logEvent(context, 'warn', 'notifications.unreadable-event');
    return;
  }
  const event = parsed.data;
  const deps = await depsFor.notificationPlanning();
  const jobs = await planNotifications(event, deps);
  if (jobs.length === 0) return;
  await deps.queueJobs(jobs);
  logEvent(context, 'info', 'notifications.planned', { eventId: event.id, jobs: jobs.length });
}

/** `notifications` → GOV.UK Notify. A throw is redelivered (up to the queue's max delivery count). */
export async function sendResidentNotification(message: unknown, context: InvocationContext): Promise<void> {
  const parsed = notificationJobSchema.safeParse(jsonBody(message));
  if (!parsed.success) {
    logEvent(context, 'error', 'notifications.unreadable-job');
    return;
  }
  const job = parsed.data;
  const result = await sendNotification(job, await depsFor.notificationSending());
  logEvent(context, result === 'rejected' ? 'warn' : 'info', `notifications.${result}`, {
    jobId: job.id,
    kind: job.kind,
    channel: job.channel,
    deliveryCount: context.triggerMetadata?.deliveryCount,
  });
}
