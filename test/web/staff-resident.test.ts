/**
 * #17 in a real browser: the managers' report (a period chosen with GOV.UK date inputs,
 * its errors, the accessible table) and the single view of a resident, reached from a
 * request's page and opened only for a stated reason, which the access audit keeps.
 * axe's WCAG 2.2 A/AA scan on every page and error state. The pages have no script of
 * their own (GET forms), so one JavaScript-on run covers them.
 */
import { randomUUID } from 'node:crypto';
import type { CosmosClient } from '@azure/cosmos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import type { AccessEntry } from '../../shared/audit/access-log.js';
import { axeViolations, newContext, screenshot, signInAs } from '../support/browser.js';
import { cosmosOf } from '../support/outbox.js';
import { closeWebSuite, openWebSuite } from '../support/web-suite.js';

const site = inject('webUrl');
const api = inject('apiUrl');
const at = cosmosOf(inject('appSettings').CosmosDb);
let browser: Browser;
let cosmos: CosmosClient;

beforeAll(async () => {
  ({ browser, cosmos } = await openWebSuite());
});
afterAll(() => closeWebSuite({ browser, cosmos }));

const heading = (page: Page) => page.locator('h1').first().innerText();
const check = async (page: Page, name: string) => {
  await screenshot(page, `staff-resident-${name}`);
  expect(await axeViolations(page), name).toEqual([]);
};

/**
 * One day's bucket of the reporting index (shared/reporting/model.ts), in March 2020 and a
 * ward of its own, so no other file's requests share its row: two closed (after 24 and 12
 * hours) and one still open, long past what potholes expect.
 */
async function aReportBucket(ward: string): Promise<void> {
  await cosmos
    .database(at.database)
    .container('reports')
    .items.upsert({
      id: `${ward}:2020-03-02`,
      pk: 'pothole',
      kind: 'bucket',
      ward,
      day: '2020-03-02',
      requests: {
        [randomUUID()]: { createdAt: '2020-03-02T09:00:00Z', closedAt: '2020-03-03T09:00:00Z', seen: '2020-03-03' },
        [randomUUID()]: { createdAt: '2020-03-02T09:00:00Z', closedAt: '2020-03-02T21:00:00Z', seen: '2020-03-02' },
        [randomUUID()]: { createdAt: '2020-03-02T10:00:00Z', seen: '2020-03-02T10:00:00Z' },
      },
    });
}

/** A resident with an email-only preference and one report; returns them and the report. */
async function aResidentWithAReport(): Promise<{ who: string; id: string }> {
  const who = `staff-resident-${randomUUID().slice(0, 8)}`;
  const token = await requestDevToken(inject('issuer'), who, ['resident']);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const patched = await fetch(`${api}/api/me`, {
    method: 'PATCH',
    headers,
    body: JSON.stringify({ preferences: { email: true, sms: false } }),
  });
  expect(patched.status).toBe(200);
  const made = await fetch(`${api}/api/requests`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      serviceCode: 'pothole',
      description: 'Pothole by the library steps.',
      location: { lat: 51.4545, long: -2.5879 },
      attributes: { where: 'road', size: 'medium' },
    }),
  });
  expect(made.status).toBe(201);
  return { who, id: ((await made.json()) as { id: string }).id };
}

async function accessEntries(residentId: string): Promise<AccessEntry[]> {
  const { resources } = await cosmos
    .database(at.database)
    .container('audit')
    .items.query<AccessEntry>(
      { query: 'SELECT * FROM c WHERE c.residentId = @r', parameters: [{ name: '@r', value: residentId }] },
      { partitionKey: residentId },
    )
    .fetchAll();
  return resources;
}

async function fillDate(page: Page, legend: string, [day, month, year]: readonly string[]) {
  const group = page.getByRole('group', { name: legend });
  await group.getByLabel('Day').fill(day ?? '');
  await group.getByLabel('Month').fill(month ?? '');
  await group.getByLabel('Year').fill(year ?? '');
}

describe('the staff report and the single view of a resident', () => {
  it('when a manager chooses a period, then each service and ward shows open, overdue and median time to close; a wrong period is explained', async () => {
    const ward = `E05${randomUUID().slice(0, 6)}`;
    await aReportBucket(ward);
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await page.goto(`${site}/staff/reports`);
    await signInAs(page, 'sam', site);
    expect(await heading(page)).toBe('Reports');
    // The default period: the last 30 days, ending today.
    const today = new Date();
    expect(await page.getByRole('group', { name: 'To' }).getByLabel('Year').inputValue()).toBe(
      String(today.getUTCFullYear()),
    );
    expect(await page.locator('#results').innerText()).toMatch(/^Opened from .+ to .+$/);
    await check(page, 'reports');

    // A date that does not exist, and an end before the start.
    await fillDate(page, 'From', ['31', '2', '2020']);
    await fillDate(page, 'To', ['', '3', '2020']);
    await page.getByRole('button', { name: 'Show report' }).click();
    const summary = page.locator('.govuk-error-summary');
    expect(await summary.innerText()).toContain('The start date must be a real date');
    expect(await summary.innerText()).toContain('The end date must include a day');
    expect(await page.title()).toMatch(/^Error: /);
    await check(page, 'reports-error');
    await summary.getByRole('link', { name: 'The end date must include a day' }).click();
    // Page script as a string: this project's TypeScript has no DOM types.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('to-day');

    await fillDate(page, 'From', ['1', '3', '2020']);
    await fillDate(page, 'To', ['31', '3', '2020']);
    await page.getByRole('button', { name: 'Show report' }).click();
    expect(await page.locator('#results').innerText()).toBe('Opened from 1 March 2020 to 31 March 2020');
    const row = page.locator(`tbody tr[data-ward="${ward}"]`);
    expect(
      (await row.locator('th, td').allInnerTexts()).map((t) => t.trim()),
      'service, ward, opened, still open, overdue, closed, median',
    ).toEqual(['Pothole', ward, '3', '1', '1', '2', '18.0 hours']);
    expect(await page.getByRole('columnheader', { name: 'Median time to close' }).count()).toBe(1);
    await check(page, 'reports-period');
    await context.close();
  });

  it('when staff go from a request to its reporter’s record, then it opens only for a reason, shows their requests and preferences, and the opening is audited', async () => {
    const { who, id } = await aResidentWithAReport();
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await page.goto(
      `${site}/staff/requests/${id}?reason=${encodeURIComponent('Contacting the reporter about this request')}`,
    );
    await signInAs(page, 'sam', site);
    await page.getByRole('link', { name: 'See this resident’s requests, payments, documents and preferences' }).click();
    expect(new URL(page.url()).pathname).toBe(`/staff/residents/${who}`);
    expect(await heading(page)).toBe('Why do you need to see this resident’s record?');
    const before = (await accessEntries(who)).filter((e) => e.what.type === 'resident');
    expect(before).toEqual([]);
    await check(page, 'reason');

    await page.getByRole('button', { name: 'Open the record' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Select why you need to see');
    await check(page, 'reason-error');

    await page.getByLabel('Reason').selectOption('Checking related requests, payments or documents');
    await page.getByRole('button', { name: 'Open the record' }).click();
    expect(await heading(page)).toBe('Resident record');
    expect(await page.locator('table[data-section="requests"] tbody tr').getAttribute('data-id')).toBe(id);
    expect(await page.locator('.govuk-summary-list').innerText()).toMatch(/Send updates by\s+Email/);
    expect(await page.getByText('No payments.').count()).toBe(1);
    await check(page, 'record');

    const opened = (await accessEntries(who)).filter((e) => e.what.type === 'resident');
    expect(opened.map((e) => [e.actor.sub, e.why.split('(staff single view): ')[1]])).toEqual([
      ['sam', 'Checking related requests, payments or documents'],
    ]);
    await context.close();
  });
});
