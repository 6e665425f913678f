/**
 * /api/health against a real outage: one dependency of a dedicated stack is
 * stopped, and the endpoint must say so promptly with 503.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionsHost } from '../../local/host/functions-host.js';
import type { LocalStack } from '../../local/stack.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { waitFor } from '../support/wait.js';

let platform: TestPlatform;
let stack: LocalStack;
let host: FunctionsHost;

beforeAll(async () => {
  platform = await startTestPlatform(join(import.meta.dirname, '../../functions/index.ts'), {
    DEPENDENCY_TIMEOUT_MS: '1000',
  });
  ({ stack, host } = platform);
});
afterAll(() => platform.close());

interface HealthBody {
  status: string;
  dependencies: Record<string, { up: boolean; reason?: string }>;
}

/**
 * Health until `accept` holds. Each probe is bounded (1 s here), so on a loaded machine a
 * healthy dependency can miss its bound once: ask again rather than read one answer as final.
 */
const healthUntil = (accept: (status: number, body: HealthBody) => boolean) =>
  waitFor(
    async () => {
      const response = await fetch(`${host.url}/api/health`);
      const body = (await response.json()) as HealthBody;
      return accept(response.status, body) ? { response, body } : undefined;
    },
    { timeout: 60_000, interval: 250, what: 'the expected health report' },
  );

describe('GET /api/health during an outage', () => {
  it('when the identity provider is down, then 503 says identity is down and the rest up', async () => {
    await healthUntil((status) => status === 200);
    await stack.stop('identity');
    const { response, body } = await healthUntil(
      (status, b) => status === 503 && ['cosmos', 'blob', 'serviceBus'].every((d) => b.dependencies[d]?.up),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    expect(body.status).toBe('unhealthy');
    expect(body.dependencies.identity).toMatchObject({ up: false, reason: 'unreachable' });
    expect(body.dependencies.cosmos?.up).toBe(true);
    expect(body.dependencies.blob?.up).toBe(true);
    expect(body.dependencies.serviceBus?.up).toBe(true);
  });

  it('when Cosmos DB is down too, then the answer still comes within the probe timeout', async () => {
    // Suspended (every connection reset, as in the faults suite) rather than stopped: a refused
    // connection fails fast anyway, a reset one is what the SDK keeps retrying.
    await stack.suspend('cosmos');
    const response = await fetch(`${host.url}/api/health`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as HealthBody;
    // Without a bound the SDK would keep retrying for about ten seconds; `timeout` says the
    // probe's bound (DEPENDENCY_TIMEOUT_MS, 1 s here) ended it, without timing it with a clock.
    expect(body.dependencies.cosmos).toMatchObject({ up: false, reason: 'timeout' });
    await stack.resume('cosmos');
  });
});
