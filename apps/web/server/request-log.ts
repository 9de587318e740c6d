import type { RequestHandler } from "express";
import type { Env, Logger } from "@autostack/api";
import { requestState } from "./request-state.js";

// Probes hit these every few seconds; at info level they would drown the log.
const QUIET_PATHS = new Set(["/healthz", "/readyz"]);

/**
 * Gives every request its id (echoed in X-Request-Id, so a user can quote it
 * and we can find the log line) and writes one JSON line when the response is
 * done. Only the path is logged, never the query string (reset links carry
 * their token there), and no headers (cookies, authorization).
 */
export function requestLog(env: Pick<Env, "TRUST_PROXY">, log: Logger): RequestHandler {
  return (req, res, next) => {
    const state = requestState(req, env);
    res.setHeader("X-Request-Id", state.requestId);
    res.once("close", () => {
      const path = req.originalUrl.split("?")[0] ?? "/";
      const line = {
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Number((process.hrtime.bigint() - state.startedAt) / 1000n) / 1000,
        requestId: state.requestId,
        ip: state.ip,
        ...(state.userId ? { userId: state.userId } : {}),
        // A response that closed before it finished was cut off (client gone).
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (QUIET_PATHS.has(path)) log.debug(line, "request");
      else log.info(line, "request");
    });
    next();
  };
}
