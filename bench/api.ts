/**
 * `npm run bench:api`: drives create / get / list against the local Functions host
 * on the embedded stack, and prints throughput, p50/p99 latency, errors and the
 * Cosmos DB operations each API call caused (counted at the Cosmos server).
 *
 * Closed loop: BENCH_CONCURRENCY workers (default 16) for BENCH_SECONDS (default 10)
 * per phase. Locally, Cosmos is in process and memory-only: absolute latencies
 * are the host's and the SDK's, not Azure's; operations per call carry over.
 *
 * BENCH_PROFILE=<dir> writes one CPU profile per phase (`<dir>/<phase>.cpuprofile`, open
 * in Chrome DevTools) and prints the heaviest self-time frames in Doorstep's own code.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector/promises';
import { join } from 'node:path';
import { requestDevToken } from '../local/identity/provider.js';
import { createRequestOps, startFloor } from './floor.js';
import { closeBench, startBenchHost, startBenchStack } from './platform.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const profileDir = process.env.BENCH_PROFILE;
const residents = 50;
const profiler = profileDir ? new Session() : undefined;
if (profiler && profileDir) {
  mkdirSync(profileDir, { recursive: true });
  profiler.connect();
  await profiler.post('Profiler.enable');
}

const stack = await startBenchStack();
const host = await startBenchHost(stack, { triggers: false });
const { api } = host;
const tokens = await Promise.all(
  Array.from({ length: residents }, (_, i) =>
    requestDevToken(stack.endpoints.identity.issuer, `bench-${i}`, ['resident']),
  ),
);
const created: { id: string; owner: number }[] = [];

interface Result {
  readonly name: string;
  readonly calls: number;
  readonly errors: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly cosmosOps: number;
  /** Process CPU (user + system) per call: the whole stack's, client and emulators included, as on the floor. */
  readonly cpuMsPerCall: number;
  /** The same work on the floor (bench/floor.ts): the SDK's Cosmos operations behind a bare server. */
  floor?: { readonly calls: number; readonly seconds: number; readonly cpuMsPerCall: number };
}

async function phase(
  name: string,
  call: (worker: number, n: number) => Promise<Response>,
  expected: number,
): Promise<Result> {
  // Warm up: first calls load handler modules and open SDK connections.
  for (let i = 0; i < 5; i++) await (await call(0, i)).arrayBuffer();
  const latencies: number[] = [];
  let errors = 0;
  const opsBefore = stack.cosmos.operations();
  await profiler?.post('Profiler.start');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t = performance.now();
        const response = await call(worker, n);
        await response.arrayBuffer();
        latencies.push(performance.now() - t);
        if (response.status !== expected) errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  if (profiler && profileDir) {
    const { profile } = await profiler.post('Profiler.stop');
    const file = join(profileDir, `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    printHeaviest(name, profile);
  }
  return {
    name,
    calls: latencies.length,
    errors,
    seconds: elapsed,
    latencies,
    cosmosOps: stack.cosmos.operations() - opsBefore,
    cpuMsPerCall: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
  };
}

/** The five heaviest self-time frames in Doorstep's own code (shared/, functions/), as shares of the phase's samples. */
function printHeaviest(name: string, profile: Profiler.Profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  for (const id of samples) {
    const frame = nodes.get(id)?.callFrame;
    const own = frame?.url.match(/\/((?:shared|functions)\/.+\.ts)$/)?.[1];
    if (!frame || !own) continue;
    const key = `${frame.functionName || '(anonymous)'} ${own}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  console.log(`\n  ${name}: heaviest self time in Doorstep's own code (of ${samples.length} samples)`);
  for (const [key, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 5))
    console.log(`    ${((n / samples.length) * 100).toFixed(2).padStart(6)}%  ${key}`);
}

const auth = (i: number) => ({ authorization: `Bearer ${tokens[i % residents] ?? ''}` });
const results: Result[] = [];

results.push(
  await phase(
    'POST /api/requests',
    async (worker, n) => {
      const owner = (worker * 7919 + n) % residents;
      const response = await fetch(`${api}/requests`, {
        method: 'POST',
        headers: { ...auth(owner), 'content-type': 'application/json' },
        body: JSON.stringify({
          serviceCode: 'pothole',
          description: 'Benchmark pothole',
          location: { lat: 51.42 + Math.random() * 0.1, long: -2.7 + Math.random() * 0.18 },
          attributes: { where: 'road', size: 'small' },
        }),
      });
      if (response.status === 201) {
        const body = (await response.clone().json()) as { id: string };
        created.push({ id: body.id, owner });
      }
      return response;
    },
    201,
  ),
);
results.push(
  await phase(
    'GET /api/requests/{id}',
    (worker, n) => {
      const r = created[(worker * 104729 + n) % created.length] ?? { id: '', owner: 0 };
      return fetch(`${api}/requests/${r.id}`, { headers: auth(r.owner) });
    },
    200,
  ),
);
results.push(
  await phase(
    'GET /api/me/requests',
    (worker, n) => fetch(`${api}/me/requests?pageSize=20`, { headers: auth(worker * 31 + n) }),
    200,
  ),
);

// The floor: each phase's Cosmos operations through the SDK behind a bare node:http server.
const floorIds: { id: string; owner: number }[] = [];
const floor = await startFloor(stack, async (c, path) => {
  const [route, who] = path.slice(1).split('/');
  const owner = Number(who ?? 0);
  if (route === 'create') {
    const id = await createRequestOps(c, `bench-${owner}`);
    floorIds.push({ id, owner });
    return { status: 201, body: { id } };
  }
  if (route === 'get') {
    const r = created[owner % created.length] ?? { id: '' };
    const read = await c.requests?.item(r.id, r.id).read<Record<string, unknown>>();
    return { status: read?.resource ? 200 : 404, body: read?.resource };
  }
  const iterator = c.residents?.items.query(
    {
      query: 'SELECT * FROM c WHERE c.residentId = @r AND c.kind = @kind ORDER BY c.at DESC',
      parameters: [
        { name: '@r', value: `bench-${owner % residents}` },
        { name: '@kind', value: 'request' },
      ],
    },
    { partitionKey: `bench-${owner % residents}`, maxItemCount: 20 },
  );
  return { status: 200, body: { items: (await iterator?.fetchNext())?.resources ?? [] } };
});
const floorRoutes = ['create', 'get', 'list'];
for (const [i, r] of results.entries()) {
  const f = await phase(
    `floor ${r.name}`,
    (worker, n) =>
      fetch(`${floor.url}/${floorRoutes[i] ?? 'list'}/${String((worker * 104729 + n) % 100_000)}`, {
        method: i === 0 ? 'POST' : 'GET',
      }),
    i === 0 ? 201 : 200,
  );
  r.floor = { calls: f.calls, seconds: f.seconds, cpuMsPerCall: f.cpuMsPerCall };
}
await floor.close();

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
console.log(
  `\nAPI benchmark: ${concurrency} concurrent clients, ${seconds} s per phase, node ${process.version}, local host + embedded stack\n`,
);
console.log(
  '  call                       calls   req/s    p50 ms   p99 ms  errors  Cosmos ops/call  floor req/s  of floor  CPU ms/call  floor CPU ms  of floor (CPU)',
);
for (const r of results) {
  const rate = r.calls / r.seconds;
  const floorRate = r.floor ? r.floor.calls / r.floor.seconds : NaN;
  console.log(
    `  ${r.name.padEnd(24)} ${String(r.calls).padStart(7)} ${rate.toFixed(0).padStart(7)} ${pct(r.latencies, 50).toFixed(1).padStart(9)} ${pct(r.latencies, 99).toFixed(1).padStart(8)} ${String(r.errors).padStart(7)} ${(r.cosmosOps / r.calls).toFixed(2).padStart(16)} ${floorRate.toFixed(0).padStart(12)} ${`${((rate / floorRate) * 100).toFixed(0)}%`.padStart(9)} ${r.cpuMsPerCall.toFixed(2).padStart(12)} ${(r.floor?.cpuMsPerCall ?? NaN).toFixed(2).padStart(13)} ${`${(((r.floor?.cpuMsPerCall ?? NaN) / r.cpuMsPerCall) * 100).toFixed(0)}%`.padStart(15)}`,
  );
}
console.log(
  '\n  The floor: the same Cosmos operations through the SDK behind a bare node:http server (bench/floor.ts), same clients, same seconds.',
);
console.log(
  "\n  of floor (CPU): the floor's process CPU per call over Doorstep's, the ratio that holds on a busy machine (req/s there measures the scheduler).",
);
console.log(
  '\n  Cosmos ops/call counts every HTTP request the SDK made to Cosmos DB during the phase (token validation needs none once JWKS is cached).',
);

profiler?.disconnect();
await closeBench(stack, host);
process.exit(0);
