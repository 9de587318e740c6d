import { createDatabase } from "@autostack/db";
import { createEventBus, createJobQueue, createLogger, handleProcessErrors, loadEnv, type Deps } from "@autostack/api";
import { createArtifactStorage } from "@autostack/api/services";
import { createServerApp } from "./app.js";
import { createHttpServer } from "./http-server.js";
import { createDevelopmentRemix, createProductionRemix } from "./remix.js";

// The web process: one HTTP server for the UI, REST, tRPC and WebSockets.
// Stateless apart from PostgreSQL, so any number can run behind a balancer.

const SHUTDOWN_GRACE_MS = 10_000;

const env = loadEnv(); // exits with one line naming the bad variable
const log = createLogger(env, "web");
handleProcessErrors(log);
const development = env.NODE_ENV === "development";

/** A startup failure is one log line and exit code 1, not an unhandled rejection. */
async function orExit<T>(what: string, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    log.fatal({ err: error }, `cannot start: ${what}: ${(error as Error).message}`);
    process.exit(1);
  }
}

const db = createDatabase(env.DATABASE_URL);
const jobs = await orExit("job queue", createJobQueue(env.DATABASE_URL));
const events = await orExit("event bus", createEventBus(env.DATABASE_URL, log));
const artifacts = createArtifactStorage(env);
const deps: Deps = { db, env, log, jobs: jobs.queue, events, artifacts };

const http = createHttpServer({ development });
const httpServer = http.server;

const remix = await orExit("remix", development ? createDevelopmentRemix(deps, httpServer) : createProductionRemix(deps));
const server = createServerApp({ deps, remix: remix.handler, siteStorage: artifacts });
// Site hosts go straight to the site handler, everything else to Express.
http.mount(server);

httpServer.once("error", (error) => {
  log.fatal({ err: error }, `cannot listen on ${env.HOST}:${env.PORT}`);
  process.exit(1);
});
httpServer.listen(env.PORT, env.HOST, () => {
  log.info({ url: `http://${env.HOST}:${env.PORT}`, appUrl: env.APP_URL, mode: development ? "development" : "production" }, "listening");
});

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down");
  const force = setTimeout(() => {
    log.warn("requests still running after the grace period; closing their connections");
    http.closeAllConnections();
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  try {
    // Stop accepting; in-flight requests finish, idle keep-alives are closed.
    const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
    http.closeIdleConnections();
    await server.close();
    await closed;
    await remix.close();
    await jobs.release();
    await events.close();
    await db.$disconnect();
    log.info("stopped");
    process.exit(0);
  } catch (error) {
    log.error({ err: error }, "shutdown failed");
    process.exit(1);
  }
}
process.once("SIGTERM", (signal) => void shutdown(signal));
process.once("SIGINT", (signal) => void shutdown(signal));
