/**
 * The report journey with the keyboard alone: Tab and Shift+Tab to move, Enter and
 * Space to act, typed characters in fields, and the arrow keys inside a radio group
 * (how browsers move between a group's radios: Tab enters and leaves the group).
 * No mouse and no Playwright click or fill. On every page: one h1, the title starts
 * with it, Tab visits controls in document order (no tabindex jumps), Shift+Tab goes
 * back, and the focused control shows GOV.UK's focus style. A screenshot of each
 * page, with its focus showing, goes to .ci/out/screenshots/keyboard-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launch, newContext, screenshot } from '../support/browser.js';
import { nearbyHeading, photosHeading } from '../support/journey.js';

const site = inject('webUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launch(inject('chromium'));
});
afterAll(async () => {
  await browser.close();
});

interface Focused {
  readonly tag: string;
  readonly type: string;
  readonly name: string;
  /** Its visible name: the label of a field, the text of a link or button. */
  readonly label: string;
  /** Whether GOV.UK's focus style shows (on the control, or on a radio's or checkbox's label). */
  readonly visible: boolean;
  /** Whether it comes after the previously focused element in the document. */
  readonly after: boolean;
  readonly checked: boolean;
  readonly id: string;
  readonly classes: string;
}

/**
 * What has the focus now, compared with what had it before (kept on the window
 * between calls). Run in the page, so written as page script (this project's
 * TypeScript has no DOM types).
 */
const inspectFocus = `(() => {
  const el = document.activeElement || document.body;
  const input = el instanceof HTMLInputElement ? el : undefined;
  const own = el.labels && el.labels[0] ? el.labels[0].textContent : undefined;
  const label = (own ?? el.textContent ?? '') || (el.getAttribute('aria-label') ?? '');
  const styled = (target, pseudo) => {
    const s = getComputedStyle(target, pseudo);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== 'rgba(0, 0, 0, 0)';
    return outline || (s.boxShadow !== 'none' && s.boxShadow !== '');
  };
  const choice = input && (input.type === 'radio' || input.type === 'checkbox') ? input.labels[0] : undefined;
  const visible = choice ? styled(choice, '::before') || styled(choice, '::after') : styled(el);
  const previous = window.__lastFocus;
  const after = !previous || previous === el || (previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  window.__lastFocus = el;
  return {
    tag: el.tagName.toLowerCase(),
    type: input ? input.type : '',
    name: el.getAttribute('name') ?? '',
    label: label.replace(/\\s+/g, ' ').trim(),
    visible,
    after,
    checked: input ? input.checked : false,
    id: el.id,
    classes: el.className && typeof el.className === 'string' ? el.className : '',
  };
})()`;

const focused = (page: Page) => page.evaluate<Focused>(inspectFocus);
const forget = (page: Page) => page.evaluate('delete window.__lastFocus');

/** Presses Tab until `wanted` has the focus, checking every stop on the way; the stops, in order. */
async function tabTo(
  page: Page,
  wanted: (f: Focused) => boolean,
  what: string,
  /** Off on the identity provider's pages, which are not this site's. */
  ours = true,
): Promise<Focused[]> {
  const stops: Focused[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    stops.push(f);
    if (ours) {
      expect(f.after, `Tab moved backwards to ${f.label} looking for ${what}`).toBe(true);
      if (f.tag !== 'body') expect(f.visible, `focus is visible on ${f.tag} ${f.label}`).toBe(true);
    }
    if (wanted(f)) return stops;
  }
  throw new Error(`Tab never reached ${what}: ${stops.map((s) => s.label).join(' → ')}`);
}

const labelled = (text: string) => (f: Focused) => f.label === text || f.label.startsWith(text);

/** Tabs into a radio group and moves with the arrow keys to the option, which checks it. */
async function chooseRadio(page: Page, option: string): Promise<void> {
  await tabTo(page, (f) => f.type === 'radio', `a radio group holding ${option}`);
  for (let i = 0; i < 30; i++) {
    const f = await focused(page);
    if (f.label === option) {
      // Tabbing into a group with nothing chosen focuses its first radio without choosing it: Space does.
      if (!f.checked) await page.keyboard.press('Space');
      expect((await focused(page)).checked, `${option} is chosen`).toBe(true);
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no radio ${option}`);
}

async function typeInto(page: Page, label: string, text: string): Promise<void> {
  await tabTo(page, labelled(label), label);
  await page.keyboard.type(text);
}

async function press(page: Page, button: string, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
  await tabTo(page, labelled(button), button);
  await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press(key)]);
  await page.waitForLoadState('domcontentloaded');
  await forget(page);
}

/** One h1; the title starts with it; Shift+Tab from a control goes back to the one before. */
async function checkPage(page: Page, name: string): Promise<string> {
  const headings = await page.locator('h1').allInnerTexts();
  expect(headings, `${name}: one h1`).toHaveLength(1);
  const h1 = (headings[0] ?? '').replace(/\s+/g, ' ').trim();
  const title = await page.title();
  expect(title.replace(/^Error: /, '').startsWith(h1), `${name}: title “${title}” starts with “${h1}”`).toBe(true);
  // Just arrived: GOV.UK's template puts the skip link first (after an error summary, which JS focuses).
  await forget(page);
  const start = await focused(page);
  const summaryFocused = start.classes.includes('govuk-error-summary');
  const [first] = await tabTo(page, () => true, 'the first stop');
  const [second] = await tabTo(page, () => true, 'the second stop');
  if (!summaryFocused) expect(first?.label, `${name}: first Tab stop`).toBe('Skip to main content');
  await page.keyboard.press('Shift+Tab');
  expect((await focused(page)).label, `${name}: Shift+Tab returns from ${second?.label ?? '?'}`).toBe(first?.label);
  await forget(page);
  await screenshot(page, `keyboard-${name}`);
  return h1;
}

describe('the report journey with the keyboard alone', () => {
  it('when a resident uses only the keyboard, then they can sign in, report a pothole and see its reference, with focus visible and in order on every page', async () => {
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await page.goto(site);
    await checkPage(page, 'home');
    // checkPage leaves the focus on the skip link, which moves it to the main content.
    await page.keyboard.press('Enter');
    expect((await focused(page)).id).toBe('main-content');
    await forget(page);

    await press(page, 'Report a problem');
    // The identity provider's own sign-in page, by keyboard too.
    await page.waitForSelector('input[name=login]');
    await tabTo(page, (f) => f.name === 'login', 'the sign-in name', false);
    await page.keyboard.type(`keys-${Math.random().toString(36).slice(2, 8)}`);
    await page.keyboard.press('Tab');
    await page.keyboard.type('any');
    await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
    const origin = new URL(site).origin;
    await page.waitForURL((url) => url.origin === origin || url.pathname.includes('interaction'));
    if (new URL(page.url()).origin !== origin) {
      // The local provider's consent page: its Continue button by keyboard.
      await forget(page);
      await tabTo(page, labelled('Continue'), 'Continue on the consent page', false);
      await Promise.all([page.waitForURL((url) => url.origin === origin), page.keyboard.press('Enter')]);
    }
    await page.waitForLoadState('domcontentloaded');
    expect(new URL(page.url()).pathname).toBe('/report');

    expect(await checkPage(page, 'report-service')).toBe('What do you want to report?');
    // Continue with nothing chosen: the error summary takes the focus, and its link takes it to the field.
    await press(page, 'Continue');
    expect(await page.title()).toMatch(/^Error: /);
    expect((await focused(page)).classes).toContain('govuk-error-summary');
    await checkPage(page, 'report-service-error');
    // checkPage leaves the focus on the first stop after the summary: its link to the field.
    expect((await focused(page)).label).toBe('Select the kind of problem');
    await page.keyboard.press('Enter');
    const field = await focused(page);
    expect(field.name).toBe('serviceCode');
    // On the first radio: the arrow keys choose within the group.
    for (let i = 0; i < 30 && (await focused(page)).label !== 'Pothole'; i++) await page.keyboard.press('ArrowDown');
    expect((await focused(page)).checked).toBe(true);
    await forget(page);
    await press(page, 'Continue');

    await checkPage(page, 'report-questions');
    await chooseRadio(page, 'Road');
    await chooseRadio(page, 'Up to a car tyre');
    await typeInto(page, 'Describe the problem', 'Deep pothole by the bus stop.');
    await press(page, 'Continue');

    expect(await checkPage(page, 'report-location')).toBe('Where is the problem?');
    await typeInto(page, 'Postcode or street name', 'DB2 1AA');
    await press(page, 'Find address');
    await checkPage(page, 'report-location-found');
    await chooseRadio(page, '1 Church Street, Doorstep');
    await press(page, 'Continue', 'Space');

    // Other tests' potholes (the stack is shared) may be near: report anyway, by keyboard too.
    if (new URL(page.url()).pathname === '/report/nearby') {
      expect(await checkPage(page, 'report-nearby')).toBe(nearbyHeading);
      await chooseRadio(page, 'My problem is not listed: report it');
      await press(page, 'Continue');
    }
    // Photos are optional: Continue (a link styled as a button) goes on without any.
    expect(await checkPage(page, 'report-photos')).toBe(photosHeading);
    await press(page, 'Continue');

    expect(await checkPage(page, 'report-check')).toBe('Check your answers before sending your report');
    await press(page, 'Send report');

    expect(await checkPage(page, 'report-confirmation')).toContain('Report sent');
    expect(await page.locator('.govuk-panel__body strong').innerText()).toMatch(/^[0-9a-f-]{36}$/);
    await context.close();
  });
});
