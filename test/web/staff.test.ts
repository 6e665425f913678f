/**
 * #17 the staff workspace in a real browser, JavaScript on and off: staff sign in
 * through the staff client into their own session, triage with filters (and a filter
 * error), open a request (its photo drawn, its dispatch history; reporter details only
 * for a stated reason), add an internal note (and an empty one), change status (only the
 * transition table's next steps are offered), assign to a team, an officer and "me",
 * resend to the back office, add a public update that the public view (Open311) shows
 * while the internal note stays out of it, then find the request by its new status; a
 * resident is refused. axe's WCAG 2.2 A/AA scan on every page and error state;
 * screenshots of each.
 */
import { randomUUID } from 'node:crypto';
import type { CosmosClient } from '@azure/cosmos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { starterServices } from '../../shared/catalogue/starter-services.js';
import { axeViolations, consentIfAsked, newContext, screenshot, signInAs } from '../support/browser.js';
import { cosmosOf } from '../support/outbox.js';
import { aCheckedPhoto } from '../support/photos.js';
import { waitFor } from '../support/wait.js';
import { closeWebSuite, openWebSuite } from '../support/web-suite.js';

const site = inject('webUrl');
const api = inject('apiUrl');
const issuer = inject('issuer');
const at = cosmosOf(inject('appSettings').CosmosDb);
let browser: Browser;
let cosmos: CosmosClient;

beforeAll(async () => {
  ({ browser, cosmos } = await openWebSuite());
});
afterAll(() => closeWebSuite({ browser, cosmos }));

const dayMs = 86_400_000;
const heading = (page: Page) => page.locator('h1').first().innerText();
const rowIds = async (page: Page) =>
  Promise.all((await page.locator('tbody tr').all()).map((row) => row.getAttribute('data-request-id')));
const rowText = async (page: Page, key: string) =>
  (
    await page
      .locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: key }) })
      .first()
      .innerText()
  ).trim();

/**
 * A service of each run's own (a pothole by another name): the ward filter is a list of
 * the council's real wards, which other files' reports share, and the js and no-js runs
 * report in the same ward, so the queue is narrowed to exactly one run's reports by service.
 */
const ownService = () => ({
  code: `staff-web-${randomUUID().slice(0, 8)}`,
  name: `Staff test ${randomUUID().slice(0, 8)}`,
});
const services = { js: ownService(), 'no-js': ownService() };
const ward = 'E05900006';

beforeAll(async () => {
  const adminToken = await requestDevToken(inject('appSettings').WORKFORCE_OIDC_ISSUER ?? '', 'ada', [
    'staff',
    'admin',
  ]);
  const pothole = starterServices.find((s) => s.code === 'pothole');
  for (const service of Object.values(services)) {
    const made = await fetch(`${api}/api/admin/services/${service.code}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...pothole, ...service }),
    });
    expect(made.status).toBe(200);
  }
});

/** A report of this file's service made `ageDays` ago in `ward` (set in the store, as if reported there). */
async function aReport(
  service: { code: string },
  ward: string,
  ageDays: number,
  description: string,
  { withPhoto = false } = {},
): Promise<string> {
  const token = await requestDevToken(issuer, `staff-web-${randomUUID().slice(0, 8)}`, ['resident']);
  const photos = withPhoto ? [await aCheckedPhoto(api, token)] : [];
  const response = await fetch(`${api}/api/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      serviceCode: service.code,
      description,
      location: { lat: 51.4545, long: -2.5879 },
      attributes: { where: 'road', size: 'medium' },
      ...(withPhoto ? { photos } : {}),
    }),
  });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  const item = cosmos.database(at.database).container('requests').item(id, id);
  const { resource } = await item.read<Record<string, unknown>>();
  if (!resource) throw new Error('not stored');
  const earlier = (iso: unknown) => new Date(Date.parse(String(iso)) - ageDays * dayMs).toISOString();
  await item.replace({
    ...resource,
    ward,
    createdAt: earlier(resource.createdAt),
    ...(resource.expectedAt ? { expectedAt: earlier(resource.expectedAt) } : {}),
  });
  // Sent to its back office first, so that "send again" has something to resend.
  const staffToken = await requestDevToken(inject('appSettings').WORKFORCE_OIDC_ISSUER ?? '', 'sam', ['staff']);
  await waitFor(
    async () => {
      const read = await fetch(`${api}/api/requests/${id}`, { headers: { authorization: `Bearer ${staffToken}` } });
      const body = (await read.json()) as { dispatch?: { state: string } | null };
      return body.dispatch?.state !== undefined && body.dispatch.state !== 'pending';
    },
    { what: 'the report to be sent to its back office' },
  );
  return id;
}

describe('the staff workspace', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const service = services[mode];
    const check = async (page: Page, name: string) => {
      await screenshot(page, `staff-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when staff triage with filters, open a request, add a note, change status, assign and resend (${mode}), then each is done and shown`, async () => {
      const marker = randomUUID().slice(0, 8);
      const late = await aReport(service, ward, 40, `Late pothole ${marker}`, { withPhoto: true });
      const fresh = await aReport(service, ward, 1, `Fresh pothole ${marker}`);

      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await page.goto(`${site}/staff/requests`);
      await signInAs(page, 'sam', site);
      expect(await heading(page)).toBe('Triage queue');
      expect(await page.locator('.govuk-service-navigation').innerText()).toContain('Staff workspace');
      await check(page, 'queue');

      // Filters: a GET form, so the same with and without JavaScript.
      await page.getByLabel('Ward', { exact: true }).selectOption(ward);
      await page.getByLabel('Service', { exact: true }).selectOption(service.code);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(new URL(page.url()).searchParams.get('ward')).toBe(ward);
      const rows = page.locator('tbody tr');
      expect((await rowIds(page)).sort()).toEqual([late, fresh].sort());
      expect(await page.getByRole('list', { name: 'Requests by service' }).innerText()).toContain(`${service.name}: 2`);
      await page.getByLabel('Overdue only').check();
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(await rowIds(page)).toEqual([late]);
      expect(await rows.first().innerText()).toContain('Overdue');
      await check(page, 'queue-filtered');

      await page.getByLabel('Reported at least this many days ago').fill('soon');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(await page.locator('.govuk-error-summary').innerText()).toContain('whole number of days');
      expect(await page.title()).toMatch(/^Error: /);
      await check(page, 'queue-error');
      // A valid age, overdue or not: only the report from 40 days ago is at least 30 days old.
      await page.getByLabel('Reported at least this many days ago').fill('30');
      await page.getByLabel('Either', { exact: true }).check();
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(new URL(page.url()).searchParams.get('olderThanDays')).toBe('30');
      expect(new URL(page.url()).searchParams.get('overdue') ?? '').toBe('');
      expect(await rowIds(page)).toEqual([late]);

      // The request's page.
      await page.locator(`tbody tr[data-request-id="${late}"] a`).click();
      expect(await heading(page)).toBe(service.name);
      expect(await rowText(page, 'Description')).toContain(`Late pothole ${marker}`);
      expect(await page.locator('#reporter').locator('xpath=following-sibling::*[1]').innerText()).not.toContain(
        'Sign-in ID',
      );
      expect(await rowText(page, 'State')).toMatch(/sent|acknowledged/);
      // Its dispatch history: made, then sent.
      const history = await page.locator('.app-dispatch-history li').allInnerTexts();
      expect(history.map((h) => h.split(':')[0])).toEqual(expect.arrayContaining(['Made', 'Sent']));
      // The reporter's photo, drawn through the staff route (an audited read, then its short-lived link).
      const photo = page.locator('#photos img');
      expect(await photo.getAttribute('alt')).toBe('Photo 1: pothole.png');
      expect(await photo.getAttribute('src')).toMatch(new RegExp(`^/staff/requests/${late}/photos/[\\w-]+$`));
      await expect
        .poll(() => photo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
        .toBe(2);
      await check(page, 'request');

      // Reporter details: only for a reason, which the audit keeps.
      await page.getByLabel('Why do you need them?').selectOption('Contacting the reporter about this request');
      await page.getByRole('button', { name: 'Show reporter details' }).click();
      expect(await rowText(page, 'Sign-in ID')).toContain('staff-web-');
      await check(page, 'request-reporter');

      // An internal note: empty first.
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      expect(await page.locator('.govuk-error-summary').innerText()).toContain('Enter the update or note');
      await check(page, 'note-error');
      await page.getByLabel('Internal note').check();
      await page.getByLabel('Update or note').fill(`Inspector to look ${marker}`);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Internal note added');
      const note = page.locator('.app-timeline__item--internal', { hasText: `Inspector to look ${marker}` });
      expect(await note.innerText()).toContain('Internal');

      // Status: only the next steps of the transition table are offered.
      const options = await page.getByLabel('New status').locator('option').allInnerTexts();
      expect(options).not.toContain('Received');
      expect(options).toContain('Being investigated');
      await page.getByLabel('New status').selectOption('investigating');
      await page.getByLabel('Public update (optional)').fill('We are looking at it');
      await page.getByRole('button', { name: 'Change status' }).click();
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Being investigated');
      expect(await rowText(page, 'Status')).toContain('Being investigated');
      await check(page, 'request-changed');

      // Assign to a team: with nothing chosen first.
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      expect(await page.locator('.govuk-error-summary').innerText()).toContain('Select who to assign');
      await check(page, 'assign-error');
      await page.getByLabel('A team', { exact: true }).check();
      await page.getByLabel('Team (if a team)').selectOption('highways');
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      expect(await rowText(page, 'Assigned to')).toContain('Highways');
      // To an officer by staff ID, then to whoever is signed in.
      await page.getByLabel('An officer', { exact: true }).check();
      await page.getByLabel('Officer’s staff ID (if an officer)').fill('kim');
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      expect(await rowText(page, 'Assigned to')).toContain('Officer kim');
      await page.getByLabel('Me', { exact: true }).check();
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Request assigned');
      expect(await rowText(page, 'Assigned to')).toContain('Officer sam');
      // The same page as after the status change, a banner's words apart: a picture, no second scan.
      await screenshot(page, `staff-assigned-me-${mode}`);

      // Resend to the back office.
      await page.getByRole('button', { name: 'Send to the back office again' }).click();
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Sent to the back office again');
      await check(page, 'request-resent');

      // A public update through the Add form's other choice.
      const publicWords = `A crew is booked ${randomUUID().slice(0, 8)}`;
      await page.getByLabel('Public update', { exact: true }).check();
      await page.getByLabel('Update or note').fill(publicWords);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Public update added');
      const update = page.locator('.app-timeline__item', { hasText: publicWords });
      expect(await update.getAttribute('class')).not.toContain('app-timeline__item--internal');
      expect(await update.innerText()).toContain('Public');
      await check(page, 'public-update');

      // What the public sees (Open311) has the public update, never the note (nor the unmoderated description).
      const reporterView = await fetch(`${api}/api/open311/v2/requests/${late}.json`);
      const published = await reporterView.text();
      expect(published).not.toContain(marker);
      expect((JSON.parse(published) as { status_notes: string | null }[])[0]?.status_notes).toBe(publicWords);

      // The queue by status: the request changed above, and only it (the back link, as staff go back).
      await page.locator('.govuk-back-link').click();
      await page.getByLabel('Ward', { exact: true }).selectOption(ward);
      await page.getByLabel('Service', { exact: true }).selectOption(service.code);
      await page.getByLabel('Status', { exact: true }).selectOption('investigating');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      expect(new URL(page.url()).searchParams.get('status')).toBe('investigating');
      expect(await rowIds(page)).toEqual([late]);
      expect(await rows.first().innerText()).toMatch(/Being investigated[\s\S]*Officer sam/);
      await check(page, 'queue-by-status');
      await context.close();
    });
  }

  it('when a resident signs in to the staff workspace, or comes with their resident session, then they are refused', async () => {
    const context = await newContext(browser, true);
    const page = await context.newPage();
    const resident = `staff-web-resident-${randomUUID().slice(0, 6)}`;
    // Signed in on the residents' site first: that session never opens a staff page.
    await page.goto(`${site}/my-account`);
    await signInAs(page, resident, site);
    expect(new URL(page.url()).pathname).toBe('/my-account');
    const direct = await page.request.get(`${site}/staff/requests`, { maxRedirects: 0 });
    expect(direct.status()).toBe(303);
    expect(direct.headers().location).toMatch(/^\/staff\/sign-in/);

    // Through the staff sign-in as a resident: a clear 403.
    const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/staff/requests' && r.status() !== 303);
    await page.goto(`${site}/staff/requests`);
    // The provider remembers them: it may only ask for consent to the staff client.
    if (new URL(page.url()).origin !== new URL(site).origin) {
      if ((await page.locator('input[name=login]').count()) > 0) await signInAs(page, resident, site);
      else await consentIfAsked(page, site);
    }
    expect((await refused).status()).toBe(403);
    expect(await heading(page)).toBe('You cannot use the staff workspace');
    await screenshot(page, 'staff-forbidden');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
