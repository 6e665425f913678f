/**
 * Runs `poll` every `intervalMs`, one run at a time (a slow run delays the next rather
 * than overlapping it); the returned function stops it and waits for the last run.
 * Serves the local stack's background loops: the host's change feed and blob watcher,
 * the Cosmos TTL sweeper.
 */
export function startPoller(
  intervalMs: number,
  poll: () => Promise<void>,
  onError: (error: unknown) => void = () => undefined,
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (!stopped) running = running.then(poll).catch(onError);
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
