/**
 * `npm run bench:web`: the resident website's performance figures, printed (not asserted).
 *
 * - Cold start: a fresh node importing the built site (dist/web) as a ratio to bare
 *   `node`, and with its precompiled templates loaded (what the first page adds), as
 *   bench/coldstart.ts does for the API. Interleaved runs, medians.
 * - Server time per page, warm: the built site on the local Functions host, each public
 *   page requested over loopback; p50 and p99 of the whole request (host included).
 * - Bytes per page: HTML + the CSS and JS it loads, compressed (gzip and Brotli), first
 *   view and later views (assets are fingerprinted and cached for a year), against the budget.
 * - Lighthouse, when the `lighthouse` package is installed (it is not a dependency).
 *
 * Pages behind sign-in (the report journey) need the embedded stack; the public pages
 * share their layout, CSS and JS, so their bytes are the report pages' floor.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { startFunctionsHost } from '../local/host/functions-host.js';

const root = join(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const requests = Number(process.env.BENCH_REQUESTS ?? 300);

/** Compressed bytes a first view may cost (HTML + CSS + JS), and a later view (HTML only). */
export const budget = { firstViewKiB: 60, laterViewKiB: 10 } as const;

const build = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-web.ts')], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const main = pathToFileURL(join(root, 'dist/web/main.js')).href;
const templates = join(root, 'dist/web/templates.cjs');
const variants: Record<string, string> = {
  'bare node': '',
  'site import (dist/web/main.js)': `await import(${JSON.stringify(main)})`,
  'site import + precompiled templates': `await import(${JSON.stringify(main)}); (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(templates)});`,
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
for (const code of Object.values(variants)) timeOnce(code);
for (let i = 0; i < runs; i++) for (const [name, code] of Object.entries(variants)) samples[name]?.push(timeOnce(code));
const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
const bare = quantile(samples['bare node'] ?? [], 0.5);
console.log(`\nCold start (${runs} interleaved runs, median wall time of a fresh node ${process.version})\n`);
for (const [name, xs] of Object.entries(samples)) {
  const m = quantile(xs, 0.5);
  console.log(`  ${name.padEnd(40)} ${m.toFixed(1).padStart(7)} ms   ${(m / bare).toFixed(2)}x bare`);
}

// The built site on the local Functions host. Public pages call neither the API nor the issuer.
const host = await startFunctionsHost({
  entry: join(root, 'dist/web/main.js'),
  port: 0,
  routePrefix: '',
  log: () => undefined,
});
Object.assign(process.env, {
  WEB_API_BASE_URL: 'http://127.0.0.1:9/api',
  WEB_ORIGIN: host.url,
  OIDC_ISSUER: 'http://127.0.0.1:9',
  OIDC_AUDIENCE: 'api://doorstep',
  WEB_OIDC_CLIENT_ID: 'bench',
  WEB_OIDC_CLIENT_SECRET: 'bench',
  WEB_SESSION_KEY: randomBytes(32).toString('base64'),
});
const pages = ['/', '/accessibility-statement', '/privacy', '/cookies', '/no-such-page'];
const kib = (n: number) => (n / 1024).toFixed(1);
try {
  console.log(`\nServer time per page, warm (${requests} sequential requests each, loopback, built site)\n`);
  for (const path of pages) {
    for (let i = 0; i < 20; i++) await (await fetch(`${host.url}${path}`)).arrayBuffer();
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      await (await fetch(`${host.url}${path}`)).arrayBuffer();
      times.push(performance.now() - started);
    }
    console.log(
      `  ${path.padEnd(26)} p50 ${quantile(times, 0.5).toFixed(2).padStart(6)} ms   p99 ${quantile(times, 0.99).toFixed(2).padStart(6)} ms`,
    );
  }

  console.log(
    `\nBytes per page, compressed (budget: first view ≤ ${budget.firstViewKiB} KiB, later views ≤ ${budget.laterViewKiB} KiB)\n`,
  );
  console.log(
    `  ${'page'.padEnd(26)} ${'HTML gz/br'.padStart(12)} ${'CSS gz/br'.padStart(12)} ${'JS gz/br'.padStart(12)} ${'first view br'.padStart(14)}  raw HTML+CSS+JS`,
  );
  let worstFirst = 0;
  let worstLater = 0;
  for (const path of pages) {
    const response = await fetch(`${host.url}${path}`);
    const html = Buffer.from(await response.arrayBuffer());
    const text = html.toString('utf8');
    const assets = [...text.matchAll(/(?:href|src)="(\/assets\/app-[0-9a-f]+\.(css|js))"/g)];
    const sizes = { css: [0, 0, 0], js: [0, 0, 0] };
    for (const [, url, kind] of assets) {
      const body = Buffer.from(await (await fetch(`${host.url}${url ?? ''}`)).arrayBuffer());
      const s = sizes[kind as 'css' | 'js'];
      s[0] = (s[0] ?? 0) + body.length;
      s[1] = (s[1] ?? 0) + gzipSync(body, { level: 9 }).length;
      s[2] = (s[2] ?? 0) + brotliCompressSync(body).length;
    }
    const [htmlGz, htmlBr] = [gzipSync(html, { level: 9 }).length, brotliCompressSync(html).length];
    const first = htmlBr + (sizes.css[2] ?? 0) + (sizes.js[2] ?? 0);
    worstFirst = Math.max(worstFirst, first);
    worstLater = Math.max(worstLater, htmlBr);
    const raw = html.length + (sizes.css[0] ?? 0) + (sizes.js[0] ?? 0);
    console.log(
      `  ${path.padEnd(26)} ${`${kib(htmlGz)}/${kib(htmlBr)}`.padStart(12)} ${`${kib(sizes.css[1] ?? 0)}/${kib(sizes.css[2] ?? 0)}`.padStart(12)} ${`${kib(sizes.js[1] ?? 0)}/${kib(sizes.js[2] ?? 0)}`.padStart(12)} ${kib(first).padStart(14)}  ${kib(raw)} KiB`,
    );
  }
  console.log(
    `\n  worst first view ${kib(worstFirst)} KiB (${worstFirst / 1024 <= budget.firstViewKiB ? 'within' : 'OVER'} budget), worst later view ${kib(worstLater)} KiB (${worstLater / 1024 <= budget.laterViewKiB ? 'within' : 'OVER'} budget)`,
  );
  const encoding = (await fetch(`${host.url}/`, { headers: { 'accept-encoding': 'br, gzip' } })).headers.get(
    'content-encoding',
  );
  console.log(
    `  the app itself compresses: ${encoding ?? 'no'} (compression is the front door's job in Azure: see decision 0841)`,
  );
} finally {
  await host.close();
}

try {
  const lighthouse = 'lighthouse';
  await import(lighthouse);
  console.log('\nLighthouse: installed, but this bench does not drive it yet (see decision 0841).');
} catch {
  console.log(
    '\nLighthouse: not run. The `lighthouse` npm package is not installed (no lighthouse or chrome-launcher in\n' +
      'node_modules) and this project may not install packages unasked. To run it: `npm i -D -E lighthouse@12.2.3`\n' +
      '(13.x wants Node 22 and its lock is refused by npm ci here), then point it at the headless shell with\n' +
      'CHROME_PATH=/usr/bin/chromium-headless-shell; mobile emulation is its default.',
  );
}
