// Shared helpers of the benchmarks (bench/*.mjs). Plain Node ESM: the
// benchmarks run the built platform (`pnpm build` first), importing the
// packages' dist output by path as scripts/start.mjs does, and they start
// the web server and the worker as the separate processes they are in
// production.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const JWT_SECRET = "bench-secret-that-is-at-least-32-characters-long";

/** Wall-clock milliseconds with sub-millisecond resolution (comparable across processes on one host). */
export function now() {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function log(message) {
  console.log(`\x1b[36m[bench]\x1b[0m ${message}`);
}

export function fail(message) {
  console.error(`\x1b[31m[bench]\x1b[0m ${message}`);
  process.exit(1);
}

const BUILT = [
  "packages/db/dist/index.js",
  "packages/api/dist/index.js",
  "packages/api/dist/services/index.js",
  "apps/worker/dist/index.js",
  "apps/worker/dist/builder/log-sink.js",
  "apps/web/build/server-node/index.js",
];

/** Imports a module of the built platform by its path under the repository root. */
export async function importBuilt(relative) {
  const missing = BUILT.filter((file) => !existsSync(path.join(root, file)));
  if (missing.length > 0) fail(`the platform is not built (${missing[0]} is missing): run \`pnpm build\` first`);
  return import(pathToFileURL(path.join(root, relative)).href);
}

/** Imports a dependency of one workspace package (e.g. graphile-worker of apps/worker). */
export async function importFrom(workspacePackage, specifier) {
  const require = createRequire(path.join(root, workspacePackage, "package.json"));
  return import(pathToFileURL(require.resolve(specifier)).href);
}

// ---------------------------------------------------------------------------
// Database: a fresh, migrated database per benchmark run, dropped at the end.

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createBenchDatabase() {
  const pg = (await importFrom("packages/db", "pg")).default;
  const { migrate } = await importBuilt("packages/db/dist/migrate.js");
  const given = process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
  const adminUrl = withDatabase(given, "postgres");
  const name = `autostack_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
  } catch (error) {
    fail(`cannot connect to PostgreSQL at ${adminUrl.replace(/\/\/[^@]*@/, "//")}: ${error.message} (set DATABASE_URL)`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  await migrate(url);
  return {
    url,
    name,
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

// ---------------------------------------------------------------------------
// Cleanup: every resource registers an undo step; they run in reverse order
// at the end, on failure, and on Ctrl-C.

const cleanups = [];
let cleaning = null;

export function onCleanup(step) {
  cleanups.push(step);
}

export function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop();
      try {
        await step();
      } catch (error) {
        console.error(`[bench] cleanup step failed: ${error.message}`);
      }
    }
  })();
  return cleaning;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Runs a benchmark's main function with cleanup on every way out. */
export async function main(run) {
  try {
    await run();
    await cleanup();
    process.exit(0);
  } catch (error) {
    console.error(error);
    await cleanup();
    process.exit(1);
  }
}

export async function tempDir(prefix) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `autostack-bench-${prefix}-`));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------
// Processes of the platform, started as in production.

/** Base environment of the platform's processes for a benchmark database. */
export function platformEnv(databaseUrl, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    JWT_SECRET,
    LOG_LEVEL: "info",
    ...extra,
  };
}

/**
 * Spawns a platform process and resolves once a JSON log line with `msg`
 * appears on its stdout. With `logFile`, stdout goes to that file (so that a
 * busy server's request log costs us nothing); otherwise it is read and dropped.
 */
export async function startProcess(name, entry, env, readyMessage, { cwd = root, timeoutMs = 60_000, logFile, nodeArgs = [] } = {}) {
  const fd = logFile ? openSync(logFile, "a") : undefined;
  const child = spawn(process.execPath, [...nodeArgs, entry], { cwd, env, stdio: ["ignore", fd ?? "pipe", "pipe"] });
  if (fd !== undefined) closeSync(fd);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk.toString("utf8");
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(stop);
  const marker = `"msg":"${readyMessage}"`;
  let output = "";
  let ready = false;
  const started = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not log "${readyMessage}" within ${timeoutMs} ms`)), timeoutMs);
    const done = () => {
      ready = true;
      clearTimeout(timer);
      resolve();
    };
    if (logFile) {
      const poll = setInterval(() => {
        if (readFileSync(logFile, "utf8").includes(marker)) {
          clearInterval(poll);
          done();
        }
      }, 50);
      void exited.then(() => clearInterval(poll));
    } else {
      child.stdout.on("data", (chunk) => {
        if (ready) return; // later output is read and dropped
        output += chunk.toString("utf8");
        if (output.includes(marker)) done();
        else output = output.slice(-4096);
      });
    }
    void exited.then(({ code, signal }) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${stderr}${output}`));
    });
  });
  await started;
  return { child, pid: child.pid, stop, exited };
}

// ---------------------------------------------------------------------------
// Figures.

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least p% of the samples at or below it.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    min: sorted[0],
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
    mean: sum / sorted.length,
  };
}

export function ms(value, digits = 2) {
  return Number.isFinite(value) ? `${value.toFixed(digits)} ms` : "n/a";
}

/** Prints rows (arrays of cells) as an aligned table; the first row is the header. */
export function printTable(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const line = (row) => row.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join("  ");
  console.log(line(rows[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows.slice(1)) console.log(line(row));
}

export function verdict(ok) {
  return ok ? "PASS" : "FAIL";
}

/** What the figures were measured on. */
export function machine() {
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "";
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? "unknown";
  const nginx = spawnSync("nginx", ["-v"], { encoding: "utf8" });
  const wrk = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return {
    nproc: os.availableParallelism(),
    cpu: model,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    nginx: (nginx.stderr || nginx.stdout || "not installed").trim().replace(/^nginx version: /, ""),
    wrk: ((wrk.stdout || wrk.stderr || "").split("\n")[0] || "not installed").trim(),
    kernel: `${os.type()} ${os.release()}`,
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(" "),
    date: new Date().toISOString(),
  };
}

export function printMachine() {
  const info = machine();
  log(`machine: ${info.nproc} CPUs (${info.cpu}), ${info.memory} RAM, node ${info.node}, ${info.kernel}, load ${info.loadavg}, ${info.date}`);
  return info;
}
