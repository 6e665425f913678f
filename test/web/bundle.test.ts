/**
 * The deployable website (`npm run build:web`) serves pages from precompiled
 * templates alone: no `.njk` is shipped, and none is read while it serves.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWebsite } from '../../local/website.js';
import { buildWebApp } from '../../scripts/build-web.js';

// Under dist/, which lint, format and git leave alone.
const out = join(import.meta.dirname, '..', '..', 'dist', 'web-bundle-test');
const templateReads: string[] = [];
const readFileSync = fs.readFileSync;
let site: Awaited<ReturnType<typeof startWebsite>> | undefined;

beforeAll(async () => {
  await buildWebApp(out);
  // Nunjucks' file system loader reads with fs.readFileSync (the bundle's require('fs') is this object).
  fs.readFileSync = ((path: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    if (String(path).endsWith('.njk')) templateReads.push(String(path));
    return (readFileSync as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  site = await startWebsite({
    apiUrl: inject('apiUrl'),
    issuer: inject('issuer'),
    audience: 'api://doorstep',
    // Only public pages are read here; staff sign-in would discover this issuer on first use.
    staff: { issuer: inject('issuer'), audience: 'api://doorstep-staff' },
    blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1',
    govukPayUrl: 'http://127.0.0.1:7073',
    entry: join(out, 'main.js'),
  });
}, 180_000);

afterAll(async () => {
  fs.readFileSync = readFileSync;
  await site?.close();
});

describe('the built website', () => {
  it('when built, then it ships every template precompiled and no template source', () => {
    const files = fs.readdirSync(out, { recursive: true }).map(String);
    expect(files.filter((f) => f.endsWith('.njk'))).toEqual([]);
    expect(files).toContain('templates.cjs');
    const compiled = readFileSync(join(out, 'templates.cjs'), 'utf8');
    for (const name of ['pages/home.njk', 'layout.njk', 'govuk/template.njk', 'govuk/components/radios/macro.njk'])
      expect(compiled, name).toContain(JSON.stringify(name));
  });

  it('when a resident opens pages, then they are rendered without reading any template source', async () => {
    for (const [path, heading] of [
      ['/', 'services'],
      ['/accessibility-statement', 'Accessibility statement'],
      ['/cookies', 'Cookies'],
      ['/no-such-page', 'Page not found'],
    ] as const) {
      const response = await fetch(`${site?.url ?? ''}${path}`);
      const html = await response.text();
      expect(response.status, path).toBe(path === '/no-such-page' ? 404 : 200);
      expect(html, path).toMatch(new RegExp(`<h1[^>]*>[^<]*${heading}`));
      // govuk-frontend's template and a component macro came through (relative includes resolved).
      expect(html, path).toContain('govuk-template');
      expect(html, path).toContain('-header__container');
      // The site's asset helper is not govuk-frontend's `assetUrl` (which would print a function into og:image).
      expect(html, path).not.toMatch(/og:image/);
    }
    expect(templateReads).toEqual([]);
  });
});
