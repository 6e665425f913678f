/**
 * The privacy notices a resident is sent through GOV.UK Notify: their export is ready,
 * and their unused account will close. Both are service messages about the account,
 * so they go whatever the resident's event preferences say, but only ever to a contact
 * the resident confirmed (decision 0900): email first, else a text. They carry no
 * personal data: a date, and a link to the site's page (the archive's own read link is
 * handed out only to the signed-in resident on that page).
 */
import { createHash } from 'node:crypto';
import { PermanentNotifyError, type NotifyPort } from '../notifications/notifications.js';
import type { NotifyTemplates, TemplateKind } from '../notifications/templates.js';
import { verifiedContact, type ProfileStore } from '../residents/profile.js';

export type NoticeOutcome = 'sent' | 'unreachable';

export interface PrivacyNotices {
  exportReady(residentId: string, exportId: string, availableUntil: Date): Promise<NoticeOutcome>;
  accountClosing(residentId: string, closesOn: Date): Promise<NoticeOutcome>;
}

export interface NoticeDeps {
  readonly profiles: Pick<ProfileStore, 'get'>;
  readonly notify: NotifyPort;
  readonly templates: NotifyTemplates;
  /** The site's My Account page (MY_ACCOUNT_URL). */
  readonly myAccountUrl: string;
}

/** 7 December 2026: GOV.UK's date style, in UK time. */
export const ukDate = (d: Date) =>
  d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

export function notifyPrivacyNotices(deps: NoticeDeps): PrivacyNotices {
  const link = (path: string) => `${deps.myAccountUrl.replace(/\/$/, '')}${path}`;
  async function send(
    kind: TemplateKind,
    residentId: string,
    personalisation: Record<string, string>,
    reference: string,
  ): Promise<NoticeOutcome> {
    const profile = await deps.profiles.get(residentId);
    if (!profile) return 'unreachable';
    for (const channel of ['email', 'sms'] as const) {
      const to = verifiedContact(profile, channel);
      const templateId = deps.templates[kind]?.[channel];
      if (!to || !templateId) continue;
      try {
        // The same reference for a repeat of the same notice, so Notify's records show it was one notice.
        await deps.notify.send(channel, templateId, to, personalisation, reference);
        return 'sent';
      } catch (error) {
        // A refused address is as good as none: try the other channel. Anything else is retried later.
        if (!(error instanceof PermanentNotifyError)) throw error;
      }
    }
    return 'unreachable';
  }
  const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 24);
  return {
    exportReady: (residentId, exportId, availableUntil) =>
      send(
        'export-ready',
        residentId,
        { link: link(`/exports/${exportId}`), available_until: ukDate(availableUntil) },
        `export-ready-${exportId}`,
      ),
    accountClosing: (residentId, closesOn) =>
      send(
        'account-closing',
        residentId,
        { closes_on: ukDate(closesOn), link: link('') },
        `account-closing-${digest(residentId)}-${closesOn.toISOString().slice(0, 10)}`,
      ),
  };
}
