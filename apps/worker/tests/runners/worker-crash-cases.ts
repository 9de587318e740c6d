import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, expect, inject, it } from "vitest";
import type { Env } from "@autostack/api/env";
import { createArtifactStorage, createDeployment } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { workerEnv } from "../../src/testing/worker-harness.js";
import type {} from "../../vitest.global-setup.js";
import { fixtureRepo } from "../fixtures.js";
import { ensureBuilt, killAll, killWorker, startWorkerProcess, waitFor, type WorkerProcess } from "../worker-process.js";
import { makeTmp } from "./build-harness.js";

// The promise of ADR 0009, checked on the real thing for every runner: the
// BUILT worker (`node apps/worker/dist/index.js`, what `pnpm start` runs) in
// processes of its own, SIGKILLed in the middle of a build. Within 60 s
// another worker process must retry the deployment once, and the retry
// succeed, with nothing of the killed build left running. Each runner's suite
// calls this inside its describe and says how to see the builds it runs.
// WORKER_HEARTBEAT_TIMEOUT_MS is at its minimum (5 s) to keep the test short;
// the intervals scale with it (liveness.ts).

export const HEARTBEAT_TIMEOUT_MS = 5000;
export const PROMISE_MS = 60_000;

/** A build as the runner runs it on the host: a container, a sandbox's processes. */
export interface RunningBuild {
  running: boolean;
}

export interface WorkerCrashCaseOptions {
  /** Names the temporary directory and the user. */
  name: string;
  /** The worker's variables for this runner (BUILD_RUNNER and what it needs). */
  runnerEnv: Record<string, string>;
  /** What the builds are called in test names ("container", "sandbox"). */
  leftover: string;
  /**
   * What exists of the builds that `worker` started: `marker` is an argument
   * of the build command (its `sleep`) only, for runners that cannot label builds.
   */
  buildsOf(worker: WorkerProcess, marker: string): Promise<RunningBuild[]>;
  /**
   * True when the build dies with its worker (a sandbox, --die-with-parent):
   * it is gone before any other worker runs; otherwise the next worker's sweep removes it.
   */
  diesWithWorker: boolean;
  /** Removes what a test that failed left of the builds of these deployments (after the workers are killed). */
  removeLeftovers?(deploymentIds: string[]): Promise<void>;
}

export interface WorkerCrashHarness {
  database: TestDatabase;
  env: Env;
  /** `node apps/worker/dist/index.js` with only the environment a deployment of it would have. */
  startWorker(): Promise<WorkerProcess>;
  /** Queues a deployment whose build command is `echo attempt started; env; sleep <seconds.marker>; …`. */
  deploy(name: string, seconds: number): Promise<{ id: string; marker: string }>;
  /** Waits until `worker` runs the build of `id`: the deployment is its, the step has printed `startedLines` times, its build runs. */
  waitUntilBuilding(id: string, marker: string, worker: WorkerProcess, startedLines: number): Promise<void>;
  deployment(id: string): ReturnType<TestDatabase["db"]["deployment"]["findUniqueOrThrow"]>;
  logs(id: string): Promise<string[]>;
  buildJobs(): Promise<{ id: bigint }[]>;
}

/** Declares the shared cases; returns the harness for the runner's own cases. */
export function workerCrashCases(options: WorkerCrashCaseOptions): WorkerCrashHarness {
  let tmp: { dir: string; cleanup: () => Promise<void> } | undefined;
  let userId = "";
  let markers = 0;
  const workers: WorkerProcess[] = [];
  const harness = {} as WorkerCrashHarness;

  beforeAll(async () => {
    await ensureBuilt();
    tmp = await makeTmp(`autostack-${options.name}-`);
    harness.database = await createTestDatabase(inject("adminUrl"));
    harness.env = workerEnv(harness.database.url, { DATA_DIR: path.join(tmp.dir, "data"), ALLOW_LOCAL_REPOS: "true", RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100", ...options.runnerEnv });
    userId = (await harness.database.db.user.create({ data: { name: "Crash", email: `${options.name}@example.com` }, select: { id: true } })).id;
  });
  afterEach(async () => {
    // However the test ended: no worker process and no build of this database outlives it.
    await killAll(workers);
    const ids = (await harness.database.db.deployment.findMany({ select: { id: true } })).map((d) => d.id);
    await options.removeLeftovers?.(ids);
  });
  afterAll(async () => {
    await harness.database?.drop();
    await tmp?.cleanup();
  });

  const helpers: Omit<WorkerCrashHarness, "database" | "env"> = {
    startWorker: () =>
      startWorkerProcess(
        {
          DATABASE_URL: harness.database.url,
          DATA_DIR: harness.env.DATA_DIR,
          ALLOW_LOCAL_REPOS: "true",
          BUILD_NETWORK: "none",
          BUILD_MEMORY_MB: "512",
          BUILD_TIMEOUT: "60000",
          WORKER_CONCURRENCY: "1",
          WORKER_HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS),
          // Would reach the build if anything copied the worker's environment.
          HOST_SECRET: "worker-secret-must-not-leak",
          ...options.runnerEnv,
        },
        workers,
      ),
    async deploy(name: string, seconds: number) {
      // A number (`sleep` takes it) that no other process on the host has as an argument.
      const marker = `${seconds}.${process.pid}${++markers}`;
      const repository = await fixtureRepo(tmp!.dir, name, { "index.html": `<h1>${name}</h1>` });
      const buildCommand = `echo attempt started; env; sleep ${marker}; mkdir -p dist; cp index.html dist/; echo attempt finished`;
      const input = { repository, branch: "main", buildCommand, installCommand: "", outputDir: "dist", rootDirectory: null, envVars: [] };
      const { id } = await createDeployment({ db: harness.database.db, env: harness.env }, userId, input);
      return { id, marker };
    },
    async waitUntilBuilding(id: string, marker: string, worker: WorkerProcess, startedLines: number) {
      await waitFor(
        async () => {
          const row = await harness.deployment(id);
          if (row.status !== "building" || row.workerId !== worker.id) return false;
          // Output is written in batches (100 ms): wait for it, a SIGKILL loses what is not written yet.
          const started = (await harness.logs(id)).filter((line) => line === "info: attempt started").length;
          return started === startedLines && (await options.buildsOf(worker, marker)).filter((build) => build.running).length === 1;
        },
        { timeoutMs: 30_000, what: `worker ${worker.id} to run the build` },
      );
    },
    deployment: (id: string) => harness.database.db.deployment.findUniqueOrThrow({ where: { id } }),
    logs: async (id: string) =>
      (await harness.database.db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" } })).map((l) => `${l.logLevel}: ${l.message}`),
    buildJobs: () => harness.database.db.$queryRaw<{ id: bigint }[]>`SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'build'`,
  };
  Object.assign(harness, helpers);

  it(`retries the build on another worker, leaves no ${options.leftover} of the killed worker behind, and the retry succeeds`, async () => {
    const started = Date.now();
    const first = await harness.startWorker();
    const { id, marker } = await harness.deploy("crash-retry", 8);
    await harness.waitUntilBuilding(id, marker, first, 1);

    const killedAt = await killWorker(first);
    /** Waits until nothing of the killed worker's build exists; returns how long after the SIGKILL that was. */
    const orphanGone = async (timeoutMs: number, what: string) => {
      await waitFor(async () => (await options.buildsOf(first, marker)).length === 0, { timeoutMs, what });
      return Date.now() - killedAt;
    };
    // No sweep needed where the build dies with its worker: at once, before another worker starts (and runs the same command).
    let orphanGoneAfter = options.diesWithWorker ? await orphanGone(2000, "the build to die with its worker") : 0;
    const second = await harness.startWorker();
    const retryLine = `warning: The build worker (${first.id}) stopped responding (no heartbeat for over 5 s). Retrying the build (attempt 2 of 2).`;
    await waitFor(async () => (await harness.logs(id)).includes(retryLine), { timeoutMs: PROMISE_MS, what: "the retry" });
    const retriedAfter = Date.now() - killedAt;
    expect(retriedAfter).toBeLessThan(PROMISE_MS);
    // Otherwise the killed worker's build (still sleeping) is removed by the sweep: gone, not merely stopped.
    if (!options.diesWithWorker) orphanGoneAfter = await orphanGone(PROMISE_MS - retriedAfter, "the orphan's removal");

    const done = await waitFor(
      async () => {
        const row = await harness.deployment(id);
        return ["success", "failed", "cancelled"].includes(row.status) ? row : null;
      },
      { timeoutMs: 40_000, what: "the retry to finish" },
    );
    const lines = await harness.logs(id);
    expect(done.status, lines.join("\n")).toBe("success");
    expect(done).toMatchObject({ attempts: 2, workerId: second.id, errorMessage: null });
    // Exactly two runs of the step, one retry line, nothing that failed.
    expect(lines.filter((line) => line === "info: attempt started")).toHaveLength(2);
    expect(lines.filter((line) => line === "info: attempt finished")).toHaveLength(1);
    expect(lines.filter((line) => line === retryLine)).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("error:"))).toEqual([]);
    // Neither worker's environment reached the build (its `env` output is in the log).
    expect(lines.join("\n")).not.toMatch(/HOST_SECRET|DATABASE_URL|JWT_SECRET/);
    expect(await createArtifactStorage(harness.env).readFile(id, "index.html", [])).not.toBeNull();
    // Nothing left behind: no job (the dead worker's lock was released, its spent job deleted), no build, no checkout.
    // graphile-worker deletes the finished job just after the task returns.
    await waitFor(async () => (await harness.buildJobs()).length === 0, { timeoutMs: 5000, what: "the build job to complete" });
    expect([...(await options.buildsOf(first, marker)), ...(await options.buildsOf(second, marker))]).toEqual([]);
    await waitFor(async () => (await readdir(path.join(harness.env.DATA_DIR, "builds"))).length === 0, { timeoutMs: 5000, what: "the checkout's removal" });
    console.log(
      `${options.runnerEnv.BUILD_RUNNER}: SIGKILL → retry queued ${(retriedAfter / 1000).toFixed(1)} s, orphan ${options.leftover} gone ${(orphanGoneAfter / 1000).toFixed(1)} s; ` +
        `whole test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 90_000);

  return harness;
}
