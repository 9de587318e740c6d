// Starts the platform from built output: an embedded PostgreSQL when no
// DATABASE_URL is given, migrations, then the web server and the worker as
// two child processes. `--dev` runs both from TypeScript sources with Vite HMR.
//
// Scaling out: run `pnpm --filter @autostack/web start` and
// `pnpm --filter @autostack/worker start` on as many machines as you like,
// all with the same DATABASE_URL and JWT_SECRET (see README).
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { prepareBuildEngine } from "./build-engine.mjs";
import { fail, log, root } from "./lib.mjs";
import { createSupervisor, processAlive, processService, watchPid } from "./supervisor.mjs";

const dev = process.argv.includes("--dev");
const envFile = path.join(root, ".env");
if (existsSync(envFile)) {
  process.loadEnvFile(envFile);
  log("loaded .env");
}
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? (dev ? "development" : "production") };
const dataDir = path.resolve(root, env.DATA_DIR ?? ".data");
env.DATA_DIR = dataDir;
mkdirSync(dataDir, { recursive: true });

// Zero setup: generated secrets, kept under .data/ (mode 0600) so sessions and the database survive restarts.
const secretsFile = path.join(dataDir, "secrets.json");
function generatedSecret(name, why) {
  let secrets = existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, "utf8")) : {};
  if (!secrets[name]) {
    secrets = { ...secrets, [name]: randomBytes(48).toString("base64url") };
    writeFileSync(secretsFile, JSON.stringify(secrets, null, 2));
    chmodSync(secretsFile, 0o600);
    log(`generated ${name} in ${path.relative(root, secretsFile)} (${why})`);
  }
  return secrets[name];
}
if (!env.JWT_SECRET) env.JWT_SECRET = generatedSecret("JWT_SECRET", "set JWT_SECRET to choose your own");

const dbDist = path.join(root, "packages/db/dist/index.js");
if (!existsSync(dbDist)) fail("packages/db is not built: run `pnpm build` first (or `npm run up`)");
const { migrate } = await import(dbDist);

// A crashed web server, worker or embedded PostgreSQL is started again (the
// others keep running); only Ctrl-C or SIGTERM stops everything: the web
// server and the worker, then PostgreSQL.
const supervisor = createSupervisor({ log });
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log("stopping");
  await supervisor.stop();
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

if (!env.DATABASE_URL) {
  const port = Number(env.EMBEDDED_POSTGRES_PORT ?? 54320);
  const pgDataDir = path.join(dataDir, "postgres");
  log(`DATABASE_URL is not set: starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${path.relative(root, dataDir) || "."}/postgres)`);
  const startEmbeddedPostgres = await loadEmbedded();
  let url;
  try {
    url = await startPostgres(startEmbeddedPostgres, pgDataDir, port);
  } catch (error) {
    fail(`embedded PostgreSQL failed to start: ${error.message}`);
  }
  env.DATABASE_URL = url;
}

try {
  const result = await migrate(env.DATABASE_URL);
  log(`database migrated (${result.applied.length} applied, ${result.alreadyApplied.length} already applied)`);
} catch (error) {
  await supervisor.stop();
  fail(`migration failed: ${error.message}`);
}

const tsx = path.join(root, "node_modules/.bin/tsx");
const processes = {
  web: dev
    ? [tsx, ["--conditions=source", "apps/web/server/index.ts"]]
    : ["node", ["apps/web/build/server-node/index.js"]],
  worker: dev ? [tsx, ["--conditions=source", "apps/worker/src/index.ts"]] : ["node", ["apps/worker/dist/index.js"]],
};
if (env.START_WORKER === "false") delete processes.worker;
else prepareBuildEngine(env);

for (const [name, [command, args]] of Object.entries(processes)) {
  log(`$ ${[command, ...args].join(" ")}`);
  void supervisor.add(name, processService(command, args, { stdio: "inherit", cwd: root, env }));
}


/**
 * Starts the embedded PostgreSQL under the supervisor (restarted on the same
 * data directory and port if its postmaster dies); resolves with its URL once
 * the first start succeeded.
 */
async function startPostgres(startEmbeddedPostgres, pgDataDir, port) {
  // Builds and other local processes can reach the port: no well-known password (ADR 0014).
  const password = generatedSecret("EMBEDDED_POSTGRES_PASSWORD", "the embedded database's superuser password");
  let url;
  let firstError;
  let first = true;
  const service = async () => {
    try {
      const embedded = await startEmbeddedPostgres({ dataDir: pgDataDir, port, password, log });
      url = embedded.url;
      const pid = Number(readFileSync(path.join(pgDataDir, "postmaster.pid"), "utf8").split("\n")[0]);
      const watch = watchPid(pid);
      return {
        pid,
        exited: watch.exited,
        async stop() {
          watch.cancel();
          log("stopping embedded PostgreSQL");
          // embedded.stop() would wait for an exit that a dead postmaster already had.
          if (processAlive(pid)) await embedded.stop().catch(() => undefined);
        },
      };
    } catch (error) {
      // The first start fails start.mjs; later ones are retried by the supervisor.
      if (first) firstError = error;
      throw error;
    } finally {
      first = false;
    }
  };
  await supervisor.add("postgres", service, { stopLast: true });
  if (firstError) {
    await supervisor.stop();
    throw firstError;
  }
  return url;
}

/**
 * embedded-postgres installs exit hooks on import (loaded only when needed
 * for that reason). Its SIGINT/SIGTERM hooks would stop PostgreSQL while the
 * web server and worker still use it, and exit before they finished: they are
 * removed, and stopAll() stops PostgreSQL last. Its `exit` hook stays as a
 * last resort.
 */
async function loadEmbedded() {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"];
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { startEmbeddedPostgres } = await import(path.join(root, "packages/db/dist/embedded.js"));
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal).has(listener)) process.removeListener(signal, listener);
  }
  return startEmbeddedPostgres;
}
