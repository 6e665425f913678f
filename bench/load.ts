/**
 * `npm run bench:load`: the morning after a storm. autocannon drives a realistic
 * mix against the local Functions host on the embedded stack, all at once:
 *   sign-in (a token from the OpenID provider), a report's photo upload URL, the
 *   report itself, "my requests", one request, and staff updates (read, then PATCH
 *   with its ETag);
 * then a bare node:http server answering a fixed JSON, with the same connections
 * and duration, as the ceiling of this machine and client. Afterwards it counts:
 * every 201 stored exactly once, and every report's event published exactly once.
 *
 * BENCH_SECONDS (default 15), BENCH_CONNECTIONS (default 32, split across the mix).
 * Everything runs in one process on this machine, autocannon included: the figures
 * compare paths, they are not a capacity plan for Azure.
 */
import { CosmosClient } from '@azure/cosmos';
import { ServiceBusClient } from '@azure/service-bus';
import autocannon, { type Result } from 'autocannon';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emulatorKey } from '../local/cosmos.js';
import { devCliClient, devTokenGrantType, requestDevToken } from '../local/identity/provider.js';
import { closeBench, startBenchHost, startBenchStack } from './platform.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const runTag = randomUUID().slice(0, 8);

const stack = await startBenchStack();
const host = await startBenchHost(stack);
const issuer = stack.endpoints.identity.issuer;
const residents = Array.from({ length: 40 }, (_, i) => `load-${runTag}-${i}`);
const tokens = await Promise.all(residents.map((sub) => requestDevToken(issuer, sub, ['resident'])));
const staffToken = await requestDevToken(stack.endpoints.workforceIdentity.issuer, 'sam', ['staff']);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)] as T;
const report = () =>
  JSON.stringify({
    serviceCode: 'fallen-tree',
    description: 'A tree is down across the road after the storm.',
    location: { lat: 51.42 + Math.random() * 0.1, long: -2.7 + Math.random() * 0.18 },
    attributes: { blocking: 'yes' },
  });

// Requests to read and update during the run (and to make "my requests" non-empty).
const seeded: { id: string; token: string }[] = [];
for (let i = 0; i < 120; i++) {
  const token = tokens[i % tokens.length] ?? '';
  const response = await fetch(`${host.url}/api/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: report(),
  });
  if (response.status !== 201) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
  seeded.push({ id: ((await response.json()) as { id: string }).id, token });
}

/** Ids of the reports whose 201 the client saw. */
const acknowledged: string[] = [];
const share = (weight: number) => Math.max(1, Math.round((connections * weight) / 16));
const json = { 'content-type': 'application/json' };
type Ctx = { etag?: string; id?: string };
const mix: { name: string; url: string; connections: number; requests: autocannon.Request[] }[] = [
  {
    name: 'sign-in (token)',
    url: issuer,
    connections: share(1),
    requests: [
      {
        method: 'POST',
        path: '/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${devCliClient.id}:${devCliClient.secret}`).toString('base64')}`,
        },
        setupRequest: (r) => ({
          ...r,
          body: new URLSearchParams({
            grant_type: devTokenGrantType,
            sub: pick(residents),
            roles: 'resident',
          }).toString(),
        }),
      },
    ],
  },
  {
    name: 'POST /uploads (photo URL)',
    url: host.url,
    connections: share(2),
    requests: [
      {
        method: 'POST',
        path: '/api/uploads',
        setupRequest: (r) => ({
          ...r,
          headers: { ...json, authorization: `Bearer ${pick(tokens)}` },
          body: JSON.stringify({ purpose: 'photo', fileName: 'tree.jpg', contentType: 'image/jpeg', size: 2_000_000 }),
        }),
      },
    ],
  },
  {
    name: 'POST /requests (report)',
    url: host.url,
    connections: share(4),
    requests: [
      {
        method: 'POST',
        path: '/api/requests',
        setupRequest: (r) => ({
          ...r,
          headers: { ...json, authorization: `Bearer ${pick(tokens)}`, 'idempotency-key': randomUUID() },
          body: report(),
        }),
        onResponse: (status, body) => {
          if (status === 201) acknowledged.push((JSON.parse(body) as { id: string }).id);
        },
      },
    ],
  },
  {
    name: 'GET /me/requests',
    url: host.url,
    connections: share(3),
    requests: [
      {
        method: 'GET',
        path: '/api/me/requests?pageSize=20',
        setupRequest: (r) => ({ ...r, headers: { authorization: `Bearer ${pick(tokens)}` } }),
      },
    ],
  },
  {
    name: 'GET /requests/{id}',
    url: host.url,
    connections: share(4),
    requests: [
      {
        method: 'GET',
        setupRequest: (r) => {
          const s = pick(seeded);
          return { ...r, path: `/api/requests/${s.id}`, headers: { authorization: `Bearer ${s.token}` } };
        },
      },
    ],
  },
  {
    name: 'staff: GET then PATCH',
    url: host.url,
    connections: share(2),
    requests: [
      {
        method: 'GET',
        setupRequest: (r, context) => {
          const c = context as Ctx;
          c.id = pick(seeded).id;
          return { ...r, path: `/api/requests/${c.id}`, headers: { authorization: `Bearer ${staffToken}` } };
        },
        onResponse: (_status, _body, context, headers) => {
          (context as Ctx).etag = (headers as Record<string, string | undefined>).etag ?? '';
        },
      },
      {
        method: 'PATCH',
        setupRequest: (r, context) => {
          const c = context as Ctx;
          return {
            ...r,
            path: `/api/staff/requests/${c.id ?? ''}`,
            headers: { ...json, authorization: `Bearer ${staffToken}`, 'if-match': c.etag ?? '' },
            body: JSON.stringify({ publicUpdate: 'A crew has been assigned.' }),
          };
        },
      },
    ],
  },
];

/**
 * autocannon's histogram has no p95, so each request is timed here as well: from
 * setupRequest to onResponse, per connection (no pipelining, so one at a time).
 */
const latencies = new Map<autocannon.Request[], number[]>();
function timed(requests: autocannon.Request[]): autocannon.Request[] {
  const samples: number[] = [];
  const wrapped = requests.map((r) => ({
    ...r,
    setupRequest: (request: autocannon.Request, context: object) => {
      (context as { t0?: number }).t0 = performance.now();
      return r.setupRequest && typeof r.setupRequest === 'function' ? r.setupRequest(request, context) : request;
    },
    onResponse: (status: number, body: string, context: object, headers: autocannon.Request['headers']) => {
      const t0 = (context as { t0?: number }).t0;
      if (t0 !== undefined) samples.push(performance.now() - t0);
      if (typeof r.onResponse === 'function') r.onResponse(status, body, context, headers);
    },
  }));
  latencies.set(wrapped, samples);
  return wrapped;
}
const pct = (xs: readonly number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? Number.NaN;

const run = (url: string, c: number, requests: autocannon.Request[]) =>
  autocannon({ url, connections: c, duration: seconds, requests, timeout: 30 });

// Warm up the handlers and SDK connections.
await Promise.all(mix.map((m) => autocannon({ url: m.url, connections: 1, amount: 5, requests: m.requests })));
acknowledged.length = 0;

console.log(
  `\nLoad: ${seconds} s, ${mix.reduce((n, m) => n + m.connections, 0)} connections across the mix, node ${process.version}\n`,
);
const started = new Date().toISOString();
const timedMix = mix.map((m) => ({ ...m, requests: timed(m.requests) }));
const results = await Promise.all(timedMix.map((m) => run(m.url, m.connections, m.requests)));

// The ceiling: the same client against a server that does nothing.
const bare = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok","service":"doorstep"}');
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareRequests = timed([{ method: 'GET', path: '/' }]);
const bareResult = await run(`http://127.0.0.1:${(bare.address() as AddressInfo).port}`, connections, bareRequests);
bare.close();

const codes = (r: Result) =>
  Object.entries(r.statusCodeStats ?? {})
    .map(([code, s]) => `${code}×${s.count ?? 0}`)
    .join(' ');
const row = (name: string, r: Result, samples: readonly number[]) =>
  `  ${name.padEnd(28)} ${String(r.requests.total).padStart(7)} ${r.requests.average.toFixed(0).padStart(7)} ${[
    50, 95, 99,
  ]
    .map((p) => pct(samples, p).toFixed(1).padStart(7))
    .join('')} ${String(r.errors + r.timeouts + r.non2xx).padStart(7)}  ${codes(r)}`;
console.log('  path                         requests   req/s    p50    p95    p99  errors  status codes');
timedMix.forEach((m, i) => console.log(row(m.name, results[i] as Result, latencies.get(m.requests) ?? [])));
const total = results.reduce((n, r) => n + r.requests.total, 0);
console.log(
  `  ${'all of the mix'.padEnd(28)} ${String(total).padStart(7)} ${(total / seconds).toFixed(0).padStart(7)}`,
);
console.log(row('bare node:http (ceiling)', bareResult, latencies.get(bareRequests) ?? []));
console.log(
  '  (latency in ms, per request; "errors" counts non-2xx, timeouts and socket errors; 412 is a stale ETag, the right answer to a race between staff)',
);

// After the run: each 201 stored once, each report's event published once.
const reports = results[2] as Result;
const accepted = reports.statusCodeStats?.['201']?.count ?? 0;
const cosmos = new CosmosClient({
  endpoint: stack.endpoints.cosmos.endpoint,
  key: emulatorKey,
  connectionPolicy: { enableEndpointDiscovery: false },
});
const container = cosmos.database(stack.endpoints.cosmos.database).container('requests');
const ids = (
  await container.items
    .query<string>({
      query: "SELECT VALUE c.id FROM c WHERE c.type = 'request' AND c.createdAt >= @started",
      parameters: [{ name: '@started', value: started }],
    })
    .fetchAll()
).resources;
const stored = new Set(ids);
const deadline = Date.now() + 120_000;
let pending = 1;
while (pending > 0 && Date.now() < deadline) {
  pending =
    (
      await container.items
        .query<number>("SELECT VALUE COUNT(1) FROM c WHERE c.type = 'outbox' AND c.state = 'pending'")
        .fetchAll()
    ).resources[0] ?? 0;
  if (pending > 0) await new Promise((r) => setTimeout(r, 500));
}
const bus = new ServiceBusClient(stack.appSettings.ServiceBus ?? '');
const receiver = bus.createReceiver('events', 'crm', { receiveMode: 'receiveAndDelete' });
const submitted = new Map<string, number>();
let seen = 0;
for (;;) {
  const batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: 1500 });
  if (batch.length === 0) break;
  seen += batch.length;
  for (const m of batch) {
    const event = m.body as { type: string; subject: string };
    if (event.type === 'uk.gov.doorstep.request.submitted' && stored.has(event.subject))
      submitted.set(event.subject, (submitted.get(event.subject) ?? 0) + 1);
  }
}
const twice = [...submitted.values()].filter((n) => n > 1).length;
const missing = acknowledged.filter((id) => !stored.has(id)).length;
const unique = new Set(acknowledged).size;
console.log(`
  reports answered 201: ${accepted} (${unique} distinct ids); of those, missing from Cosmos DB: ${missing}
  reports stored during the run: ${stored.size}; the ${stored.size - unique} more were in flight when the clock stopped (stored, answer not read)
  outbox pending after the run: ${pending}; events read from the crm subscription: ${seen}
  "submitted" events for the stored reports: ${submitted.size} of ${stored.size}; published more than once: ${twice}
`);

await receiver.close();
await bus.close();
await closeBench(stack, host);
if (missing > 0 || unique !== accepted || submitted.size !== stored.size || twice > 0 || pending > 0)
  process.exitCode = 1;
