/**
 * Server-side rendering with Nunjucks and govuk-frontend's macros. Templates are
 * compiled once (at the first request of an instance, all of them: `warm()`),
 * not per request; autoescape is on, so only `| safe` output is raw HTML.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { assetUrl } from './assets.js';
import { templateRoots } from './paths.js';

let env: nunjucks.Environment | undefined;

function environment(): nunjucks.Environment {
  if (env) return env;
  const roots = templateRoots();
  env = new nunjucks.Environment(new nunjucks.FileSystemLoader(roots, { noCache: false, watch: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addGlobal('assetUrl', assetUrl);
  env.addFilter('date', (iso: unknown) =>
    typeof iso === 'string' && !Number.isNaN(Date.parse(iso))
      ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' }).format(new Date(iso))
      : '',
  );
  env.addFilter('datetime', (iso: unknown) =>
    typeof iso === 'string' && !Number.isNaN(Date.parse(iso))
      ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' }).format(
          new Date(iso),
        )
      : '',
  );
  return env;
}

/** Compiles every page template now, so no resident waits for it. */
export function warm(): void {
  const e = environment();
  const pages = join(templateRoots().at(-1) ?? '', 'pages');
  for (const file of readdirSync(pages)) if (file.endsWith('.njk')) e.getTemplate(`pages/${file}`, true);
}

export function render(view: string, context: Record<string, unknown>): string {
  return environment().render(`pages/${view}.njk`, context);
}
