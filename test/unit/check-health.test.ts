import { describe, expect, it } from 'vitest';
import { checkHealth, type Probe } from '../../shared/health/check-health.js';

const up: Probe = async () => undefined;
const down: Probe = async () => {
  throw new Error('ECONNREFUSED 127.0.0.1:8081 secret-detail');
};
const hangs: Probe = (signal) =>
  new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(new Error('aborted')));
  });

describe('checkHealth', () => {
  it('when every probe succeeds, then healthy', async () => {
    const report = await checkHealth({
      probes: { cosmos: up, blob: up, serviceBus: up, identity: up },
      timeoutMs: 200,
    });
    expect(report.status).toBe('healthy');
    expect(Object.values(report.dependencies).every((d) => d.up)).toBe(true);
  });

  it('when a probe throws, then unhealthy with reason unreachable and no error text', async () => {
    const report = await checkHealth({
      probes: { cosmos: down, blob: up, serviceBus: up, identity: up },
      timeoutMs: 200,
    });
    expect(report.status).toBe('unhealthy');
    expect(report.dependencies.cosmos).toMatchObject({ up: false, reason: 'unreachable' });
    expect(JSON.stringify(report)).not.toContain('secret-detail');
  });

  it('when a probe hangs, then it is abandoned at the timeout and reported as timeout', async () => {
    let aborted = false;
    const watched: Probe = (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return hangs(signal);
    };
    const started = Date.now();
    const report = await checkHealth({
      probes: { cosmos: up, blob: up, serviceBus: watched, identity: up },
      timeoutMs: 100,
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(report.dependencies.serviceBus).toMatchObject({ up: false, reason: 'timeout' });
    expect(aborted).toBe(true);
  });
});
