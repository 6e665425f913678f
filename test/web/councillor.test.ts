/**
 * #17 councillors' casework in a real browser: a councillor signs in at the staff
 * sign-in, sees only their own entries, raises an enquiry for a resident (the service's
 * questions, the address, the resident and their consent; every error in the summary),
 * tracks it (state, deadline, the request's updates) and sees the requests in their
 * wards; staff see the enquiries with working days left and what is overdue or due
 * soon, linked to the request; each role is refused the other's pages; the councillor is
 * emailed the staff answer with a link to the enquiry, sees where they are emailed and can
 * turn it off (decision 1052). JavaScript on
 * (axe's WCAG 2.2 A/AA scan on every page and error state) and off.
 */
import type { CosmosClient } from '@azure/cosmos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, newContext, screenshot, signInAs } from '../support/browser.js';
import { tokenFor } from '../support/api.js';
import { notificationsTo } from '../support/contacts.js';
import { cosmosOf } from '../support/outbox.js';
import { waitFor } from '../support/wait.js';
import { closeWebSuite, openWebSuite } from '../support/web-suite.js';

const site = inject('webUrl');
const api = inject('apiUrl');
const at = cosmosOf(inject('appSettings').CosmosDb);
const councillor = 'cllr-web';
// The local workforce directory's `email` claim for this dev account (local/identity/dev-accounts.ts).
const councillorEmail = 'robin.moor@council.example';
let browser: Browser;
let cosmos: CosmosClient;

beforeAll(async () => {
  ({ browser, cosmos } = await openWebSuite());
  // This councillor serves every local ward, so whatever address the test picks is theirs.
  const { items } = (await (await fetch(`${api}/api/wards`)).json()) as { items: { code: string }[] };
  const assigned = await fetch(`${api}/api/admin/councillors/${councillor}/wards`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${await tokenFor('ada', ['staff', 'admin'])}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ wards: items.map((w) => w.code) }),
  });
  expect(assigned.status).toBe(200);
});
afterAll(() => closeWebSuite({ browser, cosmos }));

const heading = (page: Page) => page.locator('h1').first().innerText();
const summary = async (page: Page) => page.locator('.govuk-error-summary__list li').allInnerTexts();
const navigation = (page: Page) => page.locator('.govuk-service-navigation__list').innerText();
const rowText = async (page: Page, key: string) =>
  (
    await page
      .locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: key }) })
      .first()
      .innerText()
  ).trim();
const today = new Date();
const todayParts = [today.getUTCDate(), today.getUTCMonth() + 1, today.getUTCFullYear()].map(String);

describe('councillor casework', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `councillor-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when a councillor raises an enquiry for a resident and staff answer it (${mode}), then both see it through`, async () => {
      const marker = crypto.randomUUID().slice(0, 8);
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await page.goto(`${site}/staff`);
      await signInAs(page, councillor, site);
      // Their own start page and entries: no triage queue.
      expect(await heading(page)).toBe('My enquiries');
      expect(await navigation(page)).toContain('Requests in my wards');
      expect(await navigation(page)).not.toContain('Triage queue');
      await check(page, 'enquiries');

      await page.getByRole('button', { name: 'Raise an enquiry' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await summary(page)).toEqual(['Select what the enquiry is about']);
      expect(await page.title()).toMatch(/^Error: /);
      await check(page, 'service-error');
      await page.getByLabel('What is the enquiry about?').selectOption('pothole');
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await heading(page)).toBe('Raise an enquiry: pothole');

      // Nothing given: every question is named in the summary, each linked to its field.
      await page.getByRole('button', { name: 'Raise enquiry' }).click();
      expect(await summary(page)).toEqual([
        'Answer “Where is it?”',
        'Answer “How big is it?”',
        'Describe the problem',
        'Enter a postcode or street to find the address',
        'Enter the resident’s name',
        'Confirm the resident agreed to you acting for them',
        'Select how the resident gave their consent',
        'Enter the date consent was given, like 27 3 2026',
      ]);
      await check(page, 'details-error');

      await page.getByLabel('Road').check();
      await page.getByLabel('Up to a car tyre').check();
      await page.getByLabel('Describe the problem').fill(`Deep pothole by the school gate ${marker}`);
      await page.getByLabel('Postcode or street').fill('db1 1ab');
      await page.getByRole('button', { name: 'Find address' }).click();
      await page.getByLabel('11 Mill Lane, Doorstep').check();
      await page.getByLabel('Full name').fill('Pat Example');
      await page.getByLabel('Email address (optional)').fill('not an email');
      await page.getByLabel('The resident agreed to me raising this').check();
      await page.getByLabel('At a surgery').check();
      await page
        .getByLabel('Day')
        .last()
        .fill(todayParts[0] ?? '');
      await page
        .getByLabel('Month')
        .last()
        .fill(todayParts[1] ?? '');
      await page
        .getByLabel('Year')
        .last()
        .fill(todayParts[2] ?? '');
      await page.getByRole('button', { name: 'Raise enquiry' }).click();
      // What was given is kept; only the wrong email is asked for again.
      expect(await summary(page)).toEqual(['Enter an email address in the correct format, like name@example.com']);
      expect(await page.getByLabel('Full name').inputValue()).toBe('Pat Example');
      await check(page, 'details-email-error');
      await page.getByLabel('Email address (optional)').fill('pat@example.com');
      await page.getByRole('button', { name: 'Raise enquiry' }).click();

      // The enquiry's page: raised, awaiting a response, with its deadline and the resident.
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Enquiry raised');
      expect(await heading(page)).toBe('Pothole');
      expect(await rowText(page, 'State')).toContain('Awaiting a response');
      expect(await rowText(page, 'Respond by')).toMatch(/\d{4}$/);
      expect(await rowText(page, 'Consent')).toContain('At a surgery');
      expect(await rowText(page, 'Name')).toContain('Pat Example');
      await check(page, 'enquiry');
      const enquiryId = new URL(page.url()).pathname.split('/').pop() ?? '';

      await page.getByRole('link', { name: 'Requests in my wards' }).click();
      const wardRow = page.locator('tbody tr', { hasText: 'Councillor enquiry' }).first();
      expect(await wardRow.innerText()).toContain('Pothole');
      await check(page, 'ward-requests');
      await page.goto(`${site}/staff/councillor/requests?ward=E05999999`);
      expect(await summary(page)).toEqual(['Select one of your wards']);
      await check(page, 'ward-requests-error');
      // Staff pages are not theirs.
      const refused = await page.goto(`${site}/staff/enquiries`);
      expect(refused?.status()).toBe(403);

      // Staff: the enquiry with its deadline, linked to the request; a councillor's page is not theirs.
      const staff = await newContext(browser, javaScript);
      const staffPage = await staff.newPage();
      await staffPage.goto(`${site}/staff/enquiries`);
      await signInAs(staffPage, 'sam', site);
      expect(await heading(staffPage)).toBe('Councillor enquiries');
      expect(await navigation(staffPage)).not.toContain('My enquiries');
      const row = staffPage.locator(`tbody tr[data-enquiry-id="${enquiryId}"]`);
      expect(await row.innerText()).toMatch(/On time[\s\S]*working days/);
      expect(await staffPage.locator('tbody').innerText()).not.toContain('Pat Example');
      await check(staffPage, 'staff-enquiries');

      // Past its deadline (as if raised weeks ago): overdue, and counted so.
      const stored = cosmos.database(at.database).container('casework').item(enquiryId, councillor);
      const { resource } = await stored.read<Record<string, unknown>>();
      await stored.replace({ ...resource, respondBy: '2026-01-02', remindOn: '2025-12-30' });
      await staffPage.reload();
      expect(await row.innerText()).toMatch(/Overdue[\s\S]*working days late/);
      await stored.replace({ ...resource });

      // The staff member answers through the request's page; the councillor sees the update.
      await row.getByRole('link').click();
      expect(await heading(staffPage)).toBe('Pothole');
      await staffPage.getByLabel('New status').selectOption('investigating');
      await staffPage.getByLabel('Public update (optional)').fill(`Inspector booked ${marker}`);
      await staffPage.getByRole('button', { name: 'Change status' }).click();
      expect(await staffPage.locator('.govuk-notification-banner').innerText()).toContain('Being investigated');
      expect((await staffPage.goto(`${site}/staff/councillor/enquiries`))?.status()).toBe(403);
      await staff.close();

      await page.goto(`${site}/staff/councillor/enquiries/${enquiryId}`);
      expect(await rowText(page, 'Request status')).toContain('Being investigated');
      expect(await page.locator('.app-timeline').innerText()).toContain(`Inspector booked ${marker}`);
      // The staff answer reached the councillor too, linked to the enquiry in the staff workspace.
      // The js and no-js runs share this councillor's address: wait for this run's email, not any one.
      const email = await waitFor(
        async () => (await notificationsTo(councillorEmail)).find((n) => n.body.includes(`Inspector booked ${marker}`)),
        { what: 'the councillor’s email about the answer' },
      );
      expect(email.templateName).toBe('Councillor enquiry update (email)');
      expect(email.body).toContain(`/staff/councillor/enquiries/${enquiryId}`);

      await page.getByRole('link', { name: 'My enquiries' }).first().click();
      expect(await page.locator(`tbody tr[data-enquiry-id="${enquiryId}"]`).innerText()).toContain('Pothole');
      // Where they are told, from their directory, and a way to stop it (and start it again).
      const notified = page.locator('[data-notified]');
      expect(await notified.getAttribute('data-notified')).toBe('on');
      expect(await notified.innerText()).toContain(councillorEmail);
      await page.getByRole('button', { name: 'Stop emailing me updates' }).click();
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('no longer be emailed');
      expect(await notified.getAttribute('data-notified')).toBe('off');
      await check(page, 'enquiries-not-notified');
      await page.getByRole('button', { name: 'Email me updates' }).click();
      expect(await notified.getAttribute('data-notified')).toBe('on');
      await context.close();
    });
  }
});
