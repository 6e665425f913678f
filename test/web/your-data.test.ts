/**
 * A resident's data rights in a real browser, JavaScript on and off: asking for a copy
 * of their data, its page while it is gathered (refreshed by the enhancement script,
 * or "Check again"), ready (the download asks the API for a fresh link and is a ZIP of
 * their data), and expired (ask again); another resident's export is not found; then
 * deleting the account, after which signing in again shows an empty account. axe's
 * WCAG 2.2 A/AA scan on every page and state.
 */
import type { CosmosClient } from '@azure/cosmos';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, consentIfAsked, newContext, screenshot, signInAs } from '../support/browser.js';
import { unzip } from '../support/files.js';
import { waitFor } from '../support/wait.js';
import { closeWebSuite, openWebSuite } from '../support/web-suite.js';

const site = inject('webUrl');
let browser: Browser;
let cosmos: CosmosClient;

beforeAll(async () => {
  ({ browser, cosmos } = await openWebSuite());
});
afterAll(() => closeWebSuite({ browser, cosmos }));

const heading = (page: Page) => page.locator('h1').first().innerText();
const jobs = () => cosmos.database('doorstep').container('privacy');
/** Runs the privacy timer now (unfinished exports and erasures), as subject-access.test.ts does. */
const runPrivacyJobs = () => fetch(`${inject('apiUrl')}/admin/functions/privacy-jobs`, { method: 'POST', body: '{}' });

/** The export's job document, changed as the timer or time would change it. */
async function changeJob(id: string, change: Record<string, unknown>): Promise<Record<string, unknown>> {
  const item = jobs().item(id, id);
  const { resource } = await item.read<Record<string, unknown>>();
  if (!resource) throw new Error('no export job');
  await item.replace({ ...resource, ...change });
  return resource;
}

async function signedIn(context: BrowserContext, sub: string, path: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${site}${path}`);
  await signInAs(page, sub, site);
  return page;
}

describe('your data: a copy of it, and deleting the account', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `your-data-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when a resident asks for a copy of their data (${mode}), then they follow it from gathering to ready, download a ZIP of their data, and can ask again once it expired; nobody else can see it`, async () => {
      const sub = `your-data-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const name = `Yara ${mode} Data`;
      const context = await newContext(browser, javaScript);
      const page = await signedIn(context, sub, '/my-account/contact/name');
      await page.getByLabel('What is your name?').fill(name);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(`${site}/my-account/contact`);

      await page.goto(`${site}/my-account`);
      await page.getByRole('link', { name: 'Get a copy of your data or delete your account' }).click();
      expect(await heading(page)).toBe('Your data');
      expect(await page.locator('main').getByRole('link', { name: 'privacy notice' }).getAttribute('href')).toBe(
        '/privacy',
      );
      await check(page, 'start');

      await page.getByRole('button', { name: 'Request a copy of your data' }).click();
      await page.waitForURL(/\/my-account\/exports\/[0-9a-f-]{36}$/);
      const exportPath = new URL(page.url()).pathname;
      const id = exportPath.split('/').pop() ?? '';
      expect(await heading(page)).toBe('A copy of your data');

      // While it is gathered (held by a lease, as a running export is): the page says so.
      const ready = await waitFor(
        async () => {
          const { resource } = await jobs().item(id, id).read<Record<string, unknown> & { state: string }>();
          if (resource?.state === 'ready') return resource;
          await runPrivacyJobs();
          return undefined;
        },
        { what: 'the export to be ready', timeout: 60_000 },
      );
      await changeJob(id, {
        state: 'gathering',
        leaseUntil: new Date(Date.now() + 3_600_000).toISOString(),
        leaseHolder: 'your-data-test',
      });
      await page.reload();
      await expect.poll(() => page.locator('#export-state').innerText()).toContain('We are putting your data together');
      await check(page, 'gathering');

      // Ready again: the script refreshes the region on its own; without it, "Check again".
      await changeJob(id, ready);
      if (!javaScript) await page.getByRole('link', { name: 'Check again' }).click();
      const download = page.getByRole('link', { name: 'Download your data (ZIP file)' });
      await download.waitFor({ timeout: 60_000 });
      await check(page, 'ready');
      // The link is the site's own: a fresh 5-minute read link is asked for on each download.
      expect(await download.getAttribute('href')).toBe(`${exportPath}/file`);
      const file = await context.request.get(`${site}${exportPath}/file`);
      expect(file.status()).toBe(200);
      const files = unzip(await file.body());
      const data = JSON.parse(files.get('export.json')?.toString() ?? '{}') as {
        profile?: { contact?: { name?: string } };
      };
      expect(data.profile?.contact?.name).toBe(name);

      // Another resident: not found, and no file.
      const other = await newContext(browser, javaScript);
      const theirs = await signedIn(other, `${sub}-other`, exportPath);
      expect(await heading(theirs)).toBe('Page not found');
      expect((await other.request.get(`${site}${exportPath}/file`, { maxRedirects: 0 })).status()).toBe(404);
      await other.close();

      // Expired: it says so, and a new copy can be asked for.
      await changeJob(id, { state: 'expired' });
      await page.goto(`${site}${exportPath}`);
      expect(await page.locator('#export-state').innerText()).toContain('no longer available');
      expect((await context.request.get(`${site}${exportPath}/file`, { maxRedirects: 0 })).headers().location).toBe(
        exportPath,
      );
      await check(page, 'expired');
      await page.getByRole('button', { name: 'Request a new copy of your data' }).click();
      await page.waitForURL(/\/my-account\/exports\/[0-9a-f-]{36}$/);
      expect(new URL(page.url()).pathname).not.toBe(exportPath);
      await context.close();
    });

    it(`when a resident deletes their account (${mode}), then they are signed out, told what happens next, and signing in again shows an empty account`, async () => {
      const sub = `delete-me-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const context = await newContext(browser, javaScript);
      const page = await signedIn(context, sub, '/my-account/contact/name');
      await page.getByLabel('What is your name?').fill('Dee Leted');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(`${site}/my-account/contact`);

      await page.goto(`${site}/my-account/your-data`);
      await page.getByRole('link', { name: 'Delete your account' }).click();
      expect(await heading(page)).toBe('Are you sure you want to delete your account?');
      expect(await page.locator('.govuk-warning-text').innerText()).toContain('You cannot undo this');
      await check(page, 'delete');

      await page.getByRole('button', { name: 'Delete your account' }).click();
      await page.waitForURL(`${site}/account-deleted`);
      expect(await heading(page)).toBe('Your account has been deleted');
      await check(page, 'deleted');

      // The site's session ended: My Account asks for a sign-in again (the provider may remember them).
      const afterwards = await context.request.get(`${site}/my-account`, { maxRedirects: 0 });
      expect(afterwards.headers().location).toMatch(/^\/sign-in\?/);
      await page.goto(`${site}/my-account`);
      if (new URL(page.url()).origin !== new URL(site).origin) {
        if (await page.locator('input[name=login]').count()) await signInAs(page, sub, site);
        else await consentIfAsked(page, site);
      }
      await waitFor(
        async () => {
          await runPrivacyJobs();
          await page.goto(`${site}/my-account`);
          const body = await page.locator('main').innerText();
          return !body.includes('Dee Leted') && body.includes('You have not reported anything');
        },
        { what: 'an empty account', timeout: 60_000, interval: 500 },
      );
      expect(await heading(page)).toBe('Your account');
      await context.close();
    });
  }
});
