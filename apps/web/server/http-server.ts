import http from "node:http";
import type { ServerApp } from "./app.js";

// The HTTP server every web process (server/index.ts) and the server tests
// (tests/server/harness.ts) run, so that tests go through the same request
// dispatch as production: ServerApp.handleRequest (site hosts before
// Express) and its WebSocket upgrades.

export interface PlatformHttpServer {
  server: http.Server;
  /** Starts answering with the app. Separate from creation: Vite's dev server needs the HTTP server first. */
  mount(app: ServerApp): void;
}

export function createHttpServer({ development }: { development: boolean }): PlatformHttpServer {
  const server = http.createServer();
  // Longer than the usual 60 s idle timeout of load balancers, so that they,
  // not we, close idle keep-alive connections (no race on a reused socket).
  server.keepAliveTimeout = 65_000;
  return {
    server,
    mount(app) {
      server.on("request", app.handleRequest);
      server.on("upgrade", (req, socket, head) => {
        if (app.handleUpgrade(req, socket, head)) return;
        // In development Vite's HMR listener takes the upgrades that are not ours.
        if (!development) socket.destroy();
      });
    },
  };
}
