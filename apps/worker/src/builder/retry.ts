// Retrying what fails while PostgreSQL is away (a restart under pnpm start
// takes seconds; ADR 0014): the pauses between attempts, about a minute in all.

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000, 4000, 8000, 15_000, 30_000];

export interface RetryOptions {
  delaysMs?: readonly number[];
  /** An error that no retry can cure (a changed encryption key): thrown at once. */
  isPermanent?: (error: unknown) => boolean;
  /** Stops retrying (worker shutdown, cancel). */
  signal?: AbortSignal;
}

/** Runs `attempt` until it succeeds, the delays are spent, the error is permanent or the signal aborts. */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const delays = options.delaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const delay = delays[tries];
      if (delay === undefined || options.isPermanent?.(error) || options.signal?.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
