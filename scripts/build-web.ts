/**
 * The resident website's build.
 *
 * `buildWebAssets(dir)`: the Sass build (govuk-frontend with Arial instead of
 * GDS Transport) and the enhancement script, written with content hashes in
 * their names plus a `manifest.json`, so every asset URL can be cached for a
 * year. Skipped when the sources have not changed (tests and `npm start` call it).
 *
 * `npm run build:web`: the deployable function app in `dist/web/`: host.json,
 * package.json, the esbuild bundle, every template (the site's and
 * govuk-frontend's) precompiled into one `templates.cjs` (no `.njk` is shipped or
 * compiled at run time) and the built assets.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import nunjucks from 'nunjucks';
import { compressForBuild } from '../web/http/compress.js';
import { functionAppBundle } from './function-app-bundle.js';

const root = join(import.meta.dirname, '..');
const web = join(root, 'web');
const govuk = join(dirname(createRequire(import.meta.url).resolve('govuk-frontend')), '..');

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const dir of ['styles', 'client'])
    for (const file of (await readdir(join(web, dir))).sort())
      hash.update(file).update(await readFile(join(web, dir, file)));
  hash.update(await readFile(join(govuk, '..', 'package.json')));
  // What the build writes besides the sources: Brotli and gzip copies of each asset (decision 0850).
  hash.update('precompressed-br-gzip');
  return hash.digest('hex').slice(0, 16);
}

const fingerprint = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

/** Builds the CSS and JS into `<dir>/assets` with `<dir>/manifest.json`; returns whether it did any work. */
export async function buildWebAssets(dir = join(web, 'public')): Promise<boolean> {
  const source = await sourceHash();
  const manifestFile = join(dir, 'manifest.json');
  try {
    const current = JSON.parse(await readFile(manifestFile, 'utf8')) as { source?: string };
    if (current.source === source) return false;
  } catch {
    // Not built yet.
  }
  const { compileAsync, NodePackageImporter } = await import('sass');
  const css = await compileAsync(join(web, 'styles', 'app.scss'), {
    importers: [new NodePackageImporter()],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  });
  const js = await build({
    entryPoints: [join(web, 'client', 'app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    logLevel: 'warning',
  });
  const script = js.outputFiles[0]?.contents ?? new Uint8Array();
  const cssBytes = Buffer.from(css.css);
  const files = { 'app.css': `app-${fingerprint(cssBytes)}.css`, 'app.js': `app-${fingerprint(script)}.js` };
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'assets'), { recursive: true });
  for (const [name, bytes] of [
    [files['app.css'], cssBytes],
    [files['app.js'], script],
  ] as const) {
    await writeFile(join(dir, 'assets', name), bytes);
    // Compressed once here, at the highest levels, so no request pays for it (web/assets.ts picks one).
    await writeFile(join(dir, 'assets', `${name}.br`), compressForBuild(bytes, 'br'));
    await writeFile(join(dir, 'assets', `${name}.gz`), compressForBuild(bytes, 'gzip'));
  }
  await writeFile(manifestFile, `${JSON.stringify({ source, ...files }, null, 2)}\n`);
  return true;
}

/**
 * Every template under `roots`, compiled to JavaScript by Nunjucks and written as one
 * CommonJS module (name → compiled template), loaded synchronously by web/render.ts.
 * Names are the paths templates use for each other (`pages/home.njk`,
 * `govuk/components/radios/macro.njk`), so `extends`, `import` and relative `include`s
 * resolve as they do from the file system.
 */
export async function precompileTemplates(roots: readonly string[], outFile: string): Promise<number> {
  const env = new nunjucks.Environment([], { autoescape: true });
  const parts: string[] = [];
  for (const dir of roots)
    for (const entry of (await readdir(dir, { recursive: true })).sort()) {
      if (!entry.endsWith('.njk')) continue;
      const name = entry.split('\\').join('/');
      const code = nunjucks.precompileString(await readFile(join(dir, entry), 'utf8'), {
        name,
        env,
        // One template per call; the declared type says object, Nunjucks passes an array.
        wrapper: (templates) =>
          (templates as unknown as { template: string }[]).map((t) => `(function() {${t.template}})()`).join(''),
      });
      parts.push(`${JSON.stringify(name)}: ${code}`);
    }
  await writeFile(outFile, `'use strict';\nmodule.exports = {\n${parts.join(',\n')}\n};\n`);
  return parts.length;
}

/** The deployable website in `out` (dist/web by default). */
export async function buildWebApp(out = join(root, 'dist', 'web')): Promise<void> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    ...functionAppBundle(join(web, 'index.ts'), out, ['fsevents', 'chokidar']),
    minify: true,
    logLevel: 'warning',
    chunkNames: 'chunks/[name]-[hash]',
  });
  await cp(join(web, 'host.json'), join(out, 'host.json'));
  await writeFile(
    join(out, 'package.json'),
    `${JSON.stringify({ name: 'doorstep-web', private: true, type: 'module', main: 'main.js' }, null, 2)}\n`,
  );
  // govuk-frontend's templates are named from its dist/ folder (`govuk/components/…`), the site's from views/.
  const templates = await precompileTemplates([govuk, join(web, 'views')], join(out, 'templates.cjs'));
  await buildWebAssets(join(out, 'public'));
  console.log(`${relative(root, out)}: function app with ${templates} precompiled templates and fingerprinted assets`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--assets')) {
    console.log((await buildWebAssets()) ? 'web/public: built' : 'web/public: up to date');
  } else await buildWebApp();
}
