import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { isTrackedEnvelope } from "@trpc/server";
import { WebSocketServer, type WebSocket } from "ws";
import { AppError, createCaller, RateLimitError, toErrorEnvelope, type Deps, type ErrorEnvelope, type ResponseCookies } from "@autostack/api";
import { parseDeploymentEventId, type DeploymentEvent } from "@autostack/api/services";
import { contextFor, requestInfo } from "./api-context.js";
import { isTrustedOrigin, requestOrigin } from "./csrf.js";
import { closeSocket, CLOSE_TRY_AGAIN_LATER, MAX_SOCKETS_PER_USER, userSocketsFor } from "./user-sockets.js";

// The spec's raw WebSocket for build logs: WS /api/deployments/:id/logs/stream
// with the JWT in the `token` query parameter (the session cookie works too).
// It is the tRPC subscription `deployment.events` in the spec's words: the
// handshake calls that procedure with a context from the same createContext,
// so the per-user API rate limit and the one ownership check apply.
// Events, as the spec shows them, log lines with their id besides:
//   {"type":"log","timestamp","level","message","id"}
//   {"type":"status_update","status","stage"}        (when status or stage changed)
//   {"type":"deployment_complete","status","duration","url"}
// Order: a status_update goes out after every log line stored before that
// status was read, so a stage's lines come before the update that ends it;
// the stream ends with deployment_complete (a final status only) and close
// 1000. A deployment deleted while streaming just closes (1000, no
// deployment_complete: it never reached a final status the client could show).
//
// Resuming: `lastEventId` is a log event's id (as GET /api/deployments/:id/logs
// also shows it) or any id of the tRPC `deployment.events` stream; the stream
// then starts after that event, each line exactly once, the current status
// first. It is read from the query string, or from the client's first message
// {"type":"subscribe","lastEventId":"…"}: streaming starts with the first
// message or SUBSCRIBE_WINDOW_MS after the upgrade, whichever comes first, and
// a message's lastEventId wins over the query's. Later messages are ignored
// (the spec's {"type":"subscribe","deploymentId"} may come at any time; the id
// in the URL rules). Moving the start with a message opens the stream once
// more (one more API call against the rate limit, and its ownership check).
//
// Refusals: a refused handshake answers with the spec's error envelope: 401,
// 403 (a foreign Origin with the cookie), 422 (a bad lastEventId in the query),
// 404 DEPLOYMENT_NOT_FOUND for a deployment that is not the caller's, 429 past
// the API rate limit (with Retry-After) or the user's WebSocket cap
// (user-sockets.ts). After the upgrade: a bad lastEventId in the message closes
// with 1008 and the reason; a sign-out closes with 4001, a client that stops
// reading (or a rate-limited re-open) with 1013.

const PATH = /^\/api\/deployments\/([0-9a-f-]{36})\/logs\/stream$/;

export const SUBSCRIBE_WINDOW_MS = 300;
const CLOSE_POLICY_VIOLATION = 1008;

// The upgrade response is already sent when the stream runs; a sliding session
// renewal cannot be delivered as a cookie here (the next HTTP request renews it).
const noCookies: ResponseCookies = { set: () => undefined };

type Events = AsyncIterable<unknown> & Partial<Pick<AsyncIterator<unknown>, "return">>;
type OpenEvents = (lastEventId: string | null) => Promise<Events>;

function reject(socket: Duplex, envelope: ErrorEnvelope): void {
  const status = envelope.error.statusCode;
  const retryAfter = envelope.error.details.retryAfter;
  const headers = typeof retryAfter === "number" ? `Retry-After: ${retryAfter}\r\n` : "";
  const body = JSON.stringify(envelope);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
  );
}

function send(ws: WebSocket, event: Record<string, unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
}

/** What the client's first message asks for: a start (string), nothing (undefined), or a malformed lastEventId. */
function requestedStart(data: unknown): string | undefined | { invalid: true } {
  let message: unknown;
  try {
    message = JSON.parse(String(data));
  } catch {
    return undefined;
  }
  if (typeof message !== "object" || message === null || (message as { type?: unknown }).type !== "subscribe") return undefined;
  const { lastEventId } = message as { lastEventId?: unknown };
  if (lastEventId === undefined || lastEventId === null) return undefined;
  return typeof lastEventId === "string" ? lastEventId : { invalid: true };
}

/** Resolves with the client's first message, or undefined once the window passed or the socket closed. */
function firstMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => {
    const done = (data?: unknown) => {
      clearTimeout(timer);
      ws.off("message", done);
      ws.off("close", onClose);
      resolve(data);
    };
    const onClose = () => done();
    const timer = setTimeout(done, SUBSCRIBE_WINDOW_MS);
    ws.on("message", done);
    ws.on("close", onClose);
  });
}

const invalidStart = (reason: string) => `Invalid lastEventId: ${reason}`.slice(0, 120);

/** Sends one stream event in the spec's words; true for the completion. */
function relay(ws: WebSocket, event: DeploymentEvent, state: { sentStatus: string | null }): boolean {
  switch (event.type) {
    case "log":
      send(ws, { type: "log", timestamp: event.timestamp, level: event.level, message: event.message, id: event.id });
      return false;
    case "status": {
      // Snapshots also change with fields this event does not carry (cancelRequested, stages).
      const key = `${event.status}/${event.stage}`;
      if (key !== state.sentStatus) send(ws, { type: "status_update", status: event.status, stage: event.stage });
      state.sentStatus = key;
      return false;
    }
    case "complete":
      send(ws, { type: "deployment_complete", status: event.status, duration: event.duration, url: event.url });
      return true;
  }
}

async function stream(ws: WebSocket, signal: AbortSignal, open: OpenEvents, opened: Events, queryLastEventId: string | null): Promise<void> {
  let events = opened;
  let lastEventId = queryLastEventId;
  const first = requestedStart(await firstMessage(ws));
  if (signal.aborted) return;
  if (typeof first === "object") {
    closeSocket(ws, CLOSE_POLICY_VIOLATION, invalidStart("must be a string"));
    return;
  }
  if (first !== undefined && first !== lastEventId) {
    // The stream opened at the handshake was never read: dropping it costs nothing.
    await events.return?.();
    lastEventId = first;
    try {
      events = await open(lastEventId);
    } catch (error) {
      const { statusCode, details } = toErrorEnvelope(error).error;
      const fields = details.fields as Record<string, string> | undefined;
      if (statusCode === 422) closeSocket(ws, CLOSE_POLICY_VIOLATION, invalidStart(fields?.lastEventId ?? "not an event id"));
      else if (statusCode === 404) ws.close(1000, "deployment deleted");
      else if (statusCode === 429) closeSocket(ws, CLOSE_TRY_AGAIN_LATER, "rate limit exceeded");
      else throw error;
      return;
    }
  }

  const state = { sentStatus: null as string | null };
  // Resumed after the completion: nothing follows it, and that is no deletion.
  let completed = lastEventId !== null && parseDeploymentEventId(lastEventId)?.completed === true;
  // A server-side caller yields tracked(id, event) envelopes as they are.
  for await (const item of events) {
    if (isTrackedEnvelope<DeploymentEvent>(item) && relay(ws, item[1], state)) completed = true;
  }
  if (signal.aborted) return;
  ws.close(1000, completed ? "deployment complete" : "deployment deleted");
}

export interface LogStreamEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

export function createLogStreamEndpoint(deps: Deps): LogStreamEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const userSockets = userSocketsFor(deps);
  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? "/", "http://localhost");
      const match = PATH.exec(url.pathname);
      if (!match) return false;
      const deploymentId = match[1]!;
      const token = url.searchParams.get("token");
      const queryLastEventId = url.searchParams.get("lastEventId");
      void (async () => {
        // With the ambient cookie, only our own pages may connect (as for /trpc).
        const origin = requestOrigin(req);
        if (!token && origin !== undefined && !isTrustedOrigin(origin, req, deps.env)) {
          return reject(socket, toErrorEnvelope(new AppError("FORBIDDEN", 403, "Cross-site WebSocket refused: the Origin header does not match this site")));
        }
        const info = requestInfo(req, deps, "api", token ? { authorizationHeader: `Bearer ${token}`, cookieHeader: undefined } : {});
        const authenticatedAt = Date.now();
        const ctx = await contextFor(deps, req, info, noCookies);
        // Lives as long as the connection: closing the socket ends the stream.
        const abort = new AbortController();
        const caller = createCaller(ctx, { signal: abort.signal });
        const open: OpenEvents = (lastEventId) => caller.deployment.events({ deploymentId, lastEventId }) as Promise<Events>;
        let events: Events;
        try {
          // Authentication, rate limit, input and ownership, as for any procedure.
          events = await open(queryLastEventId);
        } catch (error) {
          const envelope = toErrorEnvelope(error);
          if (envelope.error.statusCode >= 500) deps.log.error({ err: error, deploymentId }, "log stream handshake failed");
          return reject(socket, envelope);
        }
        const userId = ctx.auth!.user.id;
        // Checked right before the upgrade, which admits the socket synchronously: no await in between.
        if (!userSockets.hasRoom(userId)) {
          return reject(socket, toErrorEnvelope(new RateLimitError(1, `At most ${MAX_SOCKETS_PER_USER} WebSocket connections per user`)));
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          // An oversized (1009) or malformed (1002) frame: ws closes this
          // connection; unheard, its "error" event would end the process.
          ws.on("error", (error) => deps.log.warn({ err: error, deploymentId }, "log stream closed after a client error"));
          ws.on("close", () => abort.abort());
          if (!userSockets.admit(userId, ws, authenticatedAt)) return abort.abort();
          stream(ws, abort.signal, open, events, queryLastEventId).catch((error: unknown) => {
            deps.log.error({ err: error, deploymentId }, "log stream failed");
            ws.close(1011, "internal error");
          });
        });
      })().catch((error: unknown) => {
        deps.log.error({ err: error }, "log stream upgrade failed");
        socket.destroy();
      });
      return true;
    },
    async close() {
      for (const client of wss.clients) client.close(1001, "server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
