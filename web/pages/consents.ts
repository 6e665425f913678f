/**
 * Sharing with care services, from My Account (#18 item 3, decision 1102): the care
 * partners a resident may agree to share with, what is shared and why, and giving or
 * withdrawing that agreement. A plain form per partner, so it works the same with or
 * without JavaScript; withdrawal stops the next event (the API's publisher reads consent
 * when each event leaves).
 */
import { z } from 'zod';
import { ok } from '../api/client.js';
import type { PageHandler } from '../http/page.js';

const consentView = z.object({
  partnerId: z.string(),
  partnerName: z.string(),
  description: z.string(),
  state: z.enum(['given', 'withdrawn', 'not-given']),
  givenAt: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
});
const consentsView = z.object({ items: z.array(consentView) });
type ConsentView = z.infer<typeof consentView>;

/** 30 November 2026: GOV.UK's date style, in UK time. */
const ukDate = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/London',
  });

const stateText = (c: ConsentView) =>
  c.state === 'given'
    ? `You agreed on ${ukDate(c.givenAt ?? '')}`
    : c.state === 'withdrawn'
      ? `You stopped sharing on ${ukDate(c.withdrawnAt ?? '')}`
      : 'You have not agreed to share';

async function render(page: Parameters<PageHandler>[0], error?: string) {
  const { items } = consentsView.parse(ok(await page.api().GET('/me/consents')));
  return {
    view: 'consents',
    status: error ? 400 : 200,
    data: {
      errors: error ? [{ text: error, href: `#partner-${items[0]?.partnerId ?? ''}` }] : [],
      partners: items.map((c) => ({ ...c, given: c.state === 'given', stateText: stateText(c) })),
    },
  };
}

export const consentsPage: PageHandler = async (page) => {
  if (page.request.method !== 'POST') return render(page);
  const partnerId = page.form.get('partnerId') ?? '';
  const action = page.form.get('action');
  const { items } = consentsView.parse(ok(await page.api().GET('/me/consents')));
  const partner = items.find((c) => c.partnerId === partnerId);
  // Only a tampered form names another partner or action: say so on the page, change nothing.
  if (!partner || (action !== 'give' && action !== 'withdraw'))
    return render(page, 'Choose one of the care services below and whether to share with it');
  const path = { params: { path: { partnerId: partner.partnerId } } };
  ok(
    action === 'give'
      ? await page.api().PUT('/me/consents/{partnerId}', path)
      : await page.api().DELETE('/me/consents/{partnerId}', path),
  );
  page.session = {
    ...page.session,
    flash:
      action === 'give'
        ? `You are now sharing with ${partner.partnerName}.`
        : `You have stopped sharing with ${partner.partnerName}. We will not send them anything more.`,
  };
  return { redirect: '/my-account/consents' };
};
