/**
 * Contact details and notification preferences in a real browser, JavaScript on and
 * off: the summary page, changing the name, an email address and a mobile number
 * confirmed with the security code GOV.UK Notify's stand-in recorded, and every error
 * (empty and invalid fields, a wrong, malformed, expired and too-often-wrong code, too
 * many codes, a channel without a confirmed contact, no updates chosen, a form without
 * its CSRF token), with axe's WCAG 2.2 A/AA scan on every page and error state.
 */
import type { CosmosClient } from '@azure/cosmos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, newContext, screenshot, signInAs } from '../support/browser.js';
import { codeSentTo } from '../support/contacts.js';
import { closeWebSuite, openWebSuite } from '../support/web-suite.js';

const site = inject('webUrl');
const notify = inject('govukNotifyUrl');
let browser: Browser;
let cosmos: CosmosClient;

beforeAll(async () => {
  ({ browser, cosmos } = await openWebSuite());
});
afterAll(() => closeWebSuite({ browser, cosmos }));

const heading = (page: Page) => page.locator('h1').first().innerText();
const summary = async (page: Page) =>
  (await page.locator('.govuk-error-summary li').allInnerTexts()).map((text) => text.trim());
const rowText = async (page: Page, key: string) =>
  (await page.locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: key }) }).innerText()).trim();
const wrongThan = (code: string) => String((Number(code) + 1) % 100_000).padStart(5, '0');

/** The code waiting for this resident has run out, as if 30 minutes had passed (no waiting). */
async function ageCode(residentId: string, channel: 'email' | 'sms'): Promise<void> {
  const item = cosmos.database('doorstep').container('residents').item(`contact-challenge:${channel}`, residentId);
  const { resource } = await item.read<Record<string, unknown>>();
  if (!resource) throw new Error('no code waiting');
  await item.replace({ ...resource, expiresAt: new Date(Date.now() - 1000).toISOString() });
}

describe('contact details and notification preferences', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `contacts-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };
    const save = (page: Page, name = 'Save') => page.getByRole('button', { name }).click();

    it(`when a resident changes their name, email, mobile number and preferences, with every mistake on the way (${mode}), then only confirmed contacts are used`, async () => {
      const sub = `contacts-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const email = `${sub}@example.com`;
      const phone = `07700 9${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await page.goto(`${site}/my-account/contact`);
      await signInAs(page, sub, site);
      expect(await heading(page)).toBe('Your contact details and notifications');
      expect(await rowText(page, 'Email address')).toContain('Not given');
      await check(page, 'summary');

      // Name: empty, then right.
      await page.getByRole('link', { name: 'Change name' }).click();
      expect(await heading(page)).toBe('What is your name?');
      await check(page, 'name');
      await page.getByLabel('What is your name?').fill('');
      await save(page);
      expect(await summary(page)).toEqual(['Enter your name']);
      expect(await page.title()).toMatch(/^Error: /);
      await check(page, 'name-error');
      await page.getByLabel('What is your name?').fill('Ada Lovelace');
      await save(page);
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Your name has been changed.');
      expect(await rowText(page, 'Name')).toContain('Ada Lovelace');

      // Preferences: email is chosen by default, but no email address is confirmed yet.
      await page.getByRole('link', { name: 'Change how we contact you' }).click();
      expect(await heading(page)).toBe('How do you want to hear about updates?');
      await check(page, 'preferences');
      await save(page);
      expect(await summary(page)).toEqual(['Confirm an email address before choosing email']);
      await check(page, 'preferences-unconfirmed');
      await page.getByLabel('Email', { exact: true }).uncheck();
      await page.getByLabel('Text message', { exact: true }).check();
      await save(page);
      expect(await summary(page)).toEqual(['Confirm a mobile number before choosing text message']);
      await page.getByLabel('Text message', { exact: true }).uncheck();
      await save(page);
      expect(await rowText(page, 'How we contact you')).toContain('None');

      // Email: empty, invalid, then a code: empty, malformed, wrong, a new one, right.
      await page.getByRole('link', { name: 'Change email address' }).click();
      expect(await heading(page)).toBe('What is your email address?');
      await check(page, 'email');
      await save(page, 'Send security code');
      expect(await summary(page)).toEqual(['Enter your email address']);
      await check(page, 'email-empty');
      await page.getByLabel('What is your email address?').fill('not an email');
      await save(page, 'Send security code');
      expect(await summary(page)).toEqual(['Enter an email address in the correct format, like name@example.com']);
      await check(page, 'email-invalid');
      await page.getByLabel('What is your email address?').fill(email);
      await save(page, 'Send security code');
      expect(await heading(page)).toBe('Check your email');
      expect(await page.locator('main').innerText()).toContain(email);
      await check(page, 'email-code');
      const first = await codeSentTo(notify, email);
      await save(page, 'Confirm');
      expect(await summary(page)).toEqual(['Enter the security code']);
      await check(page, 'email-code-empty');
      await page.getByLabel('Security code').fill('12a');
      await save(page, 'Confirm');
      expect(await summary(page)).toEqual(['Enter the security code: it is 5 numbers, like 12345']);
      await page.getByLabel('Security code').fill(wrongThan(first));
      await save(page, 'Confirm');
      expect(await summary(page)).toEqual(['The security code is not right: check it and try again']);
      await check(page, 'email-code-wrong');
      await save(page, 'Send a new code');
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain(
        `We have sent a new security code to ${email}.`,
      );
      const second = await codeSentTo(notify, email, 2);
      await page.getByLabel('Security code').fill(second);
      await save(page, 'Confirm');
      expect(await heading(page)).toBe('Your contact details and notifications');
      expect(await rowText(page, 'Email address')).toContain(email);
      expect(await rowText(page, 'Email address')).toContain('Confirmed');

      // Mobile: a landline is refused; the code expires; five wrong codes; then right.
      await page.getByRole('link', { name: 'Change mobile number' }).click();
      await page.getByLabel('What is your mobile number?').fill('0117 496 0000');
      await save(page, 'Send security code');
      expect(await summary(page)).toEqual(['Enter a UK mobile phone number, like 07700 900 982']);
      await check(page, 'phone-landline');
      await page.getByLabel('What is your mobile number?').fill(phone);
      await save(page, 'Send security code');
      expect(await heading(page)).toBe('Check your phone');
      const to = phone.replace(/\s/g, '');
      const late = await codeSentTo(notify, to);
      await ageCode(sub, 'sms');
      await page.getByLabel('Security code').fill(late);
      await save(page, 'Confirm');
      expect(await summary(page)).toEqual(['The security code has expired: send a new code']);
      await check(page, 'phone-code-expired');
      await save(page, 'Send a new code');
      const fresh = await codeSentTo(notify, to, 2);
      for (let i = 0; i < 5; i++) {
        await page.getByLabel('Security code').fill(wrongThan(fresh));
        await save(page, 'Confirm');
      }
      expect(await summary(page)).toEqual(['You entered a wrong code too many times: send a new code']);
      await check(page, 'phone-code-locked');
      await save(page, 'Send a new code');
      await page.getByLabel('Security code').fill(await codeSentTo(notify, to, 3));
      await save(page, 'Confirm');
      expect(await rowText(page, 'Mobile number')).toContain('Confirmed');

      // Both confirmed: choosing channels without any update is an error; then saved.
      await page.getByRole('link', { name: 'Change how we contact you' }).click();
      await page.getByLabel('Email', { exact: true }).check();
      await page.getByLabel('Text message', { exact: true }).check();
      for (const box of await page.locator('input[name=events]').all()) await box.uncheck();
      await save(page);
      expect(await summary(page)).toEqual(['Select which updates you want, or choose no way to contact you']);
      await check(page, 'preferences-no-events');
      await page.getByLabel('When the status of a report changes').check();
      await save(page);
      expect(await rowText(page, 'How we contact you')).toContain('Email, Text message');
      expect(await rowText(page, 'Which updates')).toContain('When the status of a report changes');
      await check(page, 'summary-confirmed');

      // Too many codes: the email channel has sent 2; a new address takes 3 more, the next is refused.
      await page.getByRole('link', { name: 'Change email address' }).click();
      await page.getByLabel('What is your email address?').fill(`${sub}-new@example.com`);
      await save(page, 'Send security code');
      await save(page, 'Send a new code');
      await save(page, 'Send a new code');
      await save(page, 'Send a new code');
      expect((await summary(page))[0]).toMatch(
        /^You have asked for too many security codes\. Try again in \d+ minutes$/,
      );
      await check(page, 'email-too-many-codes');
      // The confirmed address is still the one in use.
      await page.goto(`${site}/my-account/contact`);
      expect(await rowText(page, 'Email address')).toContain(email);
      expect(await rowText(page, 'Email address')).toContain(
        `Waiting for the security code sent to ${sub}-new@example.com`,
      );

      // Every form needs its CSRF token.
      const forged = await context.request.post(`${site}/my-account/contact/name`, {
        form: { name: 'Mallory' },
        maxRedirects: 0,
      });
      expect(forged.status()).toBe(403);
      await context.close();
      // Seventeen axe scans on a shared machine: more than the project's default allows.
    }, 900_000);
  }
});
