/**
 * A document over the 20 MB limit, sent from My Account in a real browser, with
 * JavaScript off (the multipart form, refused by its length before a byte of the
 * file is read) and on (the upload link refused, then the same plain form): a
 * clear error on the page, no document record and nothing put to storage, and
 * the session still good for the next file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CosmosClient } from '@azure/cosmos';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, newContext, screenshot, signInAs } from '../support/browser.js';
import { pdf } from '../support/files.js';
import { waitFor } from '../support/wait.js';
import { closeWebSuite, openWebSuite } from '../support/web-suite.js';

const site = inject('webUrl');
const files = mkdtempSync(join(tmpdir(), 'doorstep-large-'));
let browser: Browser;
let cosmos: CosmosClient;

beforeAll(async () => {
  ({ browser, cosmos } = await openWebSuite());
});
afterAll(async () => {
  await closeWebSuite({ browser, cosmos });
  rmSync(files, { recursive: true, force: true });
});

const MB = 1024 * 1024;
/** A real PDF's start, padded one byte past the limit (the browser reads it from disk). */
const overLimit = join(files, 'scanned-letters.pdf');
writeFileSync(overLimit, Buffer.concat([pdf(), Buffer.alloc(20 * MB + 1 - pdf().length, 0x20)]));
const withinLimit = join(files, 'council-tax-bill.pdf');
writeFileSync(withinLimit, pdf());

const summary = async (page: Page) =>
  (await page.locator('.govuk-error-summary li').allInnerTexts()).map((text) => text.trim());

/** Every document record the platform holds for this resident, whatever its state. */
async function documentsOf(sub: string): Promise<string[]> {
  const { resources } = await cosmos
    .database('doorstep')
    .container('documents')
    .items.query<{ id: string }>({
      query: "SELECT c.id FROM c WHERE c.type = 'document' AND c.ownerId = @owner",
      parameters: [{ name: '@owner', value: sub }],
    })
    .fetchAll();
  return resources.map((r) => r.id);
}

describe('a document over the limit', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';

    it(`when a resident sends a file over 20 MB (${mode}), then they are told it must be smaller, nothing is stored, and the next file goes through`, async () => {
      const sub = `large-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      const puts: string[] = [];
      const linkAnswers: number[] = [];
      page.on('request', (r) => {
        if (r.method() === 'PUT') puts.push(r.url());
      });
      page.on('response', (r) => {
        if (new URL(r.url()).pathname === '/my-account/documents/link') linkAnswers.push(r.status());
      });
      await page.goto(`${site}/my-account/documents/new`);
      await signInAs(page, sub, site);
      expect(await page.locator('h1').textContent()).toBe('Send us a document');

      await page.locator('#document').setInputFiles(overLimit);
      const sent: number[] = [];
      page.on('response', (r) => {
        if (new URL(r.url()).pathname === '/my-account/documents/new' && r.request().method() === 'POST')
          sent.push(r.status());
      });
      // With JavaScript the page moves on only once the script falls back to the plain form.
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Send file' }).click()]);
      expect(sent).toEqual([400]);
      expect(new URL(page.url()).pathname).toBe('/my-account/documents/new');
      expect(await summary(page)).toEqual(['The selected file must be smaller than 20MB']);
      expect(((await page.locator('#document-error').textContent()) ?? '').replace(/\s+/g, ' ').trim()).toBe(
        'Error: The selected file must be smaller than 20MB',
      );
      expect(await page.title()).toMatch(/^Error: /);
      // The error summary takes focus, so a screen reader hears the error first.
      if (javaScript) await expect.poll(() => page.locator('.govuk-error-summary:focus').count()).toBe(1);
      await screenshot(page, `documents-over-limit-${mode}`);
      if (javaScript) expect(await axeViolations(page)).toEqual([]);

      // With JavaScript the site refused the upload link first; either way nothing reached storage or Cosmos DB.
      expect(linkAnswers).toEqual(javaScript ? [400] : []);
      expect(puts).toEqual([]);
      expect(await documentsOf(sub)).toEqual([]);

      // Still signed in, the form still works: a file within the limit goes through.
      await page.locator('#document').setInputFiles(withinLimit);
      await Promise.all([
        page.waitForURL(/\/my-account\/documents\/[0-9a-f-]{36}$/),
        page.getByRole('button', { name: 'Send file' }).click(),
      ]);
      const id = new URL(page.url()).pathname.split('/').at(-1) ?? '';
      await waitFor(async () => (await documentsOf(sub)).length === 1, {
        what: `the one document (${JSON.stringify(await documentsOf(sub))}, ${id}, ${JSON.stringify(puts)})`,
      });
      expect(await documentsOf(sub)).toEqual([id]);
      await context.close();
    });
  }
});
