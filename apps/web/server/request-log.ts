import { performance } from "node:perf_hooks";
import type { RequestHandler } from "express";
import { pino } from "pino";
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

/**
 * The same "request" line for requests that never reach Express (deployed
 * sites, see sites.ts and site-lane.ts), made cheap enough to write at the
 * rate a static file server answers: the JSON line is put together directly
 * (the fields are known and carry no secrets, so it needs neither pino's
 * serialisation nor its redaction), in exactly the format pino writes (level,
 * time and the logger's bindings come from the logger), and lines are written
 * to the logger's destination together, at most FLUSH_MS after the first of
 * them (or once FLUSH_AT characters are pending, and when the process exits),
 * like nginx's `access_log … buffer= flush=`. A line can thus follow, by less
 * than FLUSH_MS, a line that pino wrote later; its `time` is its own. A
 * process killed with SIGKILL loses at most those last FLUSH_MS of lines.
 */
export interface AccessLog {
  /**
   * Logs a finished request: `url` is the request target (only its path is
   * logged), `startedAt` a `performance.now()` reading, `ip` the client's
   * address as request-state.ts clientIp finds it.
   */
  write(method: string | undefined, url: string | undefined, status: number, startedAt: number, requestId: string, ip: string, aborted: boolean): void;
}

interface RawDestination {
  write(chunk: string): unknown;
  /** sonic-boom's (pino's own destination): writes out what it holds, synchronously. */
  flushSync?(): void;
  [pino.symbols.needsMetadataGsym]?: boolean;
}

type RawLogger = Logger & {
  [pino.symbols.streamSym]: RawDestination;
  [pino.symbols.chindingsSym]: string;
  [pino.symbols.timeSym]: () => string;
};

const LEVEL_INFO = 30;
const LEVEL_DEBUG = 20;
/**
 * Write out pending lines when this much is pending… (measured: with 16 KiB
 * batches each write to pino's destination cost the server about 4.5 µs per
 * request at 33,000 requests/s; with 64 KiB, nothing measurable. nginx's
 * `access_log buffer=` is 64 KiB too.)
 */
const FLUSH_AT = 64 * 1024;
/** …or this long after the first of them. */
const FLUSH_MS = 50;

/** What each access log still holds, written out when the process exits (one exit listener for all of them). */
const atExit = new Set<() => void>();
function drainAtExit(drain: () => void): void {
  if (atExit.size === 0) {
    process.once("exit", () => {
      for (const write of atExit) write();
    });
  }
  atExit.add(drain);
}

export function createAccessLog(log: Logger): AccessLog {
  const raw = log as RawLogger;
  const destination = raw[pino.symbols.streamSym];
  // A multistream needs the level of each line alongside it: let pino write those.
  const direct = destination[pino.symbols.needsMetadataGsym] !== true;
  let pending = "";
  let timer: NodeJS.Timeout | undefined;
  const drain = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === "") return;
    const chunk = pending;
    pending = "";
    destination.write(chunk);
  };
  drainAtExit(() => {
    drain();
    // pino's own exit hook may have flushed its destination already: flush what we just gave it.
    try {
      destination.flushSync?.();
    } catch {
      // Nothing more can be done for a log line at exit.
    }
  });

  return {
    write(method = "GET", url = "/", status, startedAt, requestId, ip, aborted) {
      const query = url.indexOf("?");
      const path = query === -1 ? url : url.slice(0, query);
      const level = QUIET_PATHS.has(path) ? LEVEL_DEBUG : LEVEL_INFO;
      if (level < log.levelVal) return;
      const durationMs = Math.round((performance.now() - startedAt) * 1000) / 1000;
      if (!direct) {
        const line = { method, path, status, durationMs, requestId, ip, ...(aborted ? { aborted: true } : {}) };
        if (level === LEVEL_DEBUG) log.debug(line, "request");
        else log.info(line, "request");
        return;
      }
      // method: a token (Node's parser accepts nothing else); requestId: a sane token or a UUID; the rest is escaped.
      pending +=
        `{"level":${level}${raw[pino.symbols.timeSym]()}${raw[pino.symbols.chindingsSym]},"method":"${method}","path":${JSON.stringify(path)},` +
        `"status":${status},"durationMs":${durationMs},"requestId":"${requestId}","ip":${JSON.stringify(ip)}${aborted ? ',"aborted":true' : ""},"msg":"request"}\n`;
      if (pending.length >= FLUSH_AT) drain();
      else if (!timer) timer = setTimeout(drain, FLUSH_MS).unref();
    },
  };
}
