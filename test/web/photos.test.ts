/**
 * Photos in the report journey and documents in My Account, in a real browser,
 * JavaScript on (the browser puts the file straight to the upload link) and off
 * (a multipart form the site streams on to the same link): the check's result
 * on every page, a photo's location data gone from the stored bytes (read
 * through the API, not from our own page), a file the scan rejects (EICAR),
 * over-size and wrong-type files, and axe WCAG 2.2 A/AA on every page and error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Response } from 'playwright-core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { axeViolations, newContext, screenshot, signInAs } from '../support/browser.js';
import { eicarPdf, jpegWithExif, pdf } from '../support/files.js';
import { carryOnPastNearby, photosHeading, potholeToAddresses } from '../support/journey.js';
import { waitFor } from '../support/wait.js';
import { browserForFile } from '../support/web-suite.js';

const site = inject('webUrl');
const api = `${inject('apiUrl')}/api`;
const browser = browserForFile();
afterAll(() => {
  rmSync(files, { recursive: true, force: true });
});

const eicar = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');
const summary = async (page: Page) =>
  (await page.locator('.govuk-error-summary li').allInnerTexts()).map((text) => text.trim());
const inlineError = async (page: Page, id: string) =>
  ((await page.locator(`#${id}-error`).textContent()) ?? '').replace(/\s+/g, ' ').trim();

/**
 * The origins of every PUT the browser itself made and storage took (201): a file sent straight to storage.
 * Counted by storage's answer, not the request: a PUT refused at its CORS preflight is a request too, and the
 * script then falls back to the plain form, which would pass for the JavaScript path.
 */
function watchUploads(page: Page): { puts: string[] } {
  const seen = { puts: [] as string[] };
  page.on('response', (response: Response) => {
    if (response.request().method() === 'PUT' && response.status() === 201)
      seen.puts.push(new URL(response.url()).origin);
  });
  return seen;
}

const files = mkdtempSync(join(tmpdir(), 'doorstep-photos-'));

/** Chooses a file as a resident would: from disk (the browser reads it; nothing large crosses the protocol). */
async function choose(page: Page, field: string, name: string, bytes: Buffer): Promise<void> {
  const path = join(files, name);
  writeFileSync(path, bytes);
  await page.locator(`#${field}`).setInputFiles(path);
}

/** Sends an upload form; with JavaScript the page moves on only after the script's own requests. */
async function send(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: button }).click()]);
}

/** What the API stores for a resident's document: the bytes its short-lived read link serves. */
async function storedBytes(token: string, documentId: string): Promise<Buffer> {
  const link = await fetch(`${api}/documents/${documentId}/content`, {
    headers: { authorization: `Bearer ${token}` },
    redirect: 'manual',
  });
  expect(link.status).toBe(302);
  const file = await fetch(link.headers.get('location') ?? '');
  expect(file.status).toBe(200);
  return Buffer.from(await file.arrayBuffer());
}

/** Waits for every file on the page to finish its check: the script refreshes it, or "Check again" does. */
async function waitForChecks(page: Page, javaScript: boolean, region: string): Promise<void> {
  await waitFor(
    async () => {
      if ((await page.locator(`#${region} [data-upload-status="pending"]`).count()) === 0) return true;
      if (!javaScript) await page.reload();
      return false;
    },
    { timeout: 60_000, interval: 500, what: 'every file to be checked' },
  );
}

describe('photos in the report journey', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `photos-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when a resident adds photos (${mode}), then wrong, over-size and infected files are refused or rejected, the check shows on every page, and the stored photo has no location`, async () => {
      const sub = `photographer-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const context = await newContext(browser(), javaScript);
      const page = await context.newPage();
      const uploads = watchUploads(page);
      await potholeToAddresses(page, {
        site,
        sub,
        description: 'Pothole by the bus stop, photo attached.',
        postcode: 'DB2 1AA',
      });
      await page.getByLabel('1 Church Street, Doorstep').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      // Other tests' potholes (the other run's too) may be nearby: report anyway.
      await carryOnPastNearby(page);

      expect(new URL(page.url()).pathname).toBe('/report/photos');
      expect(await page.locator('h1').textContent()).toBe(photosHeading);
      await check(page, 'step');

      await send(page, 'Add photo');
      expect(await summary(page)).toEqual(['Select a photo']);
      expect(await page.title()).toMatch(/^Error: /);
      await check(page, 'none-chosen');

      await choose(page, 'photo', 'notes.txt', Buffer.from('not a photo'));
      await send(page, 'Add photo');
      expect(await summary(page)).toEqual(['The selected photo must be a JPG or PNG']);
      expect(await inlineError(page, 'photo')).toBe('Error: The selected photo must be a JPG or PNG');
      await check(page, 'wrong-type');

      const tooBig = Buffer.concat([jpegWithExif(), Buffer.alloc(10 * 1024 * 1024)]);
      await choose(page, 'photo', 'huge.jpg', tooBig);
      await send(page, 'Add photo');
      expect(await summary(page)).toEqual(['The selected photo must be smaller than 10MB']);
      await check(page, 'too-large');
      // Neither refused file reached storage.
      expect(uploads.puts).toEqual([]);

      const withGps = jpegWithExif();
      expect(withGps.includes('GPSLatitude')).toBe(true);
      await choose(page, 'photo', 'pothole.jpg', withGps);
      await send(page, 'Add photo');
      expect(new URL(page.url()).pathname).toBe('/report/photos');
      await choose(page, 'photo', 'infected.jpg', Buffer.concat([jpegWithExif(), eicar]));
      await send(page, 'Add photo');
      expect(await page.locator('#photos li').count()).toBe(2);
      await check(page, 'added');

      // With JavaScript the browser sent the files to storage itself; without, the site did.
      if (javaScript) {
        expect(uploads.puts).toHaveLength(2);
        expect(new Set(uploads.puts).size).toBe(1);
        expect(uploads.puts[0]).not.toBe(new URL(site).origin);
      } else expect(uploads.puts).toEqual([]);

      await waitForChecks(page, javaScript, 'photos');
      const items = (await page.locator('#photos li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      expect(items[0]).toContain('pothole.jpg Ready');
      expect(items[1]).toContain('infected.jpg Not accepted');
      expect(items[1]).toContain('The file failed the virus check.');
      await check(page, 'checked');

      await page.getByRole('button', { name: 'Continue' }).click();
      expect(await page.locator('h1').textContent()).toBe('Check your answers before sending your report');
      const photosRow = await page.locator('.govuk-summary-list__row', { hasText: 'Photos' }).innerText();
      expect(photosRow).toContain('pothole.jpg (Ready), infected.jpg (Not accepted)');
      await check(page, 'check-answers');
      await page.getByRole('button', { name: 'Send report' }).click();

      expect(await page.locator('.govuk-panel__title').textContent()).toContain('Report sent');
      const reference = (await page.locator('.govuk-panel__body strong').textContent()) ?? '';
      // Only the photo that passed its checks went with the report.
      expect((await page.locator('#photos li').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
        'pothole.jpg Ready',
      ]);
      await check(page, 'confirmation');

      await page.goto(`${site}/my-account/requests/${reference}`);
      const image = page.locator('#photos img');
      expect(await image.getAttribute('alt')).toBe('Your photo 1: pothole.jpg');
      const shown = await page.request.get(`${site}${await image.getAttribute('src')}`, { maxRedirects: 0 });
      expect(shown.status()).toBe(303);
      await check(page, 'request');

      // What is stored, read through the API as the resident: the photo, without its location.
      const token = await requestDevToken(inject('issuer'), sub, ['resident']);
      const report = (await (
        await fetch(`${api}/requests/${reference}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { photos: string[] };
      expect(report.photos).toHaveLength(1);
      const stored = await storedBytes(token, report.photos[0] ?? '');
      expect(stored.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect(stored.includes('GPSLatitude')).toBe(false);
      expect(stored.includes(Buffer.from([0xff, 0xe1]))).toBe(false);
      expect(stored.length).toBeLessThan(withGps.length);
      // The page's picture is those bytes.
      const served = await fetch(shown.headers().location ?? '');
      expect(Buffer.from(await served.arrayBuffer())).toEqual(stored);
      await context.close();
    });
  }
});

describe('sending the council a document', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';
    const check = async (page: Page, name: string) => {
      await screenshot(page, `documents-${name}-${mode}`);
      if (javaScript) expect(await axeViolations(page), name).toEqual([]);
    };

    it(`when a resident sends documents from My Account (${mode}), then they see each one's check, and the timeline lists them`, async () => {
      const sub = `sender-${mode}-${Math.random().toString(36).slice(2, 8)}`;
      const context = await newContext(browser(), javaScript);
      const page = await context.newPage();
      const uploads = watchUploads(page);
      await page.goto(`${site}/my-account`);
      await signInAs(page, sub, site);
      await page.getByRole('link', { name: 'Send us a document' }).click();
      expect(await page.locator('h1').textContent()).toBe('Send us a document');
      await check(page, 'new');

      await send(page, 'Send file');
      expect(await summary(page)).toEqual(['Select a file']);
      await check(page, 'none-chosen');
      await choose(page, 'document', 'notes.txt', Buffer.from('plain text'));
      await send(page, 'Send file');
      expect(await summary(page)).toEqual(['The selected file must be a PDF, JPG or PNG']);
      await check(page, 'wrong-type');

      await choose(page, 'document', 'infected.pdf', eicarPdf());
      await send(page, 'Send file');
      expect(new URL(page.url()).pathname).toMatch(/^\/my-account\/documents\/[0-9a-f-]{36}$/);
      await waitForChecks(page, javaScript, 'document-check');
      expect((await page.locator('#document-check').innerText()).replace(/\s+/g, ' ')).toContain(
        'infected.pdf Not accepted The file failed the virus check.',
      );
      await check(page, 'rejected');

      await page.goto(`${site}/my-account/documents/new`);
      await choose(page, 'document', 'council-tax-bill.pdf', pdf());
      await send(page, 'Send file');
      const documentId = new URL(page.url()).pathname.split('/').at(-1) ?? '';
      await waitForChecks(page, javaScript, 'document-check');
      expect((await page.locator('#document-check').innerText()).replace(/\s+/g, ' ')).toContain(
        'council-tax-bill.pdf Ready',
      );
      await check(page, 'available');
      const token = await requestDevToken(inject('issuer'), sub, ['resident']);
      expect(await storedBytes(token, documentId)).toEqual(pdf());

      if (javaScript) expect(uploads.puts).toHaveLength(2);
      else expect(uploads.puts).toEqual([]);

      await page.goto(`${site}/my-account`);
      const timeline = (await page.locator('.app-timeline__item').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
      expect(timeline.find((t) => t.includes('council-tax-bill.pdf'))).toContain('Ready');
      expect(timeline.find((t) => t.includes('infected.pdf'))).toContain('Not accepted');
      await check(page, 'account');
      await page.getByRole('link', { name: 'council-tax-bill.pdf' }).click();
      expect(new URL(page.url()).pathname).toBe(`/my-account/documents/${documentId}`);
      await context.close();
    });
  }
});
