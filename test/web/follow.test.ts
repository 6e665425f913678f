/**
 * Following a report in a real browser, JavaScript on and off: the nearby duplicates
 * step of the report journey (follow instead of reporting again, or carry on), the
 * map drawn when JavaScript runs, "reports you follow" in My Account, and the follow
 * and unfollow buttons on a report's page. axe (WCAG 2.2 A/AA) on every page and
 * error state with JavaScript on.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { axeViolations, launch, newContext, screenshot, signInAs } from '../support/browser.js';
import { carryOnWithoutPhotos, nearbyHeading } from '../support/journey.js';

const site = inject('webUrl');
const api = inject('apiUrl');
let browser: Browser;

/** A service of this file's own, so no other test's reports are nearby, and none of theirs here. */
const lamp = {
  code: 'web-follow-lamp',
  name: 'Street lamp not working',
  description: 'A street lamp that is out, flickering or damaged.',
  group: 'street-lighting',
  expectedDays: 5,
  attributes: [],
};
const address = '21 Harbour Walk, Doorstep';
const postcode = 'DB8 1AC';
const reporter = `lamp-reporter-${Math.random().toString(36).slice(2, 8)}`;
let reportId = '';

beforeAll(async () => {
  browser = await launch(inject('chromium'));
  const admin = await requestDevToken(inject('appSettings').WORKFORCE_OIDC_ISSUER ?? '', 'ada', ['staff', 'admin']);
  const put = await fetch(`${api}/api/admin/services/${lamp.code}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(lamp),
  });
  expect(put.status).toBeLessThan(300);
  const found = (await (await fetch(`${api}/api/addresses?q=${encodeURIComponent(postcode)}`)).json()) as {
    items: { address: string; lat: number; long: number }[];
  };
  const place = found.items.find((a) => a.address === address);
  if (!place) throw new Error(`${address} is not in the gazetteer`);
  const token = await requestDevToken(inject('issuer'), reporter, ['resident']);
  const created = await fetch(`${api}/api/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    // A few metres along the street from the address the residents will choose.
    body: JSON.stringify({
      serviceCode: lamp.code,
      description: 'The lamp outside number 23 has been out for a week.',
      location: { lat: place.lat + 0.0002, long: place.long },
    }),
  });
  expect(created.status).toBe(201);
  reportId = ((await created.json()) as { id: string }).id;
});
afterAll(async () => {
  await browser.close();
});

const heading = (page: Page) => page.locator('h1').first().textContent();
const summary = async (page: Page) =>
  (await page.locator('.govuk-error-summary li').allInnerTexts()).map((text) => text.trim());

/** Through the journey to the nearby step: the lamp service, a description, the address. */
async function reportALampAt(page: Page, sub: string): Promise<void> {
  await page.goto(`${site}/report`);
  await signInAs(page, sub, site);
  await page.getByLabel(lamp.name).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Describe the problem').fill('The street lamp is out.');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Postcode or street name').fill(postcode);
  await page.getByRole('button', { name: 'Find address' }).click();
  await page.getByLabel(address).check();
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('following a report instead of reporting it again', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `follow-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when a resident finds their problem already reported nearby (${mode}), then they follow it, see it in My Account without who reported it, and can stop and start again`, async () => {
      const sub = `lamp-follower-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await reportALampAt(page, sub);

      expect(new URL(page.url()).pathname).toBe('/report/nearby');
      expect(await heading(page)).toBe(nearbyHeading);
      const option = page.locator(`input[name=report][value="${reportId}"]`);
      expect(await option.count()).toBe(1);
      // The map is drawn only by the script, and the list works without it.
      expect(await page.locator('.app-map').isVisible()).toBe(javaScript);
      if (javaScript) expect(await page.locator(`.app-map [data-report="${reportId}"]`).count()).toBe(1);
      await check(page, 'nearby');

      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await summary(page)).toEqual(['Select the report that is your problem, or that it is not listed']);
      expect(await page.title()).toMatch(/^Error: /);
      await check(page, 'nearby-error');

      if (javaScript) {
        // A pin is a shortcut to the same choice in the list.
        await page.locator(`.app-map [data-report="${reportId}"]`).click();
        expect(await option.isChecked()).toBe(true);
      } else await option.check();
      await page.getByRole('button', { name: 'Continue' }).click();

      expect(await page.locator('.govuk-panel__title').textContent()).toContain('You are following this report');
      expect(await page.locator('.govuk-panel__body strong').textContent()).toBe(reportId);
      await check(page, 'following-confirmation');

      await page.goto(`${site}/my-account`);
      const followed = page.getByRole('link', { name: lamp.name });
      expect(await followed.count()).toBe(1);
      await check(page, 'account-following');
      await followed.click();

      expect(new URL(page.url()).pathname).toBe(`/my-account/requests/${reportId}`);
      expect(await heading(page)).toBe(lamp.name);
      const text = await page.locator('main').innerText();
      expect(text).not.toContain(reporter);
      expect(text).not.toContain('outside number 23');
      await check(page, 'followed-report');

      await page.getByRole('button', { name: 'Stop following this report' }).click();
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain(
        'You no longer follow this report.',
      );
      await check(page, 'unfollowed-report');
      await page.getByRole('button', { name: 'Follow this report' }).click();
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('You are following this report.');

      await page.goto(`${site}/my-account`);
      await page.getByRole('button', { name: /^Stop following/ }).click();
      expect(new URL(page.url()).pathname).toBe('/my-account');
      expect(await page.locator('main').innerText()).toContain('You do not follow any reports.');
      await check(page, 'account-unfollowed');
      await context.close();
    });
  }

  it('when the reporter meets their own report nearby, then they cannot follow it and can carry on reporting (no-js)', async () => {
    const context = await newContext(browser, false);
    const page = await context.newPage();
    await reportALampAt(page, reporter);
    expect(await heading(page)).toBe(nearbyHeading);
    await page.locator(`input[name=report][value="${reportId}"]`).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await summary(page)).toEqual(['You made this report: you hear about its progress already.']);
    await page.getByLabel('My problem is not listed: report it').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    // On with the report: the (optional) photos, then check answers.
    expect(new URL(page.url()).pathname).toBe('/report/photos');
    await carryOnWithoutPhotos(page);
    expect(await heading(page)).toBe('Check your answers before sending your report');
    await context.close();
  });

  it('when the reporter meets their own report nearby (js), then the error state is accessible', async () => {
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await reportALampAt(page, reporter);
    await page.locator(`input[name=report][value="${reportId}"]`).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await summary(page)).toEqual(['You made this report: you hear about its progress already.']);
    await screenshot(page, 'follow-own-report-error-js');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
