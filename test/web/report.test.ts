/**
 * Report a problem in a real browser, JavaScript on and off: a service whose
 * questions cover every Open311 datatype, every kind of error, postcode search,
 * check answers, confirmation, and the report in My Account.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { axeViolations, consentIfAsked, launch, newContext, screenshot, signInAs } from '../support/browser.js';
import { carryOnPastNearby, carryOnToCheck, photosHeading, potholeToAddresses } from '../support/journey.js';

const site = inject('webUrl');
let browser: Browser;

/** A service asking one question of every datatype, all required. */
const everyQuestion = {
  code: 'web-every-question',
  name: 'Damaged bench',
  description: 'A bench that is broken or unsafe.',
  group: 'parks-and-trees',
  expectedDays: 10,
  attributes: [
    { code: 'seat', description: 'Which seat number?', datatype: 'string', required: true, order: 1 },
    { code: 'planks', description: 'How many planks are broken?', datatype: 'number', required: true, order: 2 },
    { code: 'noticed', description: 'When did you notice it?', datatype: 'datetime', required: true, order: 3 },
    { code: 'details', description: 'Anything else we should know?', datatype: 'text', required: false, order: 4 },
    {
      code: 'material',
      description: 'What is it made of?',
      datatype: 'singlevaluelist',
      required: true,
      order: 5,
      values: [
        { key: 'wood', name: 'Wood' },
        { key: 'metal', name: 'Metal' },
      ],
    },
    {
      code: 'damage',
      description: 'What is wrong with it?',
      datatype: 'multivaluelist',
      required: true,
      order: 6,
      values: [
        { key: 'broken', name: 'Broken' },
        { key: 'graffiti', name: 'Graffiti' },
        { key: 'sharp', name: 'Sharp edges' },
      ],
    },
  ],
};

beforeAll(async () => {
  browser = await launch(inject('chromium'));
  const admin = await requestDevToken(inject('appSettings').WORKFORCE_OIDC_ISSUER ?? '', 'ada', ['staff', 'admin']);
  const response = await fetch(`${inject('apiUrl')}/api/admin/services/${everyQuestion.code}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(everyQuestion),
  });
  expect(response.status).toBeLessThan(300);
});
afterAll(async () => {
  await browser.close();
});

const heading = (page: Page) => page.locator('h1').first().textContent();
const summary = async (page: Page) =>
  (await page.locator('.govuk-error-summary li').allInnerTexts()).map((text) => text.trim());

describe('reporting a problem', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `report-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when a resident answers every kind of question, wrongly then rightly, and finds the address by postcode (${mode}), then the report is filed once and shows in My Account`, async () => {
      const sub = `reporter-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await page.goto(`${site}/report`);
      await signInAs(page, sub, site);
      expect(new URL(page.url()).pathname).toBe('/report');
      expect(await heading(page)).toContain('What do you want to report?');
      await check(page, 'service');

      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await summary(page)).toEqual(['Select the kind of problem']);
      expect(await page.title()).toMatch(/^Error: /);
      await check(page, 'service-error');
      await page.getByLabel('Damaged bench').check();
      await page.getByRole('button', { name: 'Continue' }).click();

      expect(await heading(page)).toBe('About the damaged bench');
      await check(page, 'questions');
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await summary(page)).toEqual([
        'Answer “Which seat number?”',
        'Answer “How many planks are broken?”',
        'Answer “When did you notice it?”',
        'Answer “What is it made of?”',
        'Answer “What is wrong with it?”',
        'Describe the problem',
      ]);
      await check(page, 'questions-empty');

      await page.getByLabel('Which seat number?').fill('B7');
      await page.getByLabel('How many planks are broken?').fill('three');
      await page.getByLabel('Day', { exact: true }).fill('31');
      await page.getByLabel('Month', { exact: true }).fill('2');
      await page.getByLabel('Year', { exact: true }).fill('2026');
      await page.getByLabel('Metal', { exact: true }).check();
      await page.getByLabel('Broken', { exact: true }).check();
      await page.getByLabel('Sharp edges', { exact: true }).check();
      await page.getByLabel('Describe the problem').fill('The bench by the pond has split in two.');
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await summary(page)).toEqual([
        '“How many planks are broken?” must be a number',
        '“When did you notice it?” must be a real date, like 27 3 2026',
      ]);
      // What was right is kept.
      expect(await page.getByLabel('Which seat number?').inputValue()).toBe('B7');
      expect(await page.getByLabel('Sharp edges', { exact: true }).isChecked()).toBe(true);
      await check(page, 'questions-invalid');
      await page.getByLabel('How many planks are broken?').fill('3');
      await page.getByLabel('Day', { exact: true }).fill('28');
      await page.getByRole('button', { name: 'Continue' }).click();

      expect(await heading(page)).toBe('Where is the problem?');
      await page.getByRole('button', { name: 'Find address' }).click();
      expect(await summary(page)).toEqual(['Enter a postcode or a street name']);
      await check(page, 'location-error');
      await page.getByLabel('Postcode or street name').fill('ZZ9 9ZZ');
      await page.getByRole('button', { name: 'Find address' }).click();
      expect(await summary(page)).toEqual([
        'No addresses match that postcode or street: check it, or try the street name',
      ]);
      await page.getByLabel('Postcode or street name').fill('db1 1ab');
      await page.getByRole('button', { name: 'Find address' }).click();
      await check(page, 'location-found');
      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await summary(page)).toEqual(['Select the address nearest the problem']);
      await page.getByLabel('11 Mill Lane, Doorstep').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      // The other run's report may be nearby (test/web/follow.test.ts covers that step): report anyway.
      await carryOnPastNearby(page);
      // Photos are optional (test/web/photos.test.ts adds them).
      expect(await heading(page)).toBe(photosHeading);
      await page.getByRole('button', { name: 'Continue' }).click();

      expect(await heading(page)).toBe('Check your answers before sending your report');
      const rows = await page.locator('.govuk-summary-list__row').allInnerTexts();
      expect(rows.join('\n')).toContain('28 February 2026');
      expect(rows.join('\n')).toContain('Broken, Sharp edges');
      expect(rows.join('\n')).toContain('11 Mill Lane, Doorstep (DB1 1AB)');
      await check(page, 'check');
      await page.getByRole('button', { name: 'Send report' }).click();

      expect(await page.locator('.govuk-panel__title').textContent()).toContain('Report sent');
      const reference = (await page.locator('.govuk-panel__body strong').textContent()) ?? '';
      expect(reference).toMatch(/^[0-9a-f-]{36}$/);
      await check(page, 'confirmation');

      // Sending again (back, then send) files nothing new: the journey is over and its key was used.
      await page.goto(`${site}/my-account`);
      const links = await page.getByRole('link', { name: 'Damaged bench' }).count();
      expect(links).toBe(1);
      await page.getByRole('link', { name: 'Damaged bench' }).click();
      expect(await page.getByText(`Reference ${reference}`).count()).toBe(1);
      await context.close();
    });
  }
});

describe('a session that expires in the middle of a report', () => {
  it('when the resident next sends a form, then they sign in again and carry on with their answers kept', async () => {
    const { sealSession, unsealSession } = await import('../../web/session.js');
    const key = new Uint8Array(Buffer.from(inject('webSessionKey'), 'base64'));
    const sub = `expiring-${Math.random().toString(36).slice(2, 8)}`;
    const context = await newContext(browser, false);
    const page = await context.newPage();
    await potholeToAddresses(page, {
      site,
      sub,
      description: 'Deep pothole by the school gates.',
      postcode: 'DB2 1AA',
    });

    // The access token runs out while the resident is away.
    const [cookie] = (await context.cookies()).filter((c) => c.name === '__Host-doorstep');
    const session = await unsealSession(cookie?.value, key);
    if (!cookie || !session?.user) throw new Error('no signed-in session');
    await context.addCookies([
      { ...cookie, value: await sealSession({ ...session, user: { ...session.user, expiresAt: 0 } }, key) },
    ]);
    await page.getByLabel('1 Church Street, Doorstep').check();
    await page.getByRole('button', { name: 'Continue' }).click();

    // The identity provider still knows them: no password, at most its consent page; their answers are kept.
    await consentIfAsked(page, site);
    // What they sent as the sign-in ran out comes back, to send again (web/http/page.ts, signInAgain).
    await page.waitForURL(`${site}/resume`);
    await page.getByRole('button', { name: 'Continue' }).click();
    // The location was taken: on past nearby reports (other tests' potholes may be there) and photos.
    await carryOnToCheck(page);
    expect(await heading(page)).toBe('Check your answers before sending your report');
    const rows = (await page.locator('.govuk-summary-list__row').allInnerTexts()).join('\n');
    expect(rows).toContain('Up to a car tyre');
    expect(rows).toContain('Deep pothole by the school gates.');
    await context.close();
  });
});
