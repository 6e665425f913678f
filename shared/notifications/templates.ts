/**
 * What residents can be told, and the GOV.UK Notify templates that say it. The
 * template ids come from configuration (they are made in Notify's own admin);
 * this file fixes which ((placeholders)) each kind of message fills.
 */
import { z } from 'zod';

/** The events residents choose in their preferences (residents/profile.ts stores the choice). */
export const notificationEvents = ['status-changed', 'update-added', 'payment-receipt', 'document-checked'] as const;

/**
 * What residents can be told: the events they choose in their preferences, and
 * news of a report they follow (FixMyStreet's `alert-update`), which they chose
 * by following it; and, for a councillor, news of their enquiries (decision 1052).
 */
export const notificationKinds = [...notificationEvents, 'followed-report', 'councillor-update'] as const;
export type NotificationKind = (typeof notificationKinds)[number];
export const isPreferenceEvent = (kind: NotificationKind): kind is (typeof notificationEvents)[number] =>
  (notificationEvents as readonly string[]).includes(kind);
/**
 * Every template Doorstep sends: the notification kinds, the security code that confirms a
 * contact, and the privacy notices (an export is ready; an unused account will close), which
 * go to a confirmed contact whatever the resident's event preferences, as service messages.
 */
export const templateKinds = [
  ...notificationKinds,
  'contact-code',
  'export-ready',
  'account-closing',
  'enquiry-reminder',
] as const;
export type TemplateKind = (typeof templateKinds)[number];
export const channels = ['email', 'sms'] as const;
export type Channel = (typeof channels)[number];

/** The personalisation each template receives: the same keys for email and text message. */
export const placeholders: Readonly<Record<TemplateKind, readonly string[]>> = {
  'status-changed': ['service_name', 'reference', 'status', 'update', 'link'],
  'update-added': ['service_name', 'reference', 'update', 'link'],
  'payment-receipt': ['description', 'amount', 'reference', 'link'],
  'document-checked': ['file_purpose', 'outcome', 'link'],
  'contact-code': ['code', 'minutes'],
  'followed-report': ['service_name', 'reference', 'status', 'update', 'link'],
  // To the councillor who raised an enquiry: the link is to the enquiry in the staff workspace.
  'councillor-update': ['service_name', 'reference', 'status', 'update', 'link'],
  // No personal data: a link to the site's page for the export (never the archive's own link) and a date.
  'export-ready': ['link', 'available_until'],
  'account-closing': ['closes_on', 'link'],
  // To the casework team's mailbox, not a resident: ids and the deadline only.
  'enquiry-reminder': ['reference', 'request', 'service_code', 'councillor', 'respond_by'],
};

const templateId = z.uuid();
export const notifyTemplatesSchema = z.partialRecord(
  z.enum(templateKinds),
  z.strictObject({ email: templateId.optional(), sms: templateId.optional() }),
);
export type NotifyTemplates = z.output<typeof notifyTemplatesSchema>;
