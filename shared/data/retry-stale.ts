/**
 * Optimistic concurrency, one way everywhere: read, decide, write with If-Match; when
 * someone else wrote first ('stale'), read and decide again, a few times, then give up
 * with the caller's error (a 409 to a person, a redelivery to a message).
 */
export const stale = 'stale' as const;

export async function retryWhileStale<T>(
  attempts: number,
  attempt: () => Promise<T | typeof stale>,
  givenUp: () => Error,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const outcome = await attempt();
    if (outcome !== stale) return outcome;
  }
  throw givenUp();
}
