import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { TEST_SECRET } from "../src/testing/worker-harness.js";

// The BUILT worker (`node apps/worker/dist/index.js`, what `pnpm start` runs)
// in processes of its own, for tests that SIGKILL it (docker/worker-crash,
// bubblewrap/worker-crash).

const run = promisify(execFile);
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const workerEntry = path.join(repoRoot, "apps/worker/dist/index.js");

export interface WorkerProcess {
  child: ChildProcess;
  /** graphile-worker's id: the deployment's worker_id (and a container's worker label). */
  id: string;
  /** stdout and stderr lines (pino JSON). */
  lines: string[];
  exited: Promise<void>;
}

/** Starts a worker with exactly `env` (plus PATH and HOME, for git) and waits for its "worker started" line. */
export async function startWorkerProcess(env: Record<string, string>, track: WorkerProcess[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [workerEntry], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", NODE_ENV: "production", LOG_LEVEL: "info", JWT_SECRET: TEST_SECRET, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const collect = (stream: Readable) => stream.setEncoding("utf8").on("data", (chunk: string) => lines.push(...chunk.split("\n").filter(Boolean)));
  collect(child.stdout!);
  collect(child.stderr!);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const worker: WorkerProcess = { child, id: "", lines, exited };
  track.push(worker);
  worker.id = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the worker exited with ${child.exitCode}:\n${lines.join("\n")}`);
      for (const line of lines) {
        const entry = parseLogLine(line);
        if (entry?.msg === "worker started" && typeof entry.workerId === "string") return entry.workerId;
      }
      return null;
    },
    { timeoutMs: 20_000, what: "the worker to start" },
  );
  return worker;
}

/** SIGKILLs the worker; resolves with the time it was gone. */
export async function killWorker(worker: WorkerProcess): Promise<number> {
  worker.child.kill("SIGKILL");
  await worker.exited;
  return Date.now();
}

/** Kills whatever is still running of `workers` and waits for it (for afterEach). */
export async function killAll(workers: WorkerProcess[]): Promise<void> {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
    await worker.exited;
  }
}

export function parseLogLine(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function waitFor<T>(check: () => Promise<T> | T, { timeoutMs, what }: { timeoutMs: number; what: string }): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The spawned worker runs the compiled output of the worker and of the
 * workspace packages it imports. `pnpm build` makes them (CI builds before it
 * tests); a package whose sources are newer than its dist is compiled here,
 * so that the test does not judge yesterday's code. A package that does not
 * compile at the moment (someone is editing it) keeps its last build.
 */
export async function ensureBuilt(): Promise<void> {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  for (const dir of ["packages/db", "packages/api", "apps/worker"]) {
    const sources = await newest(path.join(repoRoot, dir, "src"), (file) => /\.ts$/.test(file) && !/\.test\.ts$/.test(file) && !file.includes(`${path.sep}testing${path.sep}`));
    const built = await newest(path.join(repoRoot, dir, "dist"), (file) => file.endsWith(".js"));
    if (built !== 0 && sources <= built) continue;
    try {
      await run(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noEmitOnError"], { cwd: path.join(repoRoot, dir) });
    } catch (error) {
      const output = (error as { stdout?: string }).stdout?.trim() || String(error);
      if (built === 0) throw new Error(`${dir} has no build and does not compile: ${output}`);
      console.warn(`${dir}: the sources are newer than dist but do not compile; the worker runs the last build.\n${output}`);
    }
  }
}

/** The latest modification time of the files below `dir` that `wanted` accepts; 0 when there are none. */
async function newest(dir: string, wanted: (file: string) => boolean): Promise<number> {
  let latest = 0;
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (wanted(file)) latest = Math.max(latest, (await stat(file)).mtimeMs);
  }
  return latest;
}
