/**
 * The resident website in a real browser, against the embedded stack: every
 * journey with JavaScript on and off, and axe-core's WCAG 2.2 A/AA rules on
 * every page and error state (axe needs JavaScript, so it runs in the JS pass).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { axeViolations, launch, newContext, screenshot, signInAs } from '../support/browser.js';

const site = inject('webUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launch(inject('chromium'));
});
afterAll(async () => {
  await browser.close();
});

/** A resident no other test uses, with one report filed through the API. */
async function residentWithReport(): Promise<{ sub: string; id: string }> {
  const sub = `web-${Math.random().toString(36).slice(2, 10)}`;
  const token = await requestDevToken(inject('issuer'), sub, ['resident']);
  const response = await fetch(`${inject('apiUrl')}/api/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      serviceCode: 'pothole',
      description: 'Deep pothole outside the bakery',
      location: { lat: 51.4545, long: -2.5879 },
      attributes: { where: 'road', size: 'medium' },
    }),
  });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  return { sub, id };
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await axeViolations(page), name).toEqual([]);
}

const publicPages = [
  { path: '/', heading: 'Doorstep Borough Council services', name: 'home' },
  { path: '/accessibility-statement', heading: 'Accessibility statement', name: 'accessibility-statement' },
  { path: '/privacy', heading: 'Privacy notice', name: 'privacy' },
  { path: '/cookies', heading: 'Cookies', name: 'cookies' },
  { path: '/no-such-page', heading: 'Page not found', name: 'not-found' },
];

describe('the resident website', () => {
  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'js' : 'no-js';

    it(`when anyone opens a public page (${mode}), then it has its title and heading, the council's name and no GOV.UK crown, and no cookie`, async () => {
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      for (const p of publicPages) {
        const response = await page.goto(`${site}${p.path}`);
        expect(response?.status(), p.path).toBe(p.path === '/no-such-page' ? 404 : 200);
        await expect.poll(() => page.locator('h1').textContent()).toBe(p.heading);
        expect(await page.title()).toBe(`${p.heading} – Doorstep Borough Council`);
        expect(await page.locator('.govuk-header__logotype, svg.govuk-header__logotype').count()).toBe(0);
        expect(await page.locator('.govuk-generic-header').textContent()).toContain('Doorstep Borough Council');
        if (javaScript) await expectAccessible(page, `${p.name}-${mode}`);
      }
      expect(await context.cookies()).toEqual([]);
      await context.close();
    });

    it(`when a resident signs in (${mode}), then My Account shows their report, its page shows its updates, and signing out ends the session`, async () => {
      const { sub, id } = await residentWithReport();
      const context = await newContext(browser, javaScript);
      const page = await context.newPage();
      await page.goto(`${site}/my-account`);
      await signInAs(page, sub, site);
      expect(new URL(page.url()).pathname).toBe('/my-account');
      expect(await page.locator('h1').textContent()).toBe('Your account');
      expect(await page.getByText(`Signed in as ${sub}`).count()).toBe(1);

      // The session is one sealed cookie: __Host-, Secure, HttpOnly, SameSite=Lax; no token in the page.
      const cookies = (await context.cookies()).filter((c) => c.name.startsWith('__Host-'));
      expect(cookies.map((c) => [c.name, c.secure, c.httpOnly, c.sameSite, c.path, c.domain])).toEqual([
        ['__Host-doorstep', true, true, 'Lax', '/', '127.0.0.1'],
      ]);
      expect(await page.content()).not.toMatch(/eyJ[\w-]+\.eyJ/);
      if (javaScript) await expectAccessible(page, `my-account-${mode}`);

      await page.getByRole('link', { name: 'Pothole' }).click();
      expect(new URL(page.url()).pathname).toBe(`/my-account/requests/${id}`);
      expect(await page.locator('h1').textContent()).toBe('Pothole');
      expect(await page.getByText(`Reference ${id}`).count()).toBe(1);
      if (javaScript) await expectAccessible(page, `request-${mode}`);

      // Signing out ends the identity provider's session too (it asks first), so nobody else at this computer is let back in.
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(`${site}/signed-out`);
      expect(await page.locator('h1').textContent()).toBe('You have signed out');
      if (javaScript) await expectAccessible(page, `signed-out-${mode}`);
      await page.goto(`${site}/my-account`);
      expect(await page.locator('input[name=login]').count()).toBe(1);
      await context.close();
    });
  }

  it('when a resident opens someone else’s report, then they see only its public view, with a follow button; a private service’s report is not found', async () => {
    const { id } = await residentWithReport();
    const { sub } = await residentWithReport();
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await page.goto(`${site}/my-account/requests/${id}`);
    await signInAs(page, sub, site);
    // Public reports can be followed (test/web/follow.test.ts): never the reporter's words unpublished.
    expect(await page.locator('h1').textContent()).toBe('Pothole');
    expect(await page.locator('main').innerText()).not.toContain('Deep pothole outside the bakery');
    expect(await page.getByRole('button', { name: 'Follow this report' }).count()).toBe(1);

    const owner = await requestDevToken(inject('issuer'), `web-bin-${Math.random().toString(36).slice(2, 8)}`, [
      'resident',
    ]);
    const bin = await fetch(`${inject('apiUrl')}/api/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        serviceCode: 'missed-bin',
        description: 'Missed again',
        location: { lat: 51.4545, long: -2.5879, uprn: '100012345679' },
        attributes: { bin: 'general', collection_date: '2026-11-20' },
      }),
    });
    expect(bin.status).toBe(201);
    const { id: binId } = (await bin.json()) as { id: string };
    await page.goto(`${site}/my-account/requests/${binId}`);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await expectAccessible(page, 'request-not-found');
    await context.close();
  });

  it('when a form is posted without the session’s CSRF token or from another site, then nothing happens and the resident is told the form expired', async () => {
    const { sub } = await residentWithReport();
    const context = await newContext(browser, true);
    const page = await context.newPage();
    await page.goto(`${site}/my-account`);
    await signInAs(page, sub, site);
    // A forged sign-out: the right cookie, a wrong token.
    const forged = await page.request.post(`${site}/sign-out`, { form: { csrfToken: 'not-the-token' } });
    expect(forged.status()).toBe(403);
    await page.setContent(await forged.text());
    await page.goto(`${site}/my-account`);
    expect(await page.locator('h1').textContent()).toBe('Your account');

    const expired = await context.newPage();
    await expired.route(`${site}/sign-out`, (route) => route.continue({ postData: 'csrfToken=stale' }));
    await expired.goto(`${site}/my-account`);
    await expired.getByRole('button', { name: 'Sign out' }).click();
    expect(await expired.locator('h1').textContent()).toBe('This form has expired');
    await expectAccessible(expired, 'form-expired');
    await context.close();
  });

  it('when the session cookie is tampered with, then the resident is asked to sign in again', async () => {
    const { sub } = await residentWithReport();
    const context = await newContext(browser, false);
    const page = await context.newPage();
    await page.goto(`${site}/my-account`);
    await signInAs(page, sub, site);
    const [cookie] = (await context.cookies()).filter((c) => c.name === '__Host-doorstep');
    if (!cookie) throw new Error('no session cookie');
    await context.addCookies([{ ...cookie, value: `${cookie.value.slice(0, -4)}AAAA` }]);
    const response = await context.request.get(`${site}/my-account`, { maxRedirects: 0 });
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe('/sign-in?returnTo=%2Fmy-account');
    await context.close();
  });

  it('when a page is served, then it carries a nonce-based CSP that its only inline script satisfies, and assets are cacheable for a year', async () => {
    const response = await fetch(`${site}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(nonce).toBeDefined();
    const html = await response.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    expect(inline.length).toBe(1);
    expect(inline[0]?.[1]).toContain(`nonce="${nonce}"`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const css = /href="(\/assets\/app-[0-9a-f]+\.css)"/.exec(html)?.[1] ?? '';
    const asset = await fetch(`${site}${css}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).not.toContain('GDS Transport');
  });
});
