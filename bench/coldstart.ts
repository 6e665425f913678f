/**
 * `npm run bench:coldstart`: how long a fresh Node.js process takes to import the
 * function app, bundled (dist/app) and unbundled (dist/unbundled, packages from
 * node_modules), each as a ratio to a bare `node -e ''` measured in the same run,
 * plus the cost of a first request's SDK loading. Runs are interleaved so that
 * machine noise hits every variant alike; medians are reported.
 */
import { build as esbuild } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 21);

const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts'), '--unbundled'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

// The floor: a bundle of @azure/functions registering one function, built the same way.
await esbuild({
  stdin: {
    contents: "import { app } from '@azure/functions'; app.http('x', { route: 'x', handler: async () => ({}) });",
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  mainFields: ['module', 'main'],
  external: ['@azure/functions-core'],
  banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" },
  outfile: join(root, 'dist/floor/main.mjs'),
  logLevel: 'error',
});
const floor = pathToFileURL(join(root, 'dist/floor/main.mjs')).href;
const bundled = pathToFileURL(join(root, 'dist/app/main.js')).href;
const unbundled = pathToFileURL(join(root, 'dist/unbundled/functions/index.js')).href;
const firstRequest = (entry: string) =>
  `await import(${JSON.stringify(entry)}); await Promise.all(['@azure/cosmos','@azure/service-bus','@azure/storage-blob','@azure/identity'].map((m) => import(m)));`;

const variants: Record<string, string> = {
  'bare node': '',
  '@azure/functions alone (the floor)': `await import(${JSON.stringify(floor)})`,
  'bundled app import': `await import(${JSON.stringify(bundled)})`,
  'unbundled app import': `await import(${JSON.stringify(unbundled)})`,
  'unbundled app + all SDKs (first request)': firstRequest(unbundled),
};

function timeOnce(code: string): number {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`variant failed: ${r.stderr.toString()}`);
  return elapsed;
}

const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (const code of Object.values(variants)) timeOnce(code); // warm the page cache
for (let i = 0; i < runs; i++) for (const [name, code] of Object.entries(variants)) samples[name]?.push(timeOnce(code));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const bare = median(samples['bare node'] ?? []);
console.log(
  `\nCold start (${runs} interleaved runs each, median wall time of a fresh node ${process.version} process)\n`,
);
for (const [name, xs] of Object.entries(samples)) {
  const m = median(xs);
  console.log(`  ${name.padEnd(44)} ${m.toFixed(1).padStart(7)} ms   ${(m / bare).toFixed(2)}x bare`);
}
let files = 0;
let bytes = 0;
for (const entry of await readdir(join(root, 'dist/app'), { recursive: true })) {
  if (!entry.endsWith('.js')) continue;
  files++;
  bytes += (await stat(join(root, 'dist/app', entry))).size;
}
const mainBytes = (await stat(join(root, 'dist/app/main.js'))).size;
console.log(
  `\n  bundle: main.js ${(mainBytes / 1024).toFixed(0)} KiB loaded at start; ${files} JS files, ${(bytes / 1024 / 1024).toFixed(2)} MiB in all (SDK chunks load on first use)`,
);
console.log(
  `  target: bundled app import <= 2.00x bare node -> ${median(samples['bundled app import'] ?? []) / bare <= 2 ? 'met' : 'NOT met'}`,
);
