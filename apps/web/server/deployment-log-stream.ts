import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { createContext, toErrorEnvelope, type Deps } from "@autostack/api";
import { openLogStream, openStatusStream } from "@autostack/api/services";
import { requestInfo } from "./api-context.js";
import { isTrustedOrigin, requestOrigin } from "./csrf.js";

// The spec's raw WebSocket for build logs: WS /api/deployments/:id/logs/stream
// with the JWT in the `token` query parameter (the session cookie works too).
// Events, exactly as the spec shows them:
//   {"type":"log","timestamp","level","message"}
//   {"type":"status_update","status","stage"}
//   {"type":"deployment_complete","status","duration","url"}
// A client that reconnects may pass `lastEventId` (the `id` of the last log
// event it saw) to receive only the lines after it.

const PATH = /^\/api\/deployments\/([0-9a-f-]{36})\/logs\/stream$/;

function reject(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify(toErrorEnvelope(Object.assign(new Error(reason), { code: status === 401 ? "UNAUTHORIZED" : "NOT_FOUND" })));
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function send(ws: WebSocket, event: Record<string, unknown>): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
}

async function stream(ws: WebSocket, deps: Deps, userId: string, deploymentId: string, lastEventId: string | null): Promise<void> {
  const abort = new AbortController();
  ws.on("close", () => abort.abort());
  // Clients may announce themselves as the spec shows; the id in the URL rules.
  ws.on("message", () => undefined);
  const logs = await openLogStream(deps, userId, { deploymentId, lastEventId }, { signal: abort.signal });
  const statuses = openStatusStream(deps, userId, { deploymentId }, { signal: abort.signal });

  const pumpStatus = (async () => {
    let final: { status: string; duration: string | null; url: string | null } | null = null;
    for await (const snapshot of await statuses) {
      send(ws, { type: "status_update", status: snapshot.status, stage: snapshot.stage });
      final = snapshot;
    }
    return final;
  })();
  for await (const line of logs) {
    send(ws, { type: "log", id: line.id, timestamp: line.data.timestamp, level: line.data.level, message: line.data.message });
  }
  // The log stream ends once the deployment is final and every line is out.
  const final = await pumpStatus;
  if (final && !abort.signal.aborted) {
    send(ws, { type: "deployment_complete", status: final.status, duration: final.duration, url: final.url });
    ws.close(1000, "deployment complete");
  }
}

export interface LogStreamEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

export function createLogStreamEndpoint(deps: Deps): LogStreamEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
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
        if (!token && origin !== undefined && !isTrustedOrigin(origin, req, deps.env)) return reject(socket, 403, "Forbidden");
        const info = requestInfo(req, deps, "api", token ? { authorizationHeader: `Bearer ${token}`, cookieHeader: undefined } : {});
        const ctx = await createContext(deps, info, { set: () => undefined });
        if (!ctx.auth) return reject(socket, 401, "Unauthorized");
        const userId = ctx.auth.user.id;
        try {
          // Ownership first: for anyone else the deployment does not exist.
          const probe = await openLogStream(deps, userId, { deploymentId, lastEventId: null });
          await probe.return(undefined);
        } catch (error) {
          const status = toErrorEnvelope(error).error.statusCode;
          return reject(socket, status === 404 ? 404 : 500, status === 404 ? "Not Found" : "Internal Server Error");
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          stream(ws, deps, userId, deploymentId, url.searchParams.get("lastEventId")).catch((error: unknown) => {
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
