/**
 * Where the site's templates and built assets are: beside this module in both
 * layouts (web/ under tsx, dist/web/ in the deployed bundle, where the build
 * copies govuk-frontend's templates next to the site's own).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

// In the bundle, lazily loaded modules sit in chunks/ beneath main.js.
const here = basename(import.meta.dirname) === 'chunks' ? dirname(import.meta.dirname) : import.meta.dirname;

export const publicDir = join(here, 'public');

/** Every template, compiled at build time (`npm run build:web`); absent under tsx, where the sources are read. */
export const precompiledTemplates = join(here, 'templates.cjs');

export function templateRoots(): string[] {
  const bundled = join(here, 'govuk-frontend');
  if (existsSync(bundled)) return [bundled, join(here, 'views')];
  // govuk-frontend's package "main" is dist/govuk/all.bundle.js: its templates are under dist/.
  const main = createRequire(import.meta.url).resolve('govuk-frontend');
  return [join(dirname(main), '..'), join(here, 'views')];
}
