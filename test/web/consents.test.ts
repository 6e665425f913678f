/**
 * Sharing with care services from My Account (#18 item 3, decision 1102), in a real browser,
 * JavaScript on and off: the page lists the care partners with what is shared and why, a
 * resident gives and withdraws consent, and the API holds exactly that. A tampered form is an
 * error state on the page. axe's WCAG 2.2 A/AA scan on every page and state (JavaScript on).
 * Lean: one browser, one context per mode. That withdrawal stops the next event is proven at
 * the API by test/integration/care-consent.test.ts.
 */
import type { CosmosClient } from '@azure/cosmos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { axeViolations, newContext, screenshot, signInAs } from '../support/browser.js';
import { closeWebSuite, openWebSuite } from '../support/web-suite.js';

const site = inject('webUrl');
let browser: Browser;
let cosmos: CosmosClient;

beforeAll(async () => {
  ({ browser, cosmos } = await openWebSuite());
});
afterAll(() => closeWebSuite({ browser, cosmos }));

/** The resident's consents as the API holds them (what the publisher will read). */
async function consentsOf(sub: string): Promise<Record<string, string>> {
  const token = await requestDevToken(inject('issuer'), sub, ['resident']);
  const res = await fetch(`${inject('apiUrl')}/api/me/consents`, { headers: { authorization: `Bearer ${token}` } });
  const { items } = (await res.json()) as { items: { partnerId: string; state: string }[] };
  return Object.fromEntries(items.map((i) => [i.partnerId, i.state]));
}

const card = (page: Page, partnerId: string) => page.locator(`#partner-${partnerId}`);
const banner = (page: Page) => page.locator('.govuk-notification-banner').innerText();

describe('sharing with care services', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `consents-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when a resident agrees to share with a care service and later stops (${mode}), then the page and the API say so each time`, async () => {
      const sub = `consents-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const context = await newContext(browser, javaScript);
      try {
        const page = await context.newPage();
        await page.goto(`${site}/my-account`);
        await signInAs(page, sub, site);
        await page.getByRole('link', { name: 'Sharing with care services' }).click();
        await page.waitForURL(`${site}/my-account/consents`);
        expect(await page.locator('h1').innerText()).toBe('Sharing with care services');
        // What is shared and why, before anything is asked of them.
        const main = await page.locator('main').innerText();
        expect(main).toContain('you report a missed assisted bin collection');
        expect(main).toContain('We do not send what you wrote, your photos, your address or your contact details.');
        expect(await card(page, 'adult-social-care').innerText()).toContain('You have not agreed to share');
        expect(await card(page, 'community-health').innerText()).toContain('Community health services');
        await check(page, 'none');

        await page.getByRole('button', { name: 'Share with Adult social care' }).click();
        await page.waitForURL(`${site}/my-account/consents`);
        expect(await banner(page)).toContain('You are now sharing with Adult social care.');
        expect(await card(page, 'adult-social-care').innerText()).toMatch(/Sharing\s+You agreed on \d{1,2} \w+ \d{4}/);
        expect(await consentsOf(sub)).toEqual({ 'adult-social-care': 'given', 'community-health': 'not-given' });
        await check(page, 'given');

        if (javaScript) {
          // A tampered form (another partner's id): an error on the page, nothing changed.
          await page.locator('#partner-community-health input[name=partnerId]').evaluate((input) => {
            (input as unknown as { value: string }).value = 'somebody-else';
          });
          await page.getByRole('button', { name: 'Share with Community health services' }).click();
          await page.locator('.govuk-error-summary').waitFor();
          expect(await page.locator('.govuk-error-summary').innerText()).toContain('Choose one of the care services');
          await check(page, 'error');
          expect(await consentsOf(sub)).toEqual({ 'adult-social-care': 'given', 'community-health': 'not-given' });
        }

        await page.getByRole('button', { name: 'Stop sharing with Adult social care' }).click();
        await page.waitForURL(`${site}/my-account/consents`);
        expect(await banner(page)).toContain('You have stopped sharing with Adult social care.');
        expect(await card(page, 'adult-social-care').innerText()).toMatch(/Not sharing\s+You stopped sharing on/);
        expect(await consentsOf(sub)).toEqual({ 'adult-social-care': 'withdrawn', 'community-health': 'not-given' });
        await check(page, 'withdrawn');
      } finally {
        await context.close();
      }
    });
  }
});
