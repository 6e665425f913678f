/**
 * #17 the admin's page for councillors' wards in a real browser: an admin finds the dev
 * councillor `cllr-wards` by Object ID (a malformed one is an error), sees the wards they
 * serve, is told when more than 10 are ticked, saves one and sees it confirmed; the
 * councillor's "Requests in my wards" then offers that ward, and the councillor is refused
 * the admin page. JavaScript on only (axe's WCAG 2.2 A/AA scan on every page and error
 * state): the page has no script of its own, each step is a plain form post.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { axeViolations, newContext, screenshot, signInAs } from '../support/browser.js';
import { browserForFile } from '../support/web-suite.js';

const site = inject('webUrl');
// Its own dev councillor, so no other file's wards or enquiries meet these.
const councillor = 'cllr-wards';
// Only the browser: the journey reads nothing from the store.
const browser = browserForFile();

const heading = (page: Page) => page.locator('h1').first().innerText();
const summary = (page: Page) => page.locator('.govuk-error-summary__list li').allInnerTexts();
const navigation = (page: Page) => page.locator('.govuk-service-navigation__list').innerText();
const accessible = async (page: Page, state: string) => expect(await axeViolations(page), state).toEqual([]);

describe("councillors' wards", () => {
  it('when an admin records a ward for a councillor, then the councillor’s requests in my wards offer it', async () => {
    const admin = await newContext(browser(), true);
    const page = await admin.newPage();
    await page.goto(`${site}/staff/admin/councillor-wards`);
    await signInAs(page, 'ada', site);
    expect(await heading(page)).toBe('Councillors’ wards');
    expect(await navigation(page)).toContain('Councillors’ wards');
    await accessible(page, 'find');

    const objectId = page.getByLabel('Councillor’s Object ID');
    await objectId.fill('not an id');
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await summary(page)).toEqual([
      'Enter the councillor’s Object ID as the directory shows it, like 00000000-0000-0000-0000-000000000000',
    ]);
    expect(await page.title()).toMatch(/^Error: /);
    await accessible(page, 'find-error');

    await objectId.fill(councillor);
    await page.getByRole('button', { name: 'Continue' }).click();
    // The Object ID went in the form body, not the address.
    expect(page.url()).toBe(`${site}/staff/admin/councillor-wards`);
    const choose = page.getByRole('group', { name: 'Which wards do they serve?' }).getByRole('checkbox');
    expect(await choose.count()).toBe(6);
    await accessible(page, 'choose');
    await screenshot(page, 'councillor-wards-choose');

    // The local council has six wards: a form with 11 ticked is one an old page or a script could send.
    const extra = ['E05999990', 'E05999991', 'E05999992', 'E05999993', 'E05999994'];
    await page.evaluate(
      `for (const code of ${JSON.stringify(extra)}) document.querySelector('fieldset').insertAdjacentHTML('beforeend', '<input type="hidden" name="wards" value="' + code + '">')`,
    );
    for (const box of await choose.all()) await box.check();
    await page.getByRole('button', { name: 'Save wards' }).click();
    expect(await summary(page)).toEqual(['Select 10 wards or fewer']);
    await accessible(page, 'choose-too-many');

    for (const box of await choose.all()) await box.uncheck();
    await page.getByLabel('Brookside').check();
    await page.getByRole('button', { name: 'Save wards' }).click();
    await expect
      .poll(() => page.locator('.govuk-notification-banner').innerText())
      .toContain(`Saved: councillor ${councillor} serves Brookside`);
    await accessible(page, 'saved');
    await admin.close();

    const own = await newContext(browser(), true);
    const theirs = await own.newPage();
    await theirs.goto(`${site}/staff/councillor/requests`);
    await signInAs(theirs, councillor, site);
    expect(await heading(theirs)).toBe('Requests in my wards');
    expect(await theirs.getByLabel('Ward').locator('option').allInnerTexts()).toEqual(['All my wards', 'Brookside']);
    expect(await navigation(theirs)).not.toContain('Councillors’ wards');
    const refused = await theirs.goto(`${site}/staff/admin/councillor-wards`);
    expect(refused?.status()).toBe(403);
    await own.close();
  });
});
