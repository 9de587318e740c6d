import type { Logger } from "@autostack/api/services";

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;

// Ctrl-C in `pnpm start` reaches the worker twice within milliseconds: SIGINT
// from the terminal, then SIGTERM from the parent. Signals in this window are
// part of the same request to stop; one after it means "stop now".
const REPEAT_WINDOW_MS = 5000;

/** Runs `shutdown` on the first SIGTERM/SIGINT; a later one exits at once. */
export function stopOnSignals(shutdown: (signal: NodeJS.Signals) => Promise<void>, log: Logger): void {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      log.info({ signal }, "stopping: no new jobs, waiting for running ones to finish");
      void shutdown(signal);
    } else if (Date.now() - firstAt > REPEAT_WINDOW_MS) {
      log.warn({ signal }, "stopping now; jobs still running stay locked until unlocked or for 4 hours");
      process.exit(1);
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
}
