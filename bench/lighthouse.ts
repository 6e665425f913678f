/**
 * `npm run bench:lighthouse`: Lighthouse's performance and accessibility scores for the
 * report journey's pages, on its default mobile emulation (Moto G Power, simulated slow 4G
 * and 4x CPU slowdown), against the site on the local Functions host beside the API and the
 * embedded stack, as `npm start` runs it. Printed, not asserted: a figure, not a test.
 *
 * The browser is the Chromium the browser tests use (test/support/browser.ts finds it, or
 * CHROME_PATH). Signed-in pages are opened with the session cookie signing in leaves, sealed
 * here with the site's key, carrying the journey's answers so far.
 */
import { join } from 'node:path';
import { launch as launchChrome } from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { findChromium } from '../test/support/browser.js';
import { newSession, sealSession, sessionCookieName, type Session } from '../web/session.js';
import { benchResidentWithReport, closeBench, startBenchHost, startBenchStack, startBenchWebsite } from './platform.js';

const root = join(import.meta.dirname, '..');
const chromePath = process.env.CHROME_PATH ?? findChromium();

const stack = await startBenchStack();
const api = await startBenchHost(stack, { triggers: false });
const site = await startBenchWebsite(stack, api, join(root, 'web/index.ts'));
const chrome = await launchChrome({
  chromePath,
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});

try {
  const sub = `lighthouse-${Date.now().toString(36)}`;
  const { token, created, address } = await benchResidentWithReport(stack, api.api, sub);
  const cookieFor = async (journeys?: Session['journeys']) => {
    const session: Session = {
      ...newSession(),
      user: { sub, name: 'Lighthouse Resident', accessToken: token, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
      ...(journeys ? { journeys } : {}),
    };
    return `${sessionCookieName}=${await sealSession(session, new Uint8Array(Buffer.from(site.sessionKey, 'base64')))}`;
  };
  const started = await cookieFor();
  const answered = await cookieFor({
    report: {
      key: 'lighthouse',
      serviceCode: 'pothole',
      answers: { where: 'road', size: 'medium' },
      description: 'Deep pothole outside the bakery',
      location: address,
    },
  });
  const journey: { name: string; path: string; cookie?: string }[] = [
    { name: 'home', path: '/' },
    { name: 'choose a category', path: '/report', cookie: started },
    { name: 'questions', path: '/report/questions', cookie: answered },
    { name: 'location', path: '/report/location', cookie: answered },
    { name: 'photos', path: '/report/photos', cookie: answered },
    { name: 'check answers', path: '/report/check', cookie: answered },
    { name: 'confirmation', path: `/report/confirmation/${created.id}`, cookie: started },
  ];

  console.log(`\nLighthouse 12.2.3 on ${chromePath}, mobile emulation (its defaults), ${site.url}\n`);
  console.log(`  ${'page'.padEnd(20)} ${'path'.padEnd(34)} performance  accessibility   FCP      LCP      TBT    CLS`);
  for (const p of journey) {
    const headers: Record<string, string> = p.cookie ? { cookie: p.cookie } : {};
    // Warm: templates compile on an instance's first page.
    // A kept-alive connection the host has just closed resets once: ask again on a fresh one.
    const get = () =>
      fetch(`${site.url}${p.path}`, { headers: { ...headers, connection: 'close' }, redirect: 'manual' });
    const warm = await get().catch(get);
    if (warm.status !== 200) throw new Error(`${p.path} answered ${warm.status}`);
    const result = await lighthouse(`${site.url}${p.path}`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility'],
      ...(p.cookie ? { extraHeaders: { cookie: p.cookie } } : {}),
    });
    const lhr = result?.lhr;
    if (!lhr) throw new Error(`Lighthouse returned nothing for ${p.path}`);
    const score = (id: string) => {
      const s = lhr.categories[id]?.score;
      return s === null || s === undefined ? '  –' : String(Math.round(s * 100)).padStart(3);
    };
    const metric = (id: string) => lhr.audits[id]?.displayValue ?? '–';
    if (lhr.runtimeError) console.log(`  ${p.name}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    console.log(
      `  ${p.name.padEnd(20)} ${p.path.slice(0, 34).padEnd(34)} ${score('performance').padStart(11)}  ${score('accessibility').padStart(13)}   ${metric('first-contentful-paint').padEnd(8)} ${metric('largest-contentful-paint').padEnd(8)} ${metric('total-blocking-time').padEnd(6)} ${metric('cumulative-layout-shift')}`,
    );
    const failing = Object.values(lhr.audits).filter(
      (a) => lhr.categories.accessibility?.auditRefs.some((r) => r.id === a.id) && a.score !== null && a.score < 1,
    );
    for (const a of failing) console.log(`      accessibility: ${a.id} (${a.title})`);
  }
} finally {
  chrome.kill();
  await site.close();
  await closeBench(stack, api);
}
