/**
 * A real browser for the website's tests: Debian's Chromium headless shell
 * driven by playwright-core (Playwright's own browser download cannot be reached
 * from here), axe-core's WCAG 2.2 A/AA rules, and screenshots for review.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserServer, type Page } from 'playwright-core';

const candidates = ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const noBrowserMessage =
  "No Chromium for the browser tests. Install Debian's headless shell with `apt-get install -y --no-install-recommends chromium-headless-shell` (as root; .ci/run does this), or set DOORSTEP_CHROMIUM to a Chromium or headless-shell binary.";

export function findChromium(): string {
  const configured = process.env.DOORSTEP_CHROMIUM;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`DOORSTEP_CHROMIUM=${configured} does not exist. ${noBrowserMessage}`);
    return configured;
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(noBrowserMessage);
  return found;
}

/**
 * The browser for one test file: a connection to the one Chromium the web project's global setup
 * started (test/support/web-setup.ts, decision 0160), or, where no setup started one, a Chromium of
 * its own. Closing it closes what this file opened (its contexts) and, for its own, the browser.
 * Starting a Chromium took seconds a file on a loaded machine; connecting, a fraction of that.
 */
export async function launch(executablePath: string): Promise<Browser> {
  const { inject } = await import('vitest');
  const endpoint = inject('browserEndpoint');
  if (endpoint) return chromium.connect(endpoint);
  return chromium.launch({ executablePath, headless: true });
}

/** The one browser a test run shares: for a global setup, which provides its endpoint to the files. */
export function launchShared(executablePath: string): Promise<BrowserServer> {
  return chromium.launchServer({ executablePath, headless: true });
}

/** A fresh browser profile (no cookies), with JavaScript on or off. */
export function newContext(browser: Browser, javaScript: boolean): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled: javaScript, viewport: { width: 1024, height: 800 } });
}

export const wcag22 = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * axe-core's own minified build. Sending it to the page was most of a scan's cost: AxeBuilder sent the
 * unminified 1.3 MB build twice a scan (once to the page, once more to every frame), each time through
 * the Playwright connection into a main process busy with the stack; measured under load, about 3 s of a
 * 4 s scan. The axe-core AxeBuilder itself uses.
 */
const fromAxePlaywright = createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright'));
const axeSource = readFileSync(fromAxePlaywright.resolve('axe-core/axe.min.js'), 'utf8');

/** The contexts that run axe in every new document (`addInitScript`), so it crosses the connection once. */
const axeContexts = new WeakSet<BrowserContext>();

interface AxeRun {
  violations: { id: string; help: string; nodes: { target: string[] }[] }[];
}

/** axe's WCAG 2.2 A and AA violations on the page as it is now (needs JavaScript on in the context). */
export async function axeViolations(page: Page): Promise<string[]> {
  const context = page.context();
  if (!axeContexts.has(context)) {
    axeContexts.add(context);
    // Later documents in this context get axe from the browser itself. Before the first scan nothing
    // is added, so the pages a test drives before its first scan are as the site serves them.
    await context.addInitScript(axeSource);
  }
  // This document: in every frame, as AxeBuilder's legacy mode did, so a frame's content is scanned too.
  for (const frame of page.frames()) {
    if (!(await frame.evaluate('typeof window.axe?.run === "function"'))) await frame.evaluate(axeSource);
  }
  // axe.run in the page itself, as AxeBuilder's legacy mode (not runPartial plus finishRun in a new blank
  // page, about half the time per scan). Only violations are reported in full: passes and incomplete
  // results cost time and are not asserted.
  const options = { runOnly: { type: 'tag', values: wcag22 }, resultTypes: ['violations'] };
  const results = await page.evaluate<AxeRun>(`axe.run(document, ${JSON.stringify(options)})`);
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

export const screenshotDir = join(import.meta.dirname, '..', '..', '.ci', 'out', 'screenshots');

/**
 * The window as a resident sees it (1024 by 800), not the full page: a full-page capture lays the page
 * out again at its whole height and cost about twice the CPU (decision 0161). Nothing is asserted on it.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

/** Signs in through the local identity provider's dev pages (any password), back to the site. */
export async function signInAs(page: Page, sub: string, siteUrl: string): Promise<void> {
  await page.locator('input[name=login]').fill(sub);
  await page.locator('input[name=password]').fill('any');
  await page.locator('button[type=submit]').click();
  await consentIfAsked(page, siteUrl);
}

/** The local provider asks for consent when a resident signs in to the site; then back to the site. */
export async function consentIfAsked(page: Page, siteUrl: string): Promise<void> {
  const site = new URL(siteUrl).origin;
  const consent = page.getByRole('button', { name: 'Continue' });
  await Promise.race([page.waitForURL((url) => url.origin === site), consent.waitFor()]);
  if (new URL(page.url()).origin !== site) {
    await consent.click();
    await page.waitForURL((url) => url.origin === site);
  }
}
