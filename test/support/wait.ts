/**
 * Waiting for a condition rather than for time, so tests hold on a busy machine:
 * `condition` is polled until it returns something other than `undefined`, `null`
 * or `false` (a thrown error counts as "not yet"), and its value is returned.
 * Past `timeout` the wait fails, naming what it waited for and the last error seen.
 */
export interface WaitOptions {
  /** Generous by default: a deadline for a loaded machine, never a measure of speed. */
  readonly timeout?: number;
  readonly interval?: number;
  readonly what?: string;
}

export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeout = 20_000, interval = 50, what = 'the condition' }: WaitOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== null && value !== false)
        return value as Exclude<T, undefined | null | false>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${cause}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
