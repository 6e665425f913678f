/**
 * `npm run build`: the deployable function app in `dist/app/` — host.json, a
 * package.json whose `main` is the bundle, and the esbuild bundle itself: one
 * entry file plus the chunks that lazily loaded SDKs split into.
 *
 * `--stack <stack>` also puts that stack's ward file (`doorstep:wardBoundariesFile`, checked
 * with the app's own parser) in the package as `wards.geojson`, where the app setting infra
 * sets for it points (decision 1074). Build for a stack with wards with it, or the app refuses
 * to start naming the missing file.
 *
 * `--unbundled` also writes `dist/unbundled/` (each module transpiled, packages
 * resolved from node_modules at run time) for the cold-start comparison.
 */
import { build } from 'esbuild';
import { cp, mkdir, rm, stat, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { functionAppBundle } from './function-app-bundle.js';
import { packageStackWards } from './package-wards.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/app');

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const result = await build({
  ...functionAppBundle(join(root, 'functions/index.ts'), out),
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
});
await cp(join(root, 'host.json'), join(out, 'host.json'));
await writeFile(
  join(out, 'package.json'),
  `${JSON.stringify({ name: 'doorstep-functions', private: true, type: 'module', main: 'main.js' }, null, 2)}\n`,
);
await writeFile(join(root, 'dist/meta.json'), JSON.stringify(result.metafile));
const stackAt = process.argv.indexOf('--stack');
if (stackAt !== -1) {
  const stack = process.argv[stackAt + 1] ?? '';
  const wards = await packageStackWards(stack, out);
  console.log(
    wards === undefined
      ? `stack ${stack}: no doorstep:wardBoundariesFile, no wards in the package`
      : `stack ${stack}: ${wards} wards in dist/app/wards.geojson`,
  );
}

if (process.argv.includes('--unbundled')) {
  const unbundled = join(root, 'dist/unbundled');
  await rm(unbundled, { recursive: true, force: true });
  const sources: string[] = [];
  for (const dir of ['functions', 'shared']) {
    for (const entry of await readdir(join(root, dir), { recursive: true }))
      if (entry.endsWith('.ts')) sources.push(join(root, dir, entry));
  }
  await build({
    entryPoints: sources,
    outdir: unbundled,
    outbase: root,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    logLevel: 'warning',
  });
  await writeFile(join(unbundled, 'package.json'), '{ "type": "module" }\n');
}

const mainSize = (await stat(join(out, 'main.js'))).size;
let total = 0;
for (const entry of await readdir(out, { recursive: true })) {
  if (entry.endsWith('.js')) total += (await stat(join(out, entry))).size;
}
console.log(
  `dist/app: main.js ${(mainSize / 1024).toFixed(0)} KiB, all chunks ${(total / 1024 / 1024).toFixed(2)} MiB`,
);
