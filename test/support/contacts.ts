/**
 * Confirming a resident's contact details as a resident does: ask for a code, read it
 * where GOV.UK Notify's stand-in recorded it, send it back.
 */
import { expect, inject } from 'vitest';
import type { SentNotification } from '../../local/govuk-notify/server.js';
import { call } from './api.js';
import { waitFor } from './wait.js';

/** Everything the Notify stand-in recorded to `to`, oldest first. */
export async function sentTo(notifyUrl: string, to: string): Promise<SentNotification[]> {
  const all = (await (await fetch(`${notifyUrl}/_control/notifications`)).json()) as SentNotification[];
  return all.filter((n) => n.to === to);
}

/**
 * What Notify recorded for `address` apart from security codes (the codes that confirmed
 * contacts are not what tests count), once there are at least `atLeast` (0: as it stands).
 */
export const notificationsTo = (address: string, atLeast = 0): Promise<SentNotification[]> =>
  waitFor(
    async () => {
      const mine = (await sentTo(inject('govukNotifyUrl'), address)).filter(
        (n) => !n.templateName.startsWith('Security code'),
      );
      return mine.length >= atLeast ? mine : undefined;
    },
    { what: `${atLeast} notification(s) to be sent` },
  );

/** The security code in the `nth` (1-based) code message sent to `to`, once it has been sent. */
export async function codeSentTo(notifyUrl: string, to: string, nth = 1): Promise<string> {
  return waitFor(
    async () =>
      (await sentTo(notifyUrl, to)).filter((n) => n.templateName.startsWith('Security code'))[nth - 1]?.personalisation
        .code,
    { what: `security code ${nth} to be sent` },
  );
}

/** Asks for a code to `address` and confirms it: the address becomes the resident's verified contact. */
export async function confirmContact(who: string, channel: 'email' | 'phone', address: string): Promise<void> {
  const notify = inject('govukNotifyUrl');
  const to = channel === 'phone' ? address.replace(/\s/g, '') : address;
  const before = (await sentTo(notify, to)).filter((n) => n.templateName.startsWith('Security code')).length;
  const asked = await call('POST', `me/contact/${channel}`, { as: who, body: { [channel]: address } });
  expect(asked.status).toBe(202);
  const code = await codeSentTo(notify, to, before + 1);
  const confirmed = await call('POST', `me/contact/${channel}/confirm`, { as: who, body: { code } });
  expect(confirmed.status).toBe(200);
}
