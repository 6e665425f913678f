/**
 * /api/health against a real outage: one dependency of a dedicated stack is
 * stopped, and the endpoint must say so promptly with 503.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionsHost } from '../../local/host/functions-host.js';
import type { LocalStack } from '../../local/stack.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

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

describe('GET /api/health during an outage', () => {
  it('when the identity provider is down, then 503 says identity is down and the rest up', async () => {
    expect((await fetch(`${host.url}/api/health`)).status).toBe(200);
    await stack.stop('identity');
    const response = await fetch(`${host.url}/api/health`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('10');
    const body = (await response.json()) as {
      status: string;
      dependencies: Record<string, { up: boolean; reason?: string }>;
    };
    expect(body.status).toBe('unhealthy');
    expect(body.dependencies.identity).toMatchObject({ up: false, reason: 'unreachable' });
    expect(body.dependencies.cosmos?.up).toBe(true);
    expect(body.dependencies.blob?.up).toBe(true);
    expect(body.dependencies.serviceBus?.up).toBe(true);
  });

  it('when Cosmos DB is down too, then the answer still comes within the probe timeout', async () => {
    await stack.stop('cosmos');
    const started = Date.now();
    const response = await fetch(`${host.url}/api/health`);
    const elapsed = Date.now() - started;
    expect(response.status).toBe(503);
    const body = (await response.json()) as { dependencies: Record<string, { up: boolean }> };
    expect(body.dependencies.cosmos?.up).toBe(false);
    // Probes run in parallel, each bounded by DEPENDENCY_TIMEOUT_MS (1 s here).
    expect(elapsed).toBeLessThan(3000);
  });
});
