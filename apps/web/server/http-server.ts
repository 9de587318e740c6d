import http from "node:http";
import type { Duplex } from "node:stream";
import type { ServerApp } from "./app.js";
import { BodyLimitedRequest } from "./body-limit.js";
import { installSiteLane, type SiteLane } from "./site-lane.js";

// The HTTP server every web process (server/index.ts) and the server tests
// (tests/server/harness.ts) run, so that tests go through the same request
// dispatch as production: the site fast lane in front of Node's connection
// handler (site-lane.ts), then ServerApp.handleRequest (site hosts before
// Express) and its WebSocket upgrades.

export interface PlatformHttpServer {
  server: http.Server;
  /** The site fast lane, once mounted with an app that serves sites. */
  readonly lane: SiteLane | undefined;
  /** Starts answering with the app. Separate from creation: Vite's dev server needs the HTTP server first. */
  mount(app: ServerApp): void;
  /** Like http.Server's: ends idle keep-alive connections, the fast lane's included. */
  closeIdleConnections(): void;
  /** Like http.Server's: destroys every connection, the fast lane's included. */
  closeAllConnections(): void;
}

/**
 * A request Node's parser refuses before any handler runs (a head over 16 KB,
 * a malformed request line) gets the spec's envelope too, not Node's bare
 * status line. Replaces Node's default clientError handling, which is the same
 * minus the body.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const [statusCode, code, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "HEADERS_TOO_LARGE", "Request headers are too large"]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "REQUEST_TIMEOUT", "The request took too long to arrive"]
        : [400, "BAD_REQUEST", "Malformed HTTP request"];
  const body = JSON.stringify({ error: { code, message, statusCode, details: {} } });
  socket.end(
    `HTTP/1.1 ${statusCode} ${http.STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function createHttpServer({ development }: { development: boolean }): PlatformHttpServer {
  // Every request counts its body bytes, chunked ones included (body-limit.ts).
  const server = http.createServer({ IncomingMessage: BodyLimitedRequest });
  // Longer than the usual 60 s idle timeout of load balancers, so that they,
  // not we, close idle keep-alive connections (no race on a reused socket).
  server.keepAliveTimeout = 65_000;
  server.on("clientError", answerClientError);
  let lane: SiteLane | undefined;
  return {
    server,
    get lane() {
      return lane;
    },
    mount(app) {
      if (app.sites) lane = installSiteLane(server, app.sites);
      server.on("request", app.handleRequest);
      server.on("upgrade", (req, socket, head) => {
        // Node's own error listener is gone once a request becomes an upgrade,
        // and `ws` adds one only when it takes the socket, after the log
        // stream's asynchronous authorisation: a client that resets in between
        // would otherwise crash the process.
        socket.on("error", () => socket.destroy());
        if (app.handleUpgrade(req, socket, head)) return;
        // In development Vite's HMR listener takes the upgrades that are not ours.
        if (!development) socket.destroy();
      });
    },
    closeIdleConnections() {
      lane?.closeIdle();
      server.closeIdleConnections();
    },
    closeAllConnections() {
      lane?.closeAll();
      server.closeAllConnections();
    },
  };
}
