import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import compression from "compression";
import express, { type Express, type RequestHandler } from "express";
import type { Deps } from "@autostack/api";
import type { ArtifactStorage } from "@autostack/api/services";
import { rejectOversizedBodies } from "./body-limit.js";
import { csrfProtection } from "./csrf.js";
import { createLogStreamEndpoint } from "./deployment-log-stream.js";
import { createHealthRouter } from "./health.js";
import { errorHandler, notFound } from "./http-errors.js";
import { requestLog } from "./request-log.js";
import { githubSetupRoute } from "./github-setup-route.js";
import { createOAuthRouter } from "./oauth-routes.js";
import { createGitHubWebhookRouter } from "./github-webhook-route.js";
import { createRestRouter } from "./rest.js";
import { securityHeaders } from "./security-headers.js";
import { createSiteServer, type SiteServer } from "./sites.js";
import { createTrpcHttpHandler, createTrpcWebSocket, TRPC_PATH } from "./trpc.js";

// The one HTTP application: health probes, REST at /api, tRPC at /trpc (HTTP
// and WebSocket) and the Remix UI, behind the same request id, log line,
// security headers and CSRF check; and deployed sites, which are dispatched by
// host before Express (user content never meets the platform's middleware,
// and a static file costs little more than Node's own HTTP handling). It
// knows nothing about listening or process signals (http-server.ts mounts it,
// index.ts runs it), so tests run it as it is, without a Remix build.

export interface ServerAppOptions {
  deps: Deps;
  /** Serves deployed sites by host when given (production uses the real artifact store). */
  siteStorage?: ArtifactStorage;
  /** The Remix handlers (static files, Vite in dev, the request handler); without them unknown paths answer 404. */
  remix?: RequestHandler;
}

export interface ServerApp {
  /** The platform's Express application: every request that is not for a site host. */
  app: Express;
  /**
   * The HTTP server's request listener: a site host (<slug>.<APP_DOMAIN>, or
   * under CDN_URL's host) goes straight to the site handler, everything else
   * to `app`. Mount this, not `app` (see http-server.ts).
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  /** The site server, when sites are served: http-server.ts puts its fast lane in front of Node's HTTP parser. */
  sites?: SiteServer;
  /** Route an HTTP `upgrade`; returns false when the path is not ours (leave it to Vite HMR, or destroy it). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes WebSocket connections; call when shutting down. */
  close(): Promise<void>;
}

export function createServerApp({ deps, remix, siteStorage }: ServerAppOptions): ServerApp {
  const log = deps.log.child({ component: "http" });
  const webSocket = createTrpcWebSocket(deps);
  const logStream = createLogStreamEndpoint(deps);
  const app = express();
  app.disable("x-powered-by");
  // Behind one reverse proxy, Remix builds request URLs from req.protocol and
  // the host: take them from that proxy's X-Forwarded-* headers. The client
  // IP is worked out in request-state.ts by the same one-hop rule.
  app.set("trust proxy", deps.env.TRUST_PROXY ? 1 : false);

  app.use(requestLog(deps.env, log));
  app.use(securityHeaders(deps.env));
  app.use(createHealthRouter({ db: deps.db, log }));
  app.use(rejectOversizedBodies(log));
  app.use(csrfProtection(deps.env, log));
  app.use(compression());
  app.use(createGitHubWebhookRouter(deps));
  app.use(createOAuthRouter(deps));
  app.get("/api/github/setup", githubSetupRoute(deps));
  app.use("/api", createRestRouter(deps));
  app.use(TRPC_PATH, createTrpcHttpHandler(deps));
  if (remix) app.use(remix);
  app.use(notFound(log));
  app.use(errorHandler(log));

  // User content first: a site host never reaches Express, so none of the
  // platform's middleware (CSP, CSRF, cookies, routes) applies to it. The
  // site handler writes its own request id header and "request" log line.
  const sites = siteStorage ? createSiteServer({ env: deps.env, db: deps.db, storage: siteStorage, log }) : undefined;
  const handleRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!sites?.handle(req, res)) app(req, res);
  };

  return {
    app,
    handleRequest,
    sites,
    handleUpgrade: (req, socket, head) => logStream.handleUpgrade(req, socket, head) || webSocket.handleUpgrade(req, socket, head),
    close: async () => {
      await Promise.all([logStream.close(), webSocket.close()]);
    },
  };
}
