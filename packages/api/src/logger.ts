import { pino, type Logger } from "pino";
import type { Env } from "./env.js";

export type { Logger };

/** JSON lines on stdout; secrets never reach a log line (redacted paths). */
export function createLogger(env: Pick<Env, "LOG_LEVEL">, name: string): Logger {
  return pino({
    name,
    level: env.LOG_LEVEL,
    redact: {
      paths: ["password", "*.password", "token", "*.token", "refreshToken", "*.refreshToken", "accessToken", "*.accessToken", "req.headers.cookie", "req.headers.authorization"],
      censor: "***",
    },
  });
}

// A stray rejection (a promise nobody awaited) leaves the process usable: it
// is logged and the process goes on. An uncaught exception may have left state
// half-changed: it is logged and the process exits non-zero, for its
// supervisor (pnpm start, Docker, systemd) to start a fresh one; for the
// worker, the sweep then recovers the build it interrupted (ADR 0009).
// Installed by the web server and the worker alike.
export function handleProcessErrors(log: Logger): void {
  process.on("unhandledRejection", (reason) => {
    log.error({ err: reason }, "unhandled promise rejection");
  });
  process.on("uncaughtException", (error, origin) => {
    log.error({ err: error, origin }, "uncaught exception; exiting");
    process.exit(1);
  });
}
