/**
 * Is Doorstep able to serve residents? Each dependency is probed in parallel,
 * each bounded by a timeout, so a hung dependency yields a prompt 503 rather
 * than a hung health check.
 */

export const dependencies = ['cosmos', 'blob', 'serviceBus', 'identity'] as const;
export type Dependency = (typeof dependencies)[number];

export type Probe = (signal: AbortSignal) => Promise<void>;

export interface DependencyStatus {
  readonly up: boolean;
  readonly latencyMs: number;
  /** A short, non-sensitive reason when down: `timeout` or `unreachable`. */
  readonly reason?: 'timeout' | 'unreachable';
}

export interface HealthReport {
  readonly status: 'healthy' | 'unhealthy';
  readonly checkedAt: string;
  readonly dependencies: Readonly<Record<Dependency, DependencyStatus>>;
}

export interface HealthDeps {
  readonly probes: Readonly<Record<Dependency, Probe>>;
  readonly timeoutMs: number;
  readonly now?: () => number;
  /** Told why a probe failed, for the operator's log (the report itself stays terse). */
  readonly onProbeFailure?: (dependency: Dependency, error: unknown) => void;
}

async function probeOnce(
  probe: Probe,
  timeoutMs: number,
  now: () => number,
  onError: (error: unknown) => void,
): Promise<DependencyStatus> {
  const started = now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const outcome = await Promise.race([probe(controller.signal).then(() => 'up' as const), timedOut]);
    const latencyMs = now() - started;
    return outcome === 'up' ? { up: true, latencyMs } : { up: false, latencyMs, reason: 'timeout' };
  } catch (error) {
    onError(error);
    return { up: false, latencyMs: now() - started, reason: 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const now = deps.now ?? Date.now;
  const results = await Promise.all(
    dependencies.map(
      async (d) =>
        [d, await probeOnce(deps.probes[d], deps.timeoutMs, now, (e) => deps.onProbeFailure?.(d, e))] as const,
    ),
  );
  const statuses = Object.fromEntries(results) as Record<Dependency, DependencyStatus>;
  return {
    status: results.every(([, s]) => s.up) ? 'healthy' : 'unhealthy',
    checkedAt: new Date(now()).toISOString(),
    dependencies: statuses,
  };
}
