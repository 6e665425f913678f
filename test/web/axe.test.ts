/**
 * The axe scan every browser test relies on (test/support/browser.ts): it must still find what is wrong
 * after it stopped sending axe-core to the page on every scan. A scan that found nothing would pass
 * every page, so this proves it fails a page it should: on the first scan in a context, on a later
 * document (axe from the context's init script), and in a frame.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { axeViolations, newContext } from '../support/browser.js';
import { browserForFile } from '../support/web-suite.js';

const site = inject('webUrl');
const browser = browserForFile();

/** An image with no text alternative: axe's image-alt rule (WCAG 1.1.1, level A). */
const unlabelled = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="no-alt">';

async function breakPage(page: Page): Promise<void> {
  await page.evaluate(`document.querySelector('main').insertAdjacentHTML('beforeend', ${JSON.stringify(unlabelled)})`);
}

describe('the accessibility scan', () => {
  it('when a page has an image with no alternative text, then the first scan, a scan of a later page and a scan of a frame each report it', async () => {
    const context = await newContext(browser(), true);
    const page = await context.newPage();
    await page.goto(`${site}/`);
    expect(await axeViolations(page)).toEqual([]);
    await breakPage(page);
    expect(await axeViolations(page)).toEqual([expect.stringMatching(/^image-alt: .*#no-alt/)]);

    // A new document: axe comes from the context now, not from the test.
    await page.goto(`${site}/privacy`);
    expect(await axeViolations(page)).toEqual([]);
    await breakPage(page);
    expect(await axeViolations(page)).toEqual([expect.stringMatching(/^image-alt: .*#no-alt/)]);

    // A frame (the site forbids framing its pages, so one written in place): its content is scanned too.
    await page.goto(`${site}/cookies`);
    await page.evaluate(
      `new Promise((resolve) => { const f = document.createElement('iframe'); f.title = 'A frame'; f.onload = resolve; f.srcdoc = '<!doctype html><html lang="en"><title>Framed</title><main>${unlabelled}</main></html>'; document.querySelector('main').append(f); })`,
    );
    expect(await axeViolations(page)).toEqual([expect.stringMatching(/^image-alt: .*#no-alt/)]);
    await context.close();
  });
});
