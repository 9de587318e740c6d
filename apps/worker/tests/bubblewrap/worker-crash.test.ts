import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "@autostack/api/env";
import { createArtifactStorage, createDeployment } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { workerEnv } from "../../src/testing/worker-harness.js";
import type {} from "../../vitest.global-setup.js";
import { fixtureRepo } from "../fixtures.js";
import { ensureBuilt, killAll, killWorker, startWorkerProcess, waitFor, type WorkerProcess } from "../worker-process.js";
import { bwrapUnavailable, makeTmp } from "./helpers.js";

// The built worker with BUILD_RUNNER=bubblewrap, end to end: it builds in a
// sandbox without any Docker engine (DOCKER_HOST points nowhere), and a SIGKILL
// mid-build takes the sandbox down with the worker (--die-with-parent), so the
// retry on the next worker runs alone and succeeds.

const HEARTBEAT_TIMEOUT_MS = 5000;

/** Host processes whose command line has `marker` as one argument. */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(marker)) found.push(Number(entry));
  }
  return found;
}

describe.skipIf(bwrapUnavailable)("a worker process with BUILD_RUNNER=bubblewrap SIGKILLed mid-build", () => {
  let database: TestDatabase;
  let env: Env;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    tmp = await makeTmp("autostack-bwrap-crash-");
    database = await createTestDatabase(inject("adminUrl"));
    env = workerEnv(database.url, { DATA_DIR: path.join(tmp.dir, "data"), ALLOW_LOCAL_REPOS: "true", BUILD_RUNNER: "bubblewrap" });
  });
  afterEach(() => killAll(workers));
  afterAll(async () => {
    await database?.drop();
    await tmp?.cleanup();
  });

  const startWorker = () =>
    startWorkerProcess(
      {
        DATABASE_URL: database.url,
        DATA_DIR: env.DATA_DIR,
        ALLOW_LOCAL_REPOS: "true",
        BUILD_RUNNER: "bubblewrap",
        DOCKER_HOST: "tcp://127.0.0.1:1",
        BUILD_NETWORK: "none",
        BUILD_MEMORY_MB: "512",
        BUILD_TIMEOUT: "60000",
        WORKER_CONCURRENCY: "1",
        WORKER_HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS),
        HOST_SECRET: "worker-secret-must-not-leak",
      },
      workers,
    );

  it("leaves no sandbox behind, and the retry on another worker succeeds", async () => {
    const started = Date.now();
    const user = await database.db.user.create({ data: { name: "Crash", email: "bwrap-crash@example.com" }, select: { id: true } });
    const marker = `6.${process.pid}`;
    const repository = await fixtureRepo(tmp.dir, "site", { "index.html": "<h1>sandboxed</h1>" });
    const first = await startWorker();
    const { id } = await createDeployment({ db: database.db, env }, user.id, {
      repository,
      branch: "main",
      buildCommand: `echo attempt started; env; sleep ${marker}; mkdir -p dist; cp index.html dist/`,
      installCommand: "",
      outputDir: "dist",
      rootDirectory: null,
      envVars: [],
    });
    await waitFor(async () => (await processesWith(marker)).length === 1, { timeoutMs: 20_000, what: "the sandboxed build" });
    // Output is written in batches (100 ms): wait for it, a SIGKILL loses what is not written yet.
    const logged = () => database.db.deploymentLog.count({ where: { deploymentId: id, message: "attempt started" } });
    await waitFor(async () => (await logged()) === 1, { timeoutMs: 5000, what: "the first attempt's output" });
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "building", workerId: first.id });

    const killedAt = await killWorker(first);
    // No sweep needed: the sandbox died with its worker.
    await waitFor(async () => (await processesWith(marker)).length === 0, { timeoutMs: 2000, what: "the sandbox to die with its worker" });
    const second = await startWorker();
    const done = await waitFor(
      async () => {
        const current = await database.db.deployment.findUniqueOrThrow({ where: { id } });
        return ["success", "failed", "cancelled"].includes(current.status) ? current : null;
      },
      { timeoutMs: 60_000, what: "the retry to finish" },
    );
    const logs = (await database.db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" } })).map((l) => `${l.logLevel}: ${l.message}`);
    expect(done.status, logs.join("\n")).toBe("success");
    expect(done).toMatchObject({ attempts: 2, workerId: second.id });
    expect(logs).toContain(`warning: The build worker (${first.id}) stopped responding (no heartbeat for over 5 s). Retrying the build (attempt 2 of 2).`);
    expect(logs.filter((line) => line === "info: attempt started")).toHaveLength(2);
    // Neither worker's environment reached the build (its `env` output is in the log).
    expect(logs.join("\n")).not.toMatch(/HOST_SECRET|DATABASE_URL|JWT_SECRET/);
    expect(await createArtifactStorage(env).readFile(id, "index.html", [])).not.toBeNull();
    console.log(`bubblewrap: SIGKILL → success on the retry ${((Date.now() - killedAt) / 1000).toFixed(1)} s; whole test ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 90_000);
});
