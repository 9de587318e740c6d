// NOT the production entry point: apps/web/build/server-node/index.js with
// one change, for bench/serve.mjs to measure what it would bring. Site hosts
// are dispatched straight off the HTTP server to the site handler
// (createSiteServer().handle in apps/web/server/sites.ts), with the same
// request log line as every other request, instead of going through Express
// first. Everything else (platform routes, Remix, WebSockets) is the
// unchanged createServerApp. Wiring it in production is a few lines in
// apps/web/server/app.ts (see docs/benchmarks.md).
import http from "node:http";
import { importBuilt } from "../lib.mjs";

const { createDatabase } = await importBuilt("packages/db/dist/index.js");
const { createEventBus, createJobQueue, createLogger, loadEnv, siteSlugFromHost } = await importBuilt("packages/api/dist/index.js");
const { createArtifactStorage } = await importBuilt("packages/api/dist/services/index.js");
const { createServerApp } = await importBuilt("apps/web/build/server-node/app.js");
const { createProductionRemix } = await importBuilt("apps/web/build/server-node/remix.js");
const { createSiteServer } = await importBuilt("apps/web/build/server-node/sites.js");
const { requestLog } = await importBuilt("apps/web/build/server-node/request-log.js");
const { sendError } = await importBuilt("apps/web/build/server-node/http-errors.js");

const env = loadEnv();
const log = createLogger(env, "web");
const db = createDatabase(env.DATABASE_URL);
const jobs = await createJobQueue(env.DATABASE_URL);
const events = await createEventBus(env.DATABASE_URL, log);
const artifacts = createArtifactStorage(env);
const deps = { db, env, log, jobs: jobs.queue, events, artifacts };
const httpServer = http.createServer();
httpServer.keepAliveTimeout = 65_000;
const remix = await createProductionRemix(deps);
const server = createServerApp({ deps, remix: remix.handler, siteStorage: artifacts });
const httpLog = log.child({ component: "http" });
const sites = createSiteServer({ env, db, storage: artifacts });
const logRequest = requestLog(env, httpLog);

httpServer.on("request", (req, res) => {
  if (siteSlugFromHost(env, req.headers.host)) {
    req.originalUrl = req.url; // what the request log reads (Express sets it otherwise)
    logRequest(req, res, () => undefined);
    sites.handle(req, res, (error) => sendError(req, res, error, httpLog));
    return;
  }
  server.app(req, res);
});
httpServer.on("upgrade", (req, socket, head) => {
  if (!server.handleUpgrade(req, socket, head)) socket.destroy();
});
httpServer.listen(env.PORT, env.HOST, () => log.info({ url: `http://${env.HOST}:${env.PORT}` }, "listening"));
process.once("SIGTERM", () => {
  httpServer.closeAllConnections();
  httpServer.close(() => process.exit(0));
});
