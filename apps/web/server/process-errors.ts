import type { Logger } from "@autostack/api";

// A stray rejection (a promise nobody awaited) leaves the process usable: it
// is logged and the server goes on. An uncaught exception may have left state
// half-changed: it is logged and the process exits non-zero, for its
// supervisor (pnpm start, Docker, systemd) to start a fresh one.
export function handleProcessErrors(log: Logger): void {
  process.on("unhandledRejection", (reason) => {
    log.error({ err: reason }, "unhandled promise rejection");
  });
  process.on("uncaughtException", (error, origin) => {
    log.error({ err: error, origin }, "uncaught exception; exiting");
    process.exit(1);
  });
}
