import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { RequestHandler } from "express";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import { WebSocketServer } from "ws";
import { appRouter, toErrorEnvelope, type Deps, type ResponseCookies } from "@autostack/api";
import { contextFor, requestInfo, responseCookieJar } from "./api-context.js";
import { MAX_BODY_BYTES } from "./body-limit.js";
import { hasSessionCookie, isTrustedOrigin, requestOrigin } from "./csrf.js";
import { requestState } from "./request-state.js";
import { userSocketsFor } from "./user-sockets.js";

// tRPC for the app's own clients at /trpc, over HTTP and WebSocket. Errors
// keep tRPC's shape (its client needs it); the errorFormatter in
// @autostack/api puts the spec's envelope into `data.envelope`.

export const TRPC_PATH = "/trpc";

/** Retry-After on a rate-limited batch, as REST answers do. */
function retryAfterHeader(errors: readonly unknown[]): Record<string, string> {
  for (const error of errors) {
    const { statusCode, details } = toErrorEnvelope(error).error;
    if (statusCode === 429 && typeof details.retryAfter === "number") return { "Retry-After": String(details.retryAfter) };
  }
  return {};
}

export function createTrpcHttpHandler(deps: Deps): RequestHandler {
  return createExpressMiddleware({
    router: appRouter,
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req, res }) => contextFor(deps, req, requestInfo(req, deps, "api"), responseCookieJar(res, deps)),
    responseMeta: ({ errors }) => ({ headers: retryAfterHeader(errors) }),
    onError: ({ error, path, req }) => {
      // Procedure failures are logged by @autostack/api; this catches the
      // rest (context creation when the database is down, for example).
      if (error.code === "INTERNAL_SERVER_ERROR" && !path) {
        deps.log.error({ err: error, requestId: requestState(req, deps.env).requestId }, "trpc request failed");
      }
    },
  });
}

// The upgrade response is already sent when the context is created, so a
// sliding session renewal cannot be delivered as a cookie here; the next HTTP
// request renews it.
const noCookies: ResponseCookies = { set: () => undefined };

/** ws's errors for a bad frame from the client (WS_ERR_UNSUPPORTED_MESSAGE_LENGTH, WS_ERR_INVALID_OPCODE, …). */
function isWebSocketProtocolError(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code.startsWith("WS_ERR_");
}

export interface TrpcWebSocket {
  /** Takes the upgrade if it is for /trpc; false leaves it to someone else (Vite HMR). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Asks clients to reconnect (to another instance) and closes every socket. */
  close(): Promise<void>;
}

export function createTrpcWebSocket(deps: Deps): TrpcWebSocket {
  // noServer: a WebSocketServer bound to the HTTP server would answer Vite's
  // HMR upgrades with 400 (STACK.md); upgrades are routed by path instead.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  const userSockets = userSocketsFor(deps);
  const handler = applyWSSHandler({
    wss,
    router: appRouter,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
    createContext: async ({ req, res: ws, info }) => {
      // A client that cannot set headers (a browser) may pass a bearer token
      // as connectionParams.token; the cookie of the upgrade request works too.
      const token = info.connectionParams?.token;
      const overrides = token ? { authorizationHeader: `Bearer ${token}` } : {};
      // The context lives as long as the connection: the socket is tracked so
      // that a sign-out closes it, and counted against the user's cap (the
      // upgrade is complete before credentials sent in connectionParams are
      // known, so a socket past the cap is closed with 1013 here).
      const authenticatedAt = Date.now();
      const ctx = await contextFor(deps, req, requestInfo(req, deps, "api", overrides), noCookies);
      if (ctx.auth) userSockets.admit(ctx.auth.user.id, ws, authenticatedAt);
      return ctx;
    },
    onError: ({ error, path, req }) => {
      // A client's protocol error is logged by the socket's own listener (handleUpgrade).
      if (error.code === "INTERNAL_SERVER_ERROR" && !path && !isWebSocketProtocolError(error.cause)) {
        deps.log.error({ err: error, requestId: requestState(req, deps.env).requestId }, "trpc websocket failed");
      }
    },
  });

  return {
    handleUpgrade(req, socket, head) {
      const { pathname } = new URL(req.url ?? "/", "http://localhost");
      if (pathname !== TRPC_PATH) return false;
      const state = requestState(req, deps.env);
      // Browsers send cookies on cross-site WebSocket handshakes and CORS does
      // not apply: without this check any page could drive a signed-in
      // user's session (cross-site WebSocket hijacking).
      const origin = requestOrigin(req);
      if (origin !== undefined && !isTrustedOrigin(origin, req, deps.env)) {
        deps.log.warn({ requestId: state.requestId, origin, cookie: hasSessionCookie(req) }, "cross-site websocket refused");
        socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        // An oversized (1009) or malformed (1002) frame: ws closes this
        // connection. Heard here from the first moment, whatever tRPC does.
        ws.on("error", (error) => deps.log.warn({ err: error, requestId: state.requestId }, "websocket closed after a client error"));
        deps.log.info({ requestId: state.requestId, ip: state.ip, path: pathname }, "websocket connected");
        wss.emit("connection", ws, req);
      });
      return true;
    },
    async close() {
      handler.broadcastReconnectNotification();
      for (const client of wss.clients) client.close(1001, "server shutting down");
      // A client that does not complete the closing handshake is cut off.
      const stragglers = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 2_000);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(stragglers);
    },
  };
}
