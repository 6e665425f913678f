/**
 * `npm run test:faults`: each local dependency (Cosmos DB, Blob Storage, Service
 * Bus, the identity provider) is taken away in the middle of load and brought back.
 * Residents keep reporting (retrying with the same Idempotency-Key, as a client
 * should), reading and paying throughout. During each outage: only clear 503s
 * (problem+json, Retry-After) for what needs the missing dependency, never another
 * 5xx, and no call left hanging. Afterwards: every acknowledged report and payment
 * is there exactly once, and the outbox has published every event exactly once.
 */
import { CosmosClient } from '@azure/cosmos';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { requestDevToken } from '../../local/identity/provider.js';
import { seedLocalData } from '../../local/seed.js';
import type { OutageComponent } from '../../local/stack.js';
import { outboxPublished } from '../support/outbox.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { readSubscription } from '../support/service-bus.js';
import { waitFor } from '../support/wait.js';

/**
 * A call unanswered this long has hung: far past the 3 s request budget, so a busy machine
 * cannot reach it while a call with no budget at all still would.
 */
const hangMs = 60_000;
const dependencyTimeoutMs = 1000;
const requestTimeoutMs = 3000;
/** Longer than the request budget, so that an outage cannot hide behind the SDKs' own retries. */
const outageMs = 5000;

let platform: TestPlatform;
let api = '';
const residents = Array.from({ length: 6 }, (_, i) => `faults-${i}-${randomUUID().slice(0, 6)}`);
const tokens = new Map<string, string>();

interface Outcome {
  readonly at: number;
  readonly what: string;
  readonly status: number;
  readonly ms: number;
  readonly problem: boolean;
  readonly retryAfter: string | null;
}
const outcomes: Outcome[] = [];
const reports = new Map<string, string>(); // Idempotency-Key → request id, once acknowledged
const payments = new Map<string, string>();
let stopping = false;
let stoppedAt = 0;
/** Keys a client gave up on after the run (each would be a report or payment lost to the resident). */
const abandoned: string[] = [];
const givingUp = () => stopping && Date.now() - stoppedAt > 20_000;

async function timedCall(what: string, path: string, init: RequestInit): Promise<Response | undefined> {
  const started = Date.now();
  try {
    const response = await fetch(`${api}/${path}`, { ...init, signal: AbortSignal.timeout(hangMs) });
    const body = await response.text();
    outcomes.push({
      at: started,
      what,
      status: response.status,
      ms: Date.now() - started,
      problem: (response.headers.get('content-type') ?? '').startsWith('application/problem+json'),
      retryAfter: response.headers.get('retry-after'),
    });
    return new Response(body, { status: response.status, headers: response.headers });
  } catch {
    outcomes.push({ at: started, what, status: 0, ms: Date.now() - started, problem: false, retryAfter: null });
    return undefined;
  }
}

/** A client's own pacing and back-off between calls (what it does, not what the test waits for). */
const backOff = (ms: number) => new Promise((r) => setTimeout(r, ms));
const as = (who: string) => ({ authorization: `Bearer ${tokens.get(who) ?? ''}`, 'content-type': 'application/json' });

/** A resident reporting: each report retried with its key until accepted, as a careful client does. */
async function reporter(who: string): Promise<void> {
  while (!stopping) {
    const key = randomUUID();
    for (;;) {
      const r = await timedCall('POST /requests', 'requests', {
        method: 'POST',
        headers: { ...as(who), 'idempotency-key': key },
        body: JSON.stringify({
          serviceCode: 'fallen-tree',
          description: 'Tree down after the storm.',
          location: { lat: 51.45, long: -2.59 },
          attributes: { blocking: 'yes' },
        }),
      });
      if (r?.status === 201) {
        reports.set(key, ((await r.json()) as { id: string }).id);
        break;
      }
      if (givingUp()) {
        abandoned.push(`report ${key}: ${r?.status ?? 'no answer'} ${r ? await r.text() : ''}`);
        break;
      }
      await backOff(200);
    }
  }
}

async function payer(who: string): Promise<void> {
  while (!stopping) {
    const key = randomUUID();
    for (;;) {
      const r = await timedCall('POST /payments', 'payments', {
        method: 'POST',
        headers: { ...as(who), 'idempotency-key': key },
        body: JSON.stringify({ itemCode: 'garden-waste' }),
      });
      if (r?.status === 201) {
        payments.set(key, ((await r.json()) as { id: string }).id);
        break;
      }
      if (givingUp()) {
        abandoned.push(`payment ${key}: ${r?.status ?? 'no answer'} ${r ? await r.text() : ''}`);
        break;
      }
      await backOff(200);
    }
    await backOff(100);
  }
}

async function reader(who: string): Promise<void> {
  while (!stopping) {
    const ids = [...reports.values()];
    const id = ids[Math.floor(Math.random() * ids.length)];
    if (id) await timedCall('GET /requests/{id}', `requests/${id}`, { headers: as(residents[0] ?? '') });
    await timedCall('GET /me/requests', 'me/requests', { headers: as(who) });
    await timedCall('POST /uploads', 'uploads', {
      method: 'POST',
      headers: as(who),
      body: JSON.stringify({ purpose: 'photo', fileName: 'tree.jpg', contentType: 'image/jpeg', size: 100_000 }),
    });
    await backOff(50);
  }
}

let load: Promise<unknown>;
const windows: { component: OutageComponent; from: number; to: number }[] = [];

beforeAll(async () => {
  platform = await startTestPlatform(join(import.meta.dirname, '../../functions/index.ts'), {
    DEPENDENCY_TIMEOUT_MS: String(dependencyTimeoutMs),
    REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
    // The reporters file reports as fast as they can: this suite measures outages, not limits.
    RATE_LIMITS: 'off',
  });
  await seedLocalData(platform.stack);
  platform.stack.setPaymentWebhookTarget(`${platform.host.url}/api/payments/webhook`);
  api = `${platform.host.url}/api`;
  for (const who of residents)
    tokens.set(who, await requestDevToken(platform.stack.endpoints.identity.issuer, who, ['resident']));
  const [a, b, c, d, e, f] = residents as [string, string, string, string, string, string];
  load = Promise.all([reporter(a), reporter(b), reporter(c), payer(d), reader(e), reader(f)]);
  // Conditions, not a timetable: on a loaded machine calls take longer, so each phase lasts
  // until what it is for has happened (deadlines only catch a stuck run).
  await waitFor(() => reports.size > 0 && payments.size > 0, { timeout: 60_000, what: 'the load to get going' });
  for (const component of ['cosmos', 'serviceBus', 'blob', 'identity'] as const) {
    const from = Date.now();
    await platform.stack.suspend(component);
    // Away at least longer than the request budget, and until a report was answered while it was
    // away: refused with 503 without Cosmos DB, whatever it was otherwise (the tests judge it).
    await waitFor(
      () =>
        Date.now() - from >= outageMs &&
        outcomes.some(
          (o) => o.at >= from && o.what === 'POST /requests' && (component !== 'cosmos' || o.status === 503),
        ),
      { timeout: 60_000, interval: 100, what: `a report answered during the ${component} outage` },
    );
    await platform.stack.resume(component);
    windows.push({ component, from, to: Date.now() });
    // Recovered before the next outage: a report started after the resume was accepted.
    const back = Date.now();
    await waitFor(() => outcomes.some((o) => o.at >= back && o.what === 'POST /requests' && o.status === 201), {
      timeout: 60_000,
      interval: 100,
      what: `reports to be accepted again after the ${component} outage`,
    });
  }
  stopping = true;
  stoppedAt = Date.now();
  await load;
}, 400_000);

afterAll(async () => {
  // The figures, for the record (npm run test:faults prints them).
  const rows = (['cosmos', 'serviceBus', 'blob', 'identity'] as const).map((component) => {
    const o = during(component);
    const count = (f: (x: Outcome) => boolean) => o.filter(f).length;
    return `  ${component.padEnd(11)} ${String(o.length).padStart(6)} ${String(count((x) => x.status >= 200 && x.status < 300)).padStart(6)} ${String(count((x) => x.status >= 400 && x.status < 500)).padStart(6)} ${String(count((x) => x.status === 503)).padStart(6)} ${String(count((x) => x.status >= 500 && x.status !== 503)).padStart(9)} ${String(Math.max(0, ...o.map((x) => x.ms))).padStart(8)}`;
  });
  console.log(
    [
      `\nFaults: each dependency away for ${outageMs} ms under load (request budget ${requestTimeoutMs} ms)`,
      '  outage       calls    2xx    4xx    503  other 5xx   max ms',
      ...rows,
      `  overall: ${outcomes.length} calls, slowest ${Math.max(...outcomes.map((x) => x.ms))} ms; reports acknowledged ${reports.size}, payments ${payments.size}, given up ${abandoned.length}`,
    ].join('\n'),
  );
  await platform.close();
});

const during = (component: OutageComponent) => {
  const w = windows.find((x) => x.component === component);
  return outcomes.filter((o) => w && o.at >= w.from && o.at <= w.to);
};

describe('faults under load', () => {
  it('lets every client finish: no report or payment keeps failing after recovery', () => {
    expect(abandoned).toEqual([]);
  });

  it('never answers with a 5xx other than 503, and no call hangs', () => {
    const bad = outcomes.filter((o) => o.status === 0 || (o.status >= 500 && o.status !== 503));
    expect(bad, JSON.stringify(bad.slice(0, 5))).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(100);
  });

  it('says 503 as problem+json with Retry-After whenever a dependency is missing', () => {
    const unavailable = outcomes.filter((o) => o.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const o of unavailable) {
      expect(o.problem, JSON.stringify(o)).toBe(true);
      expect(Number(o.retryAfter), JSON.stringify(o)).toBeGreaterThan(0);
    }
  });

  it('without Cosmos DB, writes and reads are refused with 503; without Service Bus, Blob Storage or the identity provider, reports are still accepted', () => {
    const summary = (component: OutageComponent) =>
      JSON.stringify(
        Object.entries(
          during(component).reduce<Record<string, number>>((n, o) => {
            const k = `${o.what} ${o.status}`;
            n[k] = (n[k] ?? 0) + 1;
            return n;
          }, {}),
        ),
      );
    expect(
      during('cosmos').some((o) => o.status === 503 && o.what === 'POST /requests'),
      summary('cosmos'),
    ).toBe(true);
    for (const component of ['serviceBus', 'blob', 'identity'] as const) {
      const created = during(component).filter((o) => o.what === 'POST /requests');
      expect(created.length, component).toBeGreaterThan(0);
      expect(
        created.every((o) => o.status === 201),
        `${component}: ${summary(component)}`,
      ).toBe(true);
    }
  });

  it('after recovery, every acknowledged report and payment is stored exactly once', async () => {
    const cosmos = new CosmosClient({
      endpoint: platform.stack.endpoints.cosmos.endpoint,
      key: emulatorKey,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const db = cosmos.database(platform.stack.endpoints.cosmos.database);
    const stored = (
      await db
        .container('requests')
        .items.query<string>({
          query: "SELECT VALUE c.id FROM c WHERE c.type = 'request' AND ARRAY_CONTAINS(@who, c.residentId)",
          parameters: [{ name: '@who', value: residents }],
        })
        .fetchAll()
    ).resources;
    expect(new Set(reports.values()).size).toBe(reports.size);
    expect(stored.sort()).toEqual([...reports.values()].sort());
    expect(payments.size).toBeGreaterThan(0);
    expect(new Set(payments.values()).size).toBe(payments.size);
    // One GOV.UK Pay payment per acknowledged payment: none taken twice.
    expect(platform.stack.govukPay.created()).toBe(payments.size);
  });

  it('the outbox catches up: every report has exactly one "submitted" event on the crm subscription', async () => {
    const ids = new Set(reports.values());
    // Every entry published, then a marker behind them: a late duplicate would be read before it.
    // Hundreds of reports' events wait behind the outages; at a full run's start the machine is also
    // starting the shared stack, and one run needed more than 60 s (it takes 3-5 s alone, cores busy).
    await outboxPublished(platform.stack.endpoints.cosmos, [...ids], { timeout: 150_000 });
    const all = await readSubscription(platform.stack.appSettings.ServiceBus ?? '', 'events', 'crm', () => true, {
      timeout: 60_000,
    });
    const seen = new Map<string, number>();
    for (const m of all) {
      const event = m.body as { type: string; subject: string };
      if (event.type === 'uk.gov.doorstep.request.submitted' && ids.has(event.subject))
        seen.set(event.subject, (seen.get(event.subject) ?? 0) + 1);
    }
    expect([...ids].filter((id) => !seen.has(id))).toEqual([]);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
  }, 240_000);
});
