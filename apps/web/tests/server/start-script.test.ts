import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `pnpm start` end to end: scripts/start.mjs on the built web server and
// worker, with its own embedded PostgreSQL in a temporary data directory.
// A killed child (an OOM-killed build takes the worker down exactly like
// this) comes back; the rest of the platform does not notice.

const root = fileURLToPath(new URL("../../../..", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

let start: ChildProcess;
let exited: Promise<void>;
let output = "";
let dataDir: string;
let url: string;
const seenPids = new Set<number>();

/** Every "<name> started (pid N)" line so far, oldest first. */
function pids(name: string): number[] {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  return [...plain.matchAll(new RegExp(`^\\[autostack\\] ${name} started \\(pid (\\d+)\\)$`, "gm"))].map((m) => Number(m[1]));
}

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; start.mjs said:\n${output.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function status(pathname: string): Promise<number | undefined> {
  try {
    return (await fetch(url + pathname)).status;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "autostack-start-"));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    APP_URL: url,
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    START_WORKER: "true",
    AUTOSTACK_PREPARE_DOCKER: "false",
    LOG_LEVEL: "warn",
  };
  delete env.DATABASE_URL;
  start = spawn(process.execPath, ["scripts/start.mjs"], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  exited = new Promise((resolve) => start.once("exit", () => resolve()));
  const collect = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    for (const name of ["web", "worker", "postgres"]) for (const pid of pids(name)) seenPids.add(pid);
  };
  start.stdout!.on("data", collect);
  start.stderr!.on("data", collect);
  await until(async () => (await status("/healthz")) === 200, "/healthz", 45_000);
}, 60_000);

afterAll(async () => {
  if (start && start.exitCode === null) {
    start.kill("SIGTERM");
    const timer = setTimeout(() => start.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  // Whatever survived a failed test must not outlive it.
  for (const pid of seenPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

describe("pnpm start (scripts/start.mjs)", () => {
  it("restarts a SIGKILLed worker while the web server keeps answering", async () => {
    const [worker] = await until(() => pids("worker").length > 0 && pids("worker"), "the worker");
    const [web] = pids("web");
    process.kill(worker!, "SIGKILL");
    await until(() => output.includes("worker exited (SIGKILL)"), "the restart log line");
    expect(await status("/healthz")).toBe(200);
    const restarted = await until(() => pids("worker")[1], "a new worker");
    expect(restarted).not.toBe(worker);
    expect(alive(restarted)).toBe(true);
    expect(pids("web")).toEqual([web]);
    expect(start.exitCode).toBe(null);
  });

  it("restarts a SIGKILLed web server", async () => {
    const [web] = pids("web");
    const workers = pids("worker");
    process.kill(web!, "SIGKILL");
    await until(() => output.includes("web exited (SIGKILL)"), "the restart log line");
    const restarted = await until(() => pids("web")[1], "a new web server");
    expect(restarted).not.toBe(web);
    await until(async () => (await status("/healthz")) === 200, "/healthz from the new web server");
    expect(pids("worker")).toEqual(workers);
  });

  it("restarts a killed embedded PostgreSQL on the same data directory and port; the web server reconnects", async () => {
    const postmaster = Number(readFileSync(path.join(dataDir, "postgres/postmaster.pid"), "utf8").split("\n")[0]);
    expect(pids("postgres")).toEqual([postmaster]);
    process.kill(postmaster, "SIGKILL");
    const restarted = await until(() => pids("postgres")[1], "a new postmaster");
    expect(restarted).not.toBe(postmaster);
    await until(async () => (await status("/readyz")) === 200, "/readyz with the database back");
    expect(start.exitCode).toBe(null);
  });

  it("SIGTERM stops the children, then PostgreSQL, and exits 0", async () => {
    const running = [pids("web").at(-1)!, pids("worker").at(-1)!, pids("postgres").at(-1)!];
    start.kill("SIGTERM");
    await exited;
    expect(start.exitCode).toBe(0);
    expect(running.map(alive)).toEqual([false, false, false]);
  });
});
