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
