import type { InvocationContext } from '@azure/functions';
import type { CloudEvent } from '../shared/events/cloud-event.js';
import {
  cosmosSubjects,
  planNotifications,
  notificationJobSchema,
  plannedEventSchema,
  sendNotification,
} from '../shared/notifications/notifications.js';
import { govUkNotify } from '../shared/notifications/notify-client.js';
import { jsonBody } from '../shared/messaging/message-body.js';
import { logEvent } from '../shared/observability/log.js';
import { appDeps } from '../shared/platform/deps.js';
import { maxFollowersPerRequest } from '../shared/following/model.js';

/** `events` / `notify-residents` → one job per channel on the `notifications` queue. */
export async function planResidentNotifications(message: unknown, context: InvocationContext): Promise<void> {
  const deps = await appDeps();
  const { config } = deps.platform;
  const parsed = plannedEventSchema.safeParse(jsonBody(message));
  // Not one of ours: nothing to tell anyone, and redelivery would not change that.
  if (!parsed.success) {
    logEvent(context, 'warn', 'notifications.unreadable-event');
    return;
  }
  const event = parsed.data as CloudEvent<Record<string, unknown>>;
  const jobs = await planNotifications(event, {
    profiles: deps.profiles,
    templates: config.notifications.templates,
    subject: cosmosSubjects(
      { requests: deps.requestsContainer, payments: deps.payments, documents: deps.documentsContainer },
      config.notifications.myAccountUrl,
    ),
    followers: (requestId) => deps.following.followers(requestId, maxFollowersPerRequest),
  });
  if (jobs.length === 0) return;
  const sender = await deps.platform.sender('notifications');
  // A report's followers can make many jobs: sent in slices well inside a batch's size limit.
  for (let i = 0; i < jobs.length; i += 50)
    await sender.sendMessages(
      jobs.slice(i, i + 50).map((job) => ({ messageId: job.id, contentType: 'application/json', body: job })),
    );
  logEvent(context, 'info', 'notifications.planned', { eventId: event.id, jobs: jobs.length });
}

let notify: ReturnType<typeof govUkNotify> | undefined;

/** `notifications` → GOV.UK Notify. A throw is redelivered (up to the queue's max delivery count). */
export async function sendResidentNotification(message: unknown, context: InvocationContext): Promise<void> {
  const deps = await appDeps();
  const { config } = deps.platform;
  notify ??= govUkNotify({ ...config.notifications, timeoutMs: config.dependencyTimeoutMs });
  const parsed = notificationJobSchema.safeParse(jsonBody(message));
  if (!parsed.success) {
    logEvent(context, 'error', 'notifications.unreadable-job');
    return;
  }
  const job = parsed.data;
  const result = await sendNotification(job, { profiles: deps.profiles, notify });
  logEvent(context, result === 'rejected' ? 'warn' : 'info', `notifications.${result}`, {
    jobId: job.id,
    kind: job.kind,
    channel: job.channel,
    deliveryCount: context.triggerMetadata?.deliveryCount,
  });
}
