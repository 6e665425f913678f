/**
 * Server-side rendering with Nunjucks and govuk-frontend's macros. In the built app
 * every template is precompiled (`templates.cjs`, scripts/build-web.ts): no
 * template source is read or compiled at run time. From source (tsx, tests), they
 * are compiled once at the first request of an instance (`warm()`). Autoescape is
 * on, so only `| safe` output is raw HTML.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import nunjucks from 'nunjucks';
import { assetUrl } from './assets.js';
import { precompiledTemplates, templateRoots } from './paths.js';

let env: nunjucks.Environment | undefined;

/** Resolves `./template.njk` against its parent's name, as the file system loader does, but as names, not paths. */
class CompiledLoader extends nunjucks.PrecompiledLoader {
  override resolve(from: string, to: string): string {
    return posix.normalize(posix.join(posix.dirname(from), to));
  }
}

function loader(): nunjucks.ILoader {
  if (existsSync(precompiledTemplates)) {
    // The constructor's declared type is an array; at run time it is the name → template object written by the build.
    const compiled = createRequire(import.meta.url)(precompiledTemplates) as never;
    return new CompiledLoader(compiled);
  }
  return new nunjucks.FileSystemLoader(templateRoots(), { noCache: false, watch: false });
}

/** Whether pages come from precompiled templates (the built app) or are compiled from their sources. */
export const templatesPrecompiled = () => existsSync(precompiledTemplates);

function environment(): nunjucks.Environment {
  if (env) return env;
  env = new nunjucks.Environment(loader(), {
    autoescape: true,
    throwOnUndefined: false,
  });
  // Not `assetUrl`: govuk-frontend's template reads a variable of that name for its og:image (a base URL string).
  env.addGlobal('builtAssetUrl', assetUrl);
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

/** Compiles every page template now, so no resident waits for it (nothing to do when precompiled). */
export function warm(): void {
  const e = environment();
  if (templatesPrecompiled()) return;
  const pages = join(templateRoots().at(-1) ?? '', 'pages');
  for (const file of readdirSync(pages)) if (file.endsWith('.njk')) e.getTemplate(`pages/${file}`, true);
}

export function render(view: string, context: Record<string, unknown>): string {
  return environment().render(`pages/${view}.njk`, context);
}
