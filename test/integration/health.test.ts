import { describe, expect, inject, it } from 'vitest';

const api = (path: string) => `${inject('hostUrl')}/api/${path}`;

describe('GET /api/health', () => {
  it('when every dependency answers, then 200 names each one as up', async () => {
    const response = await fetch(api('health'));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as {
      status: string;
      dependencies: Record<string, { up: boolean; latencyMs: number }>;
    };
    expect(body.status).toBe('healthy');
    expect(Object.keys(body.dependencies).sort()).toEqual(['blob', 'cosmos', 'identity', 'serviceBus']);
    for (const dependency of Object.values(body.dependencies)) {
      expect(dependency.up).toBe(true);
      expect(dependency.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });
});
