import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { AppError, createContext, RateLimitError, toErrorEnvelope, ValidationError, type Deps, type ErrorEnvelope } from "@autostack/api";
import { isFinalStatus, openLogStream, openStatusStream, readLogPage, type StatusSnapshot } from "@autostack/api/services";
import { requestInfo } from "./api-context.js";
import { isTrustedOrigin, requestOrigin } from "./csrf.js";
import { MAX_SOCKETS_PER_USER, userSocketsFor } from "./user-sockets.js";

// The spec's raw WebSocket for build logs: WS /api/deployments/:id/logs/stream
// with the JWT in the `token` query parameter (the session cookie works too).
// Events, exactly as the spec shows them (no other fields):
//   {"type":"log","timestamp","level","message"}
//   {"type":"status_update","status","stage"}
//   {"type":"deployment_complete","status","duration","url"}
// Order: a status_update goes out after every log line stored before that
// status was read, so a stage's lines come before the update that ends it;
// the stream ends with deployment_complete (a final status only) and close
// 1000. A deployment deleted while streaming just closes (1000, no
// deployment_complete: it never reached a final status the client could show).
// `lastEventId` (a line's id, as GET /api/deployments/:id/logs returns it)
// starts the stream after that line, e.g. after the page a client already read.
// A refused handshake answers with the spec's error envelope: 401, 403 (a
// foreign Origin with the cookie), 422 (a bad lastEventId), and 404
// DEPLOYMENT_NOT_FOUND for a deployment that is not the caller's, 429 past
// the user's WebSocket cap (user-sockets.ts). A sign-out closes the stream
// with 4001, a client that stops reading is closed with 1013.

const PATH = /^\/api\/deployments\/([0-9a-f-]{36})\/logs\/stream$/;

const LOG_LINE_ID = /^\d{1,19}$/;

function reject(socket: Duplex, envelope: ErrorEnvelope): void {
  const status = envelope.error.statusCode;
  const body = JSON.stringify(envelope);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function send(ws: WebSocket, event: Record<string, unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
}

/** How far the log pump got: lets the status pump wait for the lines before a status. */
function logProgress(start: bigint) {
  let sent = start;
  let ended = false;
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of waiters) wake();
  };
  return {
    advance(seq: bigint) {
      sent = seq;
      wakeAll();
    },
    end() {
      ended = true;
      wakeAll();
    },
    /** Resolves once every line up to `seq` was sent (or the log stream ended). */
    async reach(seq: bigint): Promise<void> {
      while (!ended && sent < seq) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
        });
      }
    },
  };
}

/** The id of the newest stored line; null when there is none or the deployment is gone. */
async function newestLineId(deps: Deps, userId: string, deploymentId: string): Promise<bigint | null> {
  try {
    const page = await readLogPage(deps, userId, deploymentId, { direction: "backward", limit: 1 });
    const last = page.logs.at(-1);
    return last ? BigInt(last.id) : null;
  } catch (error) {
    if (toErrorEnvelope(error).error.statusCode === 404) return null;
    throw error;
  }
}

async function stream(ws: WebSocket, deps: Deps, userId: string, deploymentId: string, lastEventId: string | null): Promise<void> {
  const abort = new AbortController();
  const { signal } = abort;
  ws.on("close", () => abort.abort());
  // Clients may announce themselves as the spec shows; the id in the URL rules.
  ws.on("message", () => undefined);
  let logs: Awaited<ReturnType<typeof openLogStream>>;
  let statuses: Awaited<ReturnType<typeof openStatusStream>>;
  try {
    logs = await openLogStream(deps, userId, { deploymentId, lastEventId }, { signal });
    statuses = await openStatusStream(deps, userId, { deploymentId }, { signal });
  } catch (error) {
    // Deleted between the handshake and here.
    if (toErrorEnvelope(error).error.statusCode !== 404) throw error;
    ws.close(1000, "deployment deleted");
    return;
  }
  const progress = logProgress(BigInt(lastEventId ?? "0"));

  const pumpLogs = async () => {
    try {
      for await (const line of logs) {
        send(ws, { type: "log", timestamp: line.data.timestamp, level: line.data.level, message: line.data.message });
        progress.advance(BigInt(line.id));
      }
    } finally {
      progress.end();
    }
  };
  const pumpStatus = async () => {
    let latest: StatusSnapshot | null = null;
    let sentKey: string | null = null;
    for await (const snapshot of statuses) {
      const newest = await newestLineId(deps, userId, deploymentId);
      if (newest !== null) await progress.reach(newest);
      // Snapshots also change with fields this event does not carry (cancelRequested, stages).
      const key = `${snapshot.status}/${snapshot.stage}`;
      if (key !== sentKey) send(ws, { type: "status_update", status: snapshot.status, stage: snapshot.stage });
      sentKey = key;
      latest = snapshot;
    }
    return latest;
  };

  let final: StatusSnapshot | null;
  try {
    // Both end once the deployment is final (the log stream after its last
    // line) or deleted; a failure of either stops the other.
    [, final] = await Promise.all([pumpLogs(), pumpStatus()]);
  } catch (error) {
    abort.abort();
    throw error;
  }
  if (signal.aborted) return;
  if (final && isFinalStatus(final.status)) {
    send(ws, { type: "deployment_complete", status: final.status, duration: final.duration, url: final.url });
    ws.close(1000, "deployment complete");
  } else {
    ws.close(1000, "deployment deleted");
  }
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
      void (async () => {
        // With the ambient cookie, only our own pages may connect (as for /trpc).
        const origin = requestOrigin(req);
        if (!token && origin !== undefined && !isTrustedOrigin(origin, req, deps.env)) {
          return reject(socket, toErrorEnvelope(new AppError("FORBIDDEN", 403, "Cross-site WebSocket refused: the Origin header does not match this site")));
        }
        const info = requestInfo(req, deps, "api", token ? { authorizationHeader: `Bearer ${token}`, cookieHeader: undefined } : {});
        const authenticatedAt = Date.now();
        const ctx = await createContext(deps, info, { set: () => undefined });
        if (!ctx.auth) return reject(socket, toErrorEnvelope(new AppError("UNAUTHORIZED", 401, "Authentication required")));
        const userId = ctx.auth.user.id;
        const lastEventId = url.searchParams.get("lastEventId");
        if (lastEventId !== null && !LOG_LINE_ID.test(lastEventId)) {
          return reject(socket, toErrorEnvelope(new ValidationError("Invalid lastEventId", { lastEventId: "Must be a log line id" })));
        }
        try {
          // Ownership first: for anyone else the deployment does not exist.
          const probe = await openLogStream(deps, userId, { deploymentId, lastEventId: null });
          await probe.return(undefined);
        } catch (error) {
          const envelope = toErrorEnvelope(error);
          if (envelope.error.statusCode >= 500) deps.log.error({ err: error, deploymentId }, "log stream handshake failed");
          return reject(socket, envelope);
        }
        // Checked right before the upgrade, which admits the socket synchronously: no await in between.
        if (!userSockets.hasRoom(userId)) {
          return reject(socket, toErrorEnvelope(new RateLimitError(1, `At most ${MAX_SOCKETS_PER_USER} WebSocket connections per user`)));
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          // An oversized (1009) or malformed (1002) frame: ws closes this
          // connection; unheard, its "error" event would end the process.
          ws.on("error", (error) => deps.log.warn({ err: error, deploymentId }, "log stream closed after a client error"));
          if (!userSockets.admit(userId, ws, authenticatedAt)) return;
          stream(ws, deps, userId, deploymentId, lastEventId).catch((error: unknown) => {
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
