import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Env } from "@autostack/api";

// What the server knows about one request (HTTP or WebSocket upgrade), kept
// beside the request object rather than on `res.locals` so that it is typed
// and also available for upgrade requests, which never reach Express.

export interface RequestState {
  requestId: string;
  ip: string;
  startedAt: bigint;
  /** Set once a tRPC/REST/Remix context has authenticated the caller. */
  userId?: string;
}

const states = new WeakMap<IncomingMessage, RequestState>();

// A caller-supplied id is echoed only if it is a short, plain token: it ends
// up in log lines and response headers, so no spaces, quotes or newlines.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function isSaneRequestId(value: string | undefined): value is string {
  return value !== undefined && SANE_REQUEST_ID.test(value);
}

/** The caller's X-Request-Id when it is a sane token, else a new id. */
export function requestIdFrom(incoming: string | string[] | undefined): string {
  const candidate = Array.isArray(incoming) ? incoming[0] : incoming;
  return isSaneRequestId(candidate) ? candidate : randomUUID();
}

/**
 * The client address. Behind a reverse proxy (TRUST_PROXY=true) it is the
 * LAST X-Forwarded-For hop, the one our proxy appended: earlier hops are
 * whatever the client chose to send and would let anyone pick a fresh IP to
 * dodge the per-IP rate limit. Without TRUST_PROXY the header is ignored.
 */
export function clientIp(req: IncomingMessage, env: Pick<Env, "TRUST_PROXY">): string {
  return clientAddress(req.headers["x-forwarded-for"], req.socket.remoteAddress, env);
}

/** clientIp from the raw parts: the X-Forwarded-For header(s) and the socket's peer address. */
export function clientAddress(forwardedFor: string | string[] | undefined, remoteAddress: string | undefined, env: Pick<Env, "TRUST_PROXY">): string {
  if (env.TRUST_PROXY) {
    const value = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
    // The last non-blank comma-separated hop, found from the end (no array per request).
    let end = value.length;
    while (end > 0) {
      const comma = value.lastIndexOf(",", end - 1);
      const hop = value.slice(comma + 1, end).trim();
      if (hop) return hop.slice(0, 64);
      end = comma;
    }
  }
  return remoteAddress ?? "unknown";
}

/** Creates the state on first use; later calls return the same object. */
export function requestState(req: IncomingMessage, env: Pick<Env, "TRUST_PROXY">): RequestState {
  let state = states.get(req);
  if (!state) {
    state = {
      requestId: requestIdFrom(req.headers["x-request-id"]),
      ip: clientIp(req, env),
      startedAt: process.hrtime.bigint(),
    };
    states.set(req, state);
  }
  return state;
}

/** The state, if a middleware (or the upgrade handler) has created it. */
export function findRequestState(req: IncomingMessage): RequestState | undefined {
  return states.get(req);
}
