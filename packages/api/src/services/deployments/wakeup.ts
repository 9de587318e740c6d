// A level-triggered signal between an event listener and one reader loop:
// notify() before the reader waits is remembered, so an event that arrives
// while the reader is still querying makes it query again instead of being
// lost. Any number of notifies coalesce into one wake-up, which is all a
// reader that re-reads "everything after my cursor" needs.

export interface Wakeup {
  notify(): void;
  /** Resolves on a notify (past or future), after `timeoutMs`, or on abort. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}

export function createWakeup(): Wakeup {
  let pending = false;
  let wake: (() => void) | null = null;
  return {
    notify() {
      pending = true;
      wake?.();
    },
    async wait(timeoutMs, signal) {
      if (!pending && !signal?.aborted) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            wake = null;
            resolve();
          };
          const timer = setTimeout(done, timeoutMs);
          signal?.addEventListener("abort", done, { once: true });
          wake = done;
        });
      }
      pending = false;
    },
  };
}
