/**
 * `npm run bench:web`: the resident website's performance figures, printed (not asserted).
 *
 * - Cold start: a fresh node importing the built site (dist/web) as a ratio to bare
 *   `node`, and with its precompiled templates loaded (what the first page adds), as
 *   bench/coldstart.ts does for the API. Interleaved runs, medians.
 * - Server time per page, warm: the built site on the local Functions host beside the API and
 *   the embedded stack, public pages and signed-in ones (My Account, a request, the report
 *   journey, pay) with a sealed session as signing in leaves; p50 and p99 of the whole request.
 * - Bytes transferred per page: HTML + the CSS and JS it loads, as the site sends them (its own
 *   Brotli or gzip, decision 0850), first view and later views (assets are fingerprinted and
 *   cached for a year), against the budget; govuk-frontend's whole CSS + JS as the yardstick.
 *
 * Lighthouse is `npm run bench:lighthouse` (bench/lighthouse.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { requestDevToken } from '../local/identity/provider.js';
import { newSession, sealSession, sessionCookieName, type Session } from '../web/session.js';
import { benchResidentWithReport, closeBench, startBenchHost, startBenchStack, startBenchWebsite } from './platform.js';

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

// The built site on the local Functions host, beside the API and the embedded stack (as `npm start`),
// so the signed-in pages render from real API answers.
const stack = await startBenchStack();
const api = await startBenchHost(stack, { triggers: false });
const site = await startBenchWebsite(stack, api, join(root, 'dist/web/main.js'));

/** A signed-in resident's session cookie, sealed as the site seals it (what signing in leaves behind). */
async function sessionFor(sub: string, journeys?: Session['journeys']): Promise<string> {
  const token = await requestDevToken(stack.endpoints.identity.issuer, sub, ['resident']);
  const session: Session = {
    ...newSession(),
    user: { sub, name: 'Bench Resident', accessToken: token, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
    ...(journeys ? { journeys } : {}),
  };
  const key = new Uint8Array(Buffer.from(site.sessionKey, 'base64'));
  return `${sessionCookieName}=${await sealSession(session, key)}`;
}

/** GET over raw HTTP: the bytes that crossed the wire (fetch would decode them). */
function wire(path: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${site.url}${path}`, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const sub = `bench-${Date.now().toString(36)}`;
const { created, address } = await benchResidentWithReport(stack, api.api, sub);
const cookie = await sessionFor(sub);
const reportCookie = await sessionFor(sub, {
  report: {
    key: 'bench',
    serviceCode: 'pothole',
    answers: { where: 'road', size: 'medium' },
    description: 'Deep pothole outside the bakery',
    location: address,
  },
});
const payCookie = await sessionFor(sub, { pay: { key: 'bench', itemCode: 'garden-waste' } });

interface BenchPage {
  readonly path: string;
  readonly cookie?: string;
}
const pages: BenchPage[] = [
  { path: '/' },
  { path: '/accessibility-statement' },
  { path: '/privacy' },
  { path: '/cookies' },
  { path: '/no-such-page' },
  { path: '/my-account', cookie },
  { path: `/my-account/requests/${created.id}`, cookie },
  { path: '/report', cookie },
  { path: '/report/questions', cookie: reportCookie },
  { path: '/report/location', cookie: reportCookie },
  { path: '/report/check', cookie: reportCookie },
  { path: '/pay', cookie },
  { path: '/pay/check', cookie: payCookie },
];
const kib = (n: number) => (n / 1024).toFixed(1);
try {
  console.log(
    `\nServer time per page, warm (${requests} sequential requests each, loopback, built site; signed-in pages call the API)\n`,
  );
  for (const p of pages) {
    const headers: Record<string, string> = {
      'accept-encoding': 'br, gzip',
      ...(p.cookie ? { cookie: p.cookie } : {}),
    };
    const first = await wire(p.path, headers);
    if (first.status !== 200 && p.path !== '/no-such-page') throw new Error(`${p.path} answered ${first.status}`);
    for (let i = 0; i < 20; i++) await wire(p.path, headers);
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      await wire(p.path, headers);
      times.push(performance.now() - started);
    }
    console.log(
      `  ${p.path.slice(0, 40).padEnd(40)} ${p.cookie ? 'signed in' : 'public   '}  p50 ${quantile(times, 0.5).toFixed(2).padStart(6)} ms   p99 ${quantile(times, 0.99).toFixed(2).padStart(6)} ms`,
    );
  }

  console.log(
    `\nBytes transferred per page, as the site sends them (budget: first view ≤ ${budget.firstViewKiB} KiB, later views ≤ ${budget.laterViewKiB} KiB, Brotli)\n`,
  );
  console.log(
    `  ${'page'.padEnd(40)} ${'HTML br/gz/raw'.padStart(18)} ${'CSS br/gz'.padStart(12)} ${'JS br/gz'.padStart(10)} ${'first view br'.padStart(14)} ${'first gz'.padStart(9)} ${'raw'.padStart(7)}`,
  );
  let worstFirst = 0;
  let worstLater = 0;
  const assetBytes = new Map<string, { br: number; gz: number; raw: number }>();
  for (const p of pages) {
    const withCookie: Record<string, string> = p.cookie ? { cookie: p.cookie } : {};
    const [br, gz, raw] = await Promise.all([
      wire(p.path, { 'accept-encoding': 'br', ...withCookie }),
      wire(p.path, { 'accept-encoding': 'gzip', ...withCookie }),
      wire(p.path, withCookie),
    ]);
    const html = await (await fetch(`${site.url}${p.path}`, { headers: withCookie })).text();
    const assets = [...html.matchAll(/(?:href|src)="(\/assets\/app-[0-9a-f]+\.(css|js))"/g)];
    const sizes = { css: { br: 0, gz: 0, raw: 0 }, js: { br: 0, gz: 0, raw: 0 } };
    for (const [, url = '', kind] of assets) {
      let measured = assetBytes.get(url);
      if (!measured) {
        measured = {
          br: (await wire(url, { 'accept-encoding': 'br' })).bytes,
          gz: (await wire(url, { 'accept-encoding': 'gzip' })).bytes,
          raw: (await wire(url)).bytes,
        };
        assetBytes.set(url, measured);
      }
      const s = sizes[kind as 'css' | 'js'];
      s.br += measured.br;
      s.gz += measured.gz;
      s.raw += measured.raw;
    }
    const firstBr = br.bytes + sizes.css.br + sizes.js.br;
    const firstGz = gz.bytes + sizes.css.gz + sizes.js.gz;
    worstFirst = Math.max(worstFirst, firstBr);
    worstLater = Math.max(worstLater, br.bytes);
    console.log(
      `  ${p.path.slice(0, 40).padEnd(40)} ${`${kib(br.bytes)}/${kib(gz.bytes)}/${kib(raw.bytes)}`.padStart(18)} ${`${kib(sizes.css.br)}/${kib(sizes.css.gz)}`.padStart(12)} ${`${kib(sizes.js.br)}/${kib(sizes.js.gz)}`.padStart(10)} ${kib(firstBr).padStart(14)} ${kib(firstGz).padStart(9)} ${kib(raw.bytes + sizes.css.raw + sizes.js.raw).padStart(7)}`,
    );
  }
  console.log(
    `\n  worst first view ${kib(worstFirst)} KiB (${worstFirst / 1024 <= budget.firstViewKiB ? 'within' : 'OVER'} budget), worst later view ${kib(worstLater)} KiB (${worstLater / 1024 <= budget.laterViewKiB ? 'within' : 'OVER'} budget)`,
  );
  // What GOV.UK's own Design System costs any page that loads it whole: the budget's yardstick (decision 0850).
  const require = createRequire(import.meta.url);
  const govuk = dirname(require.resolve('govuk-frontend'));
  const govukVersion = (
    JSON.parse(readFileSync(join(govuk, '..', '..', 'package.json'), 'utf8')) as { version: string }
  ).version;
  const whole = ['govuk-frontend.min.css', 'govuk-frontend.min.js'].map((f) => readFileSync(join(govuk, f)));
  const yard = whole.reduce((n, b) => n + brotliCompressSync(b).length, 0);
  const yardGz = whole.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
  console.log(
    `  govuk-frontend ${govukVersion}'s own precompiled CSS + JS, as a GOV.UK service loading it whole would send them: ${kib(yard)} KiB Brotli, ${kib(yardGz)} KiB gzip`,
  );
} finally {
  await site.close();
  await closeBench(stack, api);
}
