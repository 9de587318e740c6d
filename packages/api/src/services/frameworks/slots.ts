import { RateLimitError } from "../../errors.js";

// A small semaphore: at most `limit` tasks run at once in this process. A
// caller waits for a free slot at most `maxWaitMs` (and only `maxWaiting`
// callers wait at all); past that it gets a 429 saying to try again, rather
// than the process spawning without bound.

export interface Slots {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

export interface SlotsOptions {
  limit: number;
  maxWaitMs: number;
  maxWaiting: number;
  /** The 429's message. */
  busyMessage: string;
}

export function createSlots({ limit, maxWaitMs, maxWaiting, busyMessage }: SlotsOptions): Slots {
  let active = 0;
  const queue: (() => void)[] = [];
  const busy = () => new RateLimitError(Math.max(1, Math.ceil(maxWaitMs / 1000)), busyMessage);

  function acquire(): Promise<void> {
    if (active < limit) {
      active++;
      return Promise.resolve();
    }
    if (queue.length >= maxWaiting) return Promise.reject(busy());
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(grant), 1);
        reject(busy());
      }, maxWaitMs);
      queue.push(grant);
    });
  }

  /** The slot goes straight to the next waiter, or back to the pool. */
  function release(): void {
    const next = queue.shift();
    if (next) next();
    else active--;
  }

  return {
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
