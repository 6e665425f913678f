/** Timer triggers on their NCRONTAB schedules, and `runOnStartup`. */
import type { RpcBindingInfo } from '@azure/functions-core';
import { parseNcrontab } from './ncrontab.js';
import type { RegisteredFunction } from './registry.js';

export function startTimerTrigger(
  fn: RegisteredFunction,
  run: () => Promise<unknown>,
  log: (line: string) => void,
): () => Promise<void> {
  const t = fn.trigger as RpcBindingInfo & { schedule?: string; runOnStartup?: boolean };
  const schedule = parseNcrontab(t.schedule ?? '');
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const fire = async () => {
    try {
      await run();
    } catch (error) {
      log(`[host] ${fn.name}: timer invocation failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const arm = () => {
    if (stopped) return;
    const delay = Math.max(0, schedule.next(new Date()).getTime() - Date.now());
    timer = setTimeout(() => {
      void fire().finally(arm);
    }, delay);
    timer.unref();
  };
  if (t.runOnStartup) void fire();
  arm();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await Promise.resolve();
  };
}
