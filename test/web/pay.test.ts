/**
 * Paying for council services in a real browser, JavaScript on and off, through the
 * GOV.UK Pay stand-in's hosted pages (local/govuk-pay/hosted-pages.ts, shaped as
 * alphagov/pay-frontend's): a garden waste subscription, a bulky waste collection by
 * number of items, a penalty charge notice by its number; every form error; a declined
 * card, a cancelled payment, a payment not finished yet; the outcome read through the
 * API on the return page; receipts in My Account; and a sign-in that runs out mid-journey.
 * axe's WCAG 2.2 A/AA rules on every page of the site and every error state (JS pass).
 */
import { EncryptJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, consentIfAsked, launch, newContext, screenshot, signInAs } from '../support/browser.js';

const site = inject('webUrl');
const sessionKey = () => new Uint8Array(Buffer.from(inject('webSessionKey'), 'base64'));
let browser: Browser;

beforeAll(async () => {
  browser = await launch(inject('chromium'));
});
afterAll(async () => {
  await browser.close();
});

const heading = (page: Page) => page.locator('h1').first().innerText();
const summary = async (page: Page) =>
  (await page.locator('.govuk-error-summary li').allInnerTexts()).map((text) => text.trim());
const rows = async (page: Page) => (await page.locator('.govuk-summary-list__row').allInnerTexts()).join('\n');
const aResident = (what: string) => `pay-${what}-${Math.random().toString(36).slice(2, 8)}`;

/** On GOV.UK Pay's card page (the stand-in): fill in a card and continue. */
async function enterCard(page: Page, card: string): Promise<void> {
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Month').fill('12');
  await page.getByLabel('Year').fill(String((new Date().getUTCFullYear() + 2) % 100));
  await page.getByLabel('Name on card').fill('A Resident');
  await page.getByLabel('Card security code').fill('123');
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Back on the site's return page, once GOV.UK Pay's answer has reached the API ("Check again" until then). */
async function returned(page: Page): Promise<string> {
  await page.waitForURL((url) => url.href.startsWith(`${site}/pay/return`));
  const deadline = Date.now() + 60_000;
  while ((await heading(page)) === 'Your payment is not finished yet' && Date.now() < deadline)
    await page.getByRole('button', { name: 'Check again' }).click();
  return heading(page);
}

const onPay = (page: Page) => new URL(page.url()).origin !== new URL(site).origin;

async function agedSession(context: BrowserContext, change: 'token' | 'cookie'): Promise<void> {
  const { sealSession, unsealSession } = await import('../../web/session.js');
  const [cookie] = (await context.cookies()).filter((c) => c.name === '__Host-doorstep');
  const session = await unsealSession(cookie?.value, sessionKey());
  if (!cookie || !session?.user) throw new Error('no signed-in session');
  // Time passing, without waiting for it: the access token ran out, or the whole cookie did.
  const value =
    change === 'token'
      ? await sealSession({ ...session, user: { ...session.user, expiresAt: 0 } }, sessionKey())
      : await new EncryptJWT({ s: session })
          .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
          .setIssuedAt(Math.floor(Date.now() / 1000) - 9 * 3600)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
          .encrypt(sessionKey());
  await context.addCookies([{ ...cookie, value }]);
}

describe('paying for a council service', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `pay-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when a resident pays for a garden waste subscription (${mode}), then GOV.UK Pay's card page takes the card, the return page reads the payment as paid, and the receipt is in My Account`, async () => {
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await page.goto(`${site}/pay`);
      await signInAs(page, aResident(`garden-${mode}`), site);
      expect(new URL(page.url()).pathname).toBe('/pay');
      expect(await heading(page)).toBe('What do you want to pay for?');
      await check(page, 'item');
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await summary(page)).toEqual(['Select what you want to pay for']);
      expect(await page.title()).toMatch(/^Error: /);
      await check(page, 'item-error');
      await page.getByLabel('Garden waste subscription').check();
      await page.getByRole('button', { name: 'Continue' }).click();

      expect(await heading(page)).toBe('Check your answers before you pay');
      expect(await rows(page)).toContain('Garden waste subscription');
      expect(await rows(page)).toContain('£52.00');
      await check(page, 'check-garden');
      await page.getByRole('button', { name: 'Continue to payment' }).click();

      // GOV.UK Pay's pages: every field wrong first, then a card it accepts, then confirm.
      await page.waitForURL((url) => url.pathname.startsWith('/card_details/'));
      expect(await heading(page)).toBe('Enter card details');
      expect(await page.getByText('£52.00').count()).toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await page.getByRole('alert').innerText()).toContain('The following fields are missing or contain errors');
      await enterCard(page, '4444333322221111');
      expect(await heading(page)).toBe('Confirm your payment');
      await page.getByRole('button', { name: 'Confirm payment' }).click();

      expect(await returned(page)).toBe('Payment complete');
      const reference = await page.locator('.govuk-panel__body strong').innerText();
      expect(reference).toMatch(/^[0-9a-f-]{36}$/);
      await check(page, 'return-success');

      await page.getByRole('link', { name: 'View your receipt' }).click();
      expect(new URL(page.url()).pathname).toBe(`/my-account/payments/${reference}`);
      expect(await rows(page)).toMatch(/Status\s+Paid/);
      expect(await rows(page)).toContain(reference);
      await check(page, 'receipt');

      await page.goto(`${site}/my-account`);
      const entry = page.locator('.app-timeline__item', { hasText: 'Garden waste subscription, £52.00' });
      expect(await entry.count()).toBe(1);
      expect(await entry.locator('.govuk-tag').innerText()).toBe('Paid');
      await context.close();
    });

    it(`when a resident books a bulky waste collection (${mode}), gets each number wrong, then has a card declined and cancels the next try, then the return page says which, nothing is paid and My Account shows both`, async () => {
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await page.goto(`${site}/pay`);
      await signInAs(page, aResident(`bulky-${mode}`), site);
      await page.getByLabel('Bulky waste collection').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await heading(page)).toBe('How many items do you want collected?');
      await check(page, 'quantity');
      const quantity = page.getByLabel('How many items do you want collected?');
      for (const [value, error] of [
        ['', 'Enter how many items you want collected'],
        ['two', 'The number of items must be a whole number, like 3'],
        ['0', 'The number of items must be 1 or more'],
        ['7', 'You can book up to 6 items in one collection'],
      ] as const) {
        await quantity.fill(value);
        await page.getByRole('button', { name: 'Continue' }).click();
        expect(await summary(page), value).toEqual([error]);
        expect(await page.locator('.govuk-error-message').innerText()).toContain(error);
        await check(page, `quantity-error-${value || 'empty'}`);
      }
      await quantity.fill('3');
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await rows(page)).toMatch(/Number of items\s+3/);
      expect(await rows(page)).toContain('£45.00');
      await check(page, 'check-bulky');

      await page.getByRole('button', { name: 'Continue to payment' }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/card_details/'));
      await enterCard(page, '4000000000000002');
      expect(await heading(page)).toBe('Your payment has been declined');
      await page.getByRole('button', { name: 'Go back to try the payment again' }).click();
      expect(await returned(page)).toBe('Your card was declined');
      expect(await page.getByText('No money has been taken').count()).toBe(1);
      await check(page, 'return-declined');

      // Trying again keeps the answers and starts a new payment; this time the resident cancels.
      await page.getByRole('button', { name: 'Try again' }).click();
      expect(await rows(page)).toContain('£45.00');
      await page.getByRole('button', { name: 'Continue to payment' }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/card_details/'));
      await page.getByRole('button', { name: 'Cancel payment' }).click();
      expect(await heading(page)).toBe('Your payment has been cancelled');
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await returned(page)).toBe('You cancelled your payment');
      await check(page, 'return-cancelled');

      await page.goto(`${site}/my-account`);
      const tags = await page
        .locator('.app-timeline__item', { hasText: 'Bulky waste collection, £45.00' })
        .locator('.govuk-tag')
        .allInnerTexts();
      expect(tags).toEqual(['Cancelled', 'Card declined']);
      await context.close();
    });

    it(`when a resident pays a penalty charge notice by its number (${mode}), then wrong, unknown and paid numbers are refused on the page, a payment left unfinished shows as in progress, and finishing it pays it`, async () => {
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await page.goto(`${site}/pay`);
      await signInAs(page, aResident(`pcn-${mode}`), site);
      await page.getByLabel('Penalty charge notice').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await heading(page)).toBe('What is your penalty charge notice number?');
      await check(page, 'pcn');
      const number = page.getByLabel('What is your penalty charge notice number?');
      for (const [value, error] of [
        ['', 'Enter your penalty charge notice number'],
        [
          '12345',
          'Enter the penalty charge notice number as it is shown on the notice: 2 letters then 8 numbers, like BS12345678',
        ],
        ['ZZ99999999', 'We cannot find a penalty charge notice with that number. Check it against your notice'],
        ['WB10000009', 'This penalty charge notice has already been paid'],
      ] as const) {
        await number.fill(value);
        await page.getByRole('button', { name: 'Continue' }).click();
        expect(await summary(page), value).toEqual([error]);
        expect(await number.inputValue()).toBe(value);
        await check(page, `pcn-error-${value || 'empty'}`);
      }
      // Typed as printed, with a space and in lower case.
      const reference = javaScript ? 'WB10000001' : 'WB10000002';
      await number.fill(`${reference.slice(0, 2).toLowerCase()} ${reference.slice(2)}`);
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await rows(page)).toMatch(new RegExp(`Penalty charge notice number\\s+${reference}`));
      expect(await rows(page)).toContain('£70.00');
      await page.getByRole('button', { name: 'Continue to payment' }).click();

      // The resident leaves GOV.UK Pay's page without paying and comes back to the site.
      await page.waitForURL((url) => url.pathname.startsWith('/card_details/'));
      await page.goto(`${site}/pay/return`);
      expect(await heading(page)).toBe('Your payment is not finished yet');
      await check(page, 'return-in-progress');
      await page.getByRole('button', { name: 'Check again' }).click();
      expect(await heading(page)).toBe('Your payment is not finished yet');
      await page.getByRole('link', { name: 'go back to the payment page' }).click();
      await page.waitForURL((url) => url.pathname.startsWith('/card_details/'));
      await enterCard(page, '4444 3333 2222 1111');
      await page.getByRole('button', { name: 'Confirm payment' }).click();
      expect(await returned(page)).toBe('Payment complete');

      // Paid now: the notice cannot be paid again.
      await page.goto(`${site}/pay`);
      await page.getByLabel('Penalty charge notice').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await number.fill(reference);
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await summary(page)).toEqual(['This penalty charge notice has already been paid']);
      await context.close();
    });
  }
});

describe('a sign-in that runs out in the middle of paying', () => {
  it('when the access token has expired as the resident sends the check page, then they sign in again, are shown what they sent with a button to send it, and one payment starts', async () => {
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await page.goto(`${site}/pay`);
    await signInAs(page, aResident('expiring'), site);
    await page.getByLabel('Garden waste subscription').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await heading(page)).toBe('Check your answers before you pay');

    await agedSession(context, 'token');
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    // The identity provider still knows them: no password, at most its consent page.
    await consentIfAsked(page, site);
    await page.waitForURL(`${site}/resume`);
    expect(await heading(page)).toBe('You are signed in again');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'pay-resume');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => onPay(page) && url.pathname.startsWith('/card_details/'));
    await context.close();
  });

  it('when the access token has expired as the resident opens a page, then they sign in again and land on that page, told why', async () => {
    const context = await newContext(browser, false);
    const page = await context.newPage();
    await page.goto(`${site}/pay`);
    await signInAs(page, aResident('expiring-get'), site);
    await page.getByLabel('Bulky waste collection').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('How many items do you want collected?').fill('2');
    await page.getByRole('button', { name: 'Continue' }).click();

    await agedSession(context, 'token');
    await page.goto(`${site}/pay/check`);
    await consentIfAsked(page, site);
    await page.waitForURL(`${site}/pay/check`);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain(
      'You were signed out because you had not used the service for a while.',
    );
    expect(await rows(page)).toContain('£30.00');
    await context.close();
  });

  it('when someone else signs in at the same browser after the sign-in ran out, then they get none of the first resident’s answers or unsent form', async () => {
    const context = await newContext(browser, false);
    const page = await context.newPage();
    await page.goto(`${site}/pay`);
    await signInAs(page, aResident('first'), site);
    await page.getByLabel('Bulky waste collection').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('How many items do you want collected?').fill('4');

    await agedSession(context, 'token');
    // The identity provider's own session ends too (the first resident walked away), so the next person signs in.
    const provider = (await context.cookies()).filter((c) => c.name !== '__Host-doorstep');
    for (const c of provider) await context.clearCookies({ name: c.name });
    await page.getByRole('button', { name: 'Continue' }).click();
    await signInAs(page, aResident('second'), site);
    await page.waitForURL(`${site}/my-account`);
    expect(await page.locator('.govuk-notification-banner').count()).toBe(0);
    await page.goto(`${site}/pay/check`);
    expect(new URL(page.url()).pathname).toBe('/pay');
    expect(await page.getByLabel('Bulky waste collection').isChecked()).toBe(false);
    await context.close();
  });

  it('when the whole session cookie is past its lifetime, then a page asks the resident to sign in again and a form says it has expired', async () => {
    const context = await newContext(browser, false);
    const page = await context.newPage();
    await page.goto(`${site}/pay`);
    await signInAs(page, aResident('old-cookie'), site);
    await page.getByLabel('Garden waste subscription').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    await agedSession(context, 'cookie');
    const opened = await context.request.get(`${site}/pay/check`, { maxRedirects: 0 });
    expect(opened.status()).toBe(303);
    expect(opened.headers().location).toBe('/sign-in?returnTo=%2Fpay%2Fcheck');
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    expect(await heading(page)).toBe('This form has expired');
    await context.close();
  });
});
