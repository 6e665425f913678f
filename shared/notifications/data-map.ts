/** The data map of resident notifications (see shared/data-map/classification.ts). */
import type { RecordMap } from '../data-map/classification.js';
import type { NotificationJob } from './notifications.js';

export const notificationJobDataMap: RecordMap<NotificationJob> = {
  record: 'notification',
  title: 'Notification job (queue message)',
  kind: 'queue',
  where: 'Service Bus queue `notifications` (14 days at most, then dead-lettered)',
  purpose: 'Send one notification on one channel the resident chose; the address is read only at send time.',
  basis: ['public-task', 'consent'],
  recipients: [],
  fields: {
    id: { class: 'none' },
    eventId: { class: 'none' },
    residentId: { class: 'personal', note: 'whom to tell (their contact details are not on the queue)' },
    kind: { class: 'none' },
    channel: { class: 'none' },
    templateId: { class: 'none' },
    personalisation: {
      class: 'free-text',
      note: 'service name, reference, status, the public update’s text, a link; a payment’s amount',
    },
  },
};

/** What GOV.UK Notify is sent for one notification (notify-client.ts). */
export interface NotifyPayload {
  readonly templateId: string;
  readonly to: string;
  readonly personalisation: Record<string, string>;
  readonly reference: string;
}

export const notifyDataMap: RecordMap<NotifyPayload> = {
  record: 'notification',
  title: 'What GOV.UK Notify is sent',
  kind: 'notify',
  where: 'HTTPS to GOV.UK Notify (send email / send SMS)',
  purpose:
    'Email or text the resident about their report, payment or document, as they chose; and, to a confirmed contact whatever they chose, that their data export is ready or that their unused account will close.',
  basis: ['public-task', 'consent'],
  recipients: ['govuk-notify'],
  fields: {
    templateId: { class: 'none' },
    to: { class: 'personal', note: 'the resident’s email address or phone number' },
    personalisation: { class: 'free-text', note: 'as the job; never the reporter’s name' },
    reference: { class: 'none', note: 'the job id' },
  },
};
