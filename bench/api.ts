/**
 * `npm run bench:api`: drives create / get / list against the local Functions host
 * on the embedded stack, and prints throughput, p50/p99 latency, errors and the
 * Cosmos DB operations each API call caused (counted at the Cosmos server).
 *
 * Closed loop: BENCH_CONCURRENCY workers (default 16) for BENCH_SECONDS (default 10)
 * per phase. Locally, Cosmos is in process and memory-only: absolute latencies
 * are the host's and the SDK's, not Azure's; operations per call carry over.
 */
import { requestDevToken } from '../local/identity/provider.js';
import { closeBench, startBenchHost, startBenchStack } from './platform.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const residents = 50;

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
  return {
    name,
    calls: latencies.length,
    errors,
    seconds: elapsed,
    latencies,
    cosmosOps: stack.cosmos.operations() - opsBefore,
  };
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

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
console.log(
  `\nAPI benchmark: ${concurrency} concurrent clients, ${seconds} s per phase, node ${process.version}, local host + embedded stack\n`,
);
console.log('  call                       calls   req/s    p50 ms   p99 ms  errors  Cosmos ops/call');
for (const r of results) {
  console.log(
    `  ${r.name.padEnd(24)} ${String(r.calls).padStart(7)} ${(r.calls / r.seconds).toFixed(0).padStart(7)} ${pct(r.latencies, 50).toFixed(1).padStart(9)} ${pct(r.latencies, 99).toFixed(1).padStart(8)} ${String(r.errors).padStart(7)} ${(r.cosmosOps / r.calls).toFixed(2).padStart(16)}`,
  );
}
console.log(
  '\n  Cosmos ops/call counts every HTTP request the SDK made to Cosmos DB during the phase (token validation needs none once JWKS is cached).',
);

await closeBench(stack, host);
process.exit(0);
