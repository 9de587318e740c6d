import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "@autostack/api/env";
import { createArtifactStorage, createDeployment, type ArtifactStorage } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { DEPLOYMENT_LABEL, WORKER_LABEL } from "../../src/builder/runners/docker/container-spec.js";
import { workerEnv } from "../../src/testing/worker-harness.js";
import type {} from "../../vitest.global-setup.js";
import { fixtureRepo } from "../fixtures.js";
import { ensureBuilt, killAll, killWorker, parseLogLine, startWorkerProcess, waitFor, type WorkerProcess } from "../worker-process.js";
import { builderImage, docker, dockerUnavailable } from "./helpers.js";

// The promise of ADR 0009, checked on the real thing: the BUILT worker
// (`node apps/worker/dist/index.js`, what `pnpm start` runs) in processes of
// its own, SIGKILLed in the middle of a build whose container is running.
// Within 60 s another worker process must retry the deployment once (and the
// retry succeed), remove the dead worker's container, and fail the deployment
// with a log line saying why when the retry's worker dies too, without a third
// attempt. WORKER_HEARTBEAT_TIMEOUT_MS is at its minimum (5 s) to keep the
// test short; the intervals scale with it (liveness.ts).

const HEARTBEAT_TIMEOUT_MS = 5000;
const PROMISE_MS = 60_000;

describe.skipIf(dockerUnavailable !== "")("a worker process SIGKILLed mid-build", () => {
  let database: TestDatabase;
  let env: Env;
  let storage: ArtifactStorage;
  let tmp: string;
  let userId: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    tmp = await mkdtemp(path.join(tmpdir(), "autostack-worker-crash-"));
    database = await createTestDatabase(inject("adminUrl"));
    env = workerEnv(database.url, { DATA_DIR: path.join(tmp, "data"), ALLOW_LOCAL_REPOS: "true", RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100" });
    storage = createArtifactStorage(env);
    userId = (await database.db.user.create({ data: { name: "Crash", email: "crash@example.com" }, select: { id: true } })).id;
  });

  afterEach(async () => {
    // However the test ended: no worker process and no build container of this database outlives it.
    await killAll(workers);
    const ids = (await database.db.deployment.findMany({ select: { id: true } })).map((d) => d.id);
    for (const container of await docker.listContainers({ all: true, filters: { label: [DEPLOYMENT_LABEL] } })) {
      if (ids.includes(container.Labels[DEPLOYMENT_LABEL] ?? "")) await docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined);
    }
  });

  afterAll(async () => {
    await database?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** `node apps/worker/dist/index.js` with only the environment a deployment of it would have. */
  const startWorker = () =>
    startWorkerProcess(
      {
        DATABASE_URL: database.url,
        DATA_DIR: env.DATA_DIR,
        ALLOW_LOCAL_REPOS: "true",
        BUILD_RUNNER: "docker",
        DOCKER_HOST: inject("dockerHost"),
        BUILD_IMAGE: builderImage,
        BUILD_NETWORK: "none",
        BUILD_MEMORY_MB: "256",
        BUILD_TIMEOUT: "60000",
        WORKER_CONCURRENCY: "1",
        WORKER_HEARTBEAT_TIMEOUT_MS: String(HEARTBEAT_TIMEOUT_MS),
      },
      workers,
    );
  const kill = killWorker;

  const deployment = (id: string) => database.db.deployment.findUniqueOrThrow({ where: { id } });
  const logs = async (id: string) =>
    (await database.db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" } })).map((l) => `${l.logLevel}: ${l.message}`);
  const containers = async (label: string, value: string, state?: string) =>
    (await docker.listContainers({ all: true, filters: { label: [`${label}=${value}`] } })).filter((c) => !state || c.State === state);
  const buildJobs = () => database.db.$queryRaw<{ id: bigint }[]>`SELECT id FROM graphile_worker.jobs WHERE task_identifier = 'build'`;

  async function deploy(name: string, buildCommand: string) {
    const repository = await fixtureRepo(tmp, name, { "index.html": `<h1>${name}</h1>` });
    return createDeployment({ db: database.db, env }, userId, {
      repository,
      branch: "main",
      buildCommand,
      installCommand: "",
      outputDir: "dist",
      rootDirectory: null,
      envVars: [],
    });
  }

  /** Waits until `worker` runs the build of `id`: the deployment is its, the step has printed, its container runs. */
  async function waitUntilBuilding(id: string, worker: WorkerProcess, startedLines: number) {
    await waitFor(
      async () => {
        const row = await deployment(id);
        if (row.status !== "building" || row.workerId !== worker.id) return false;
        const started = (await logs(id)).filter((line) => line === "info: attempt started").length;
        return started === startedLines && (await containers(WORKER_LABEL, worker.id, "running")).length === 1;
      },
      { timeoutMs: 30_000, what: `worker ${worker.id} to run the build` },
    );
  }

  it("retries the build on another worker, removes the orphaned container, and the retry succeeds", async () => {
    const started = Date.now();
    const first = await startWorker();
    const { id } = await deploy("crash-retry", "echo attempt started; sleep 8; mkdir -p dist; cp index.html dist/; echo attempt finished");
    await waitUntilBuilding(id, first, 1);

    const killedAt = await kill(first);
    const second = await startWorker();
    const retryLine = `warning: The build worker (${first.id}) stopped responding (no heartbeat for over 5 s). Retrying the build (attempt 2 of 2).`;
    await waitFor(async () => (await logs(id)).includes(retryLine), { timeoutMs: PROMISE_MS, what: "the retry" });
    const retriedAfter = Date.now() - killedAt;
    expect(retriedAfter).toBeLessThan(PROMISE_MS);
    // The killed worker's container (still sleeping) is gone, not merely stopped.
    await waitFor(async () => (await containers(WORKER_LABEL, first.id)).length === 0, { timeoutMs: PROMISE_MS - retriedAfter, what: "the orphan's removal" });
    const orphanGoneAfter = Date.now() - killedAt;

    const done = await waitFor(
      async () => {
        const row = await deployment(id);
        return ["success", "failed", "cancelled"].includes(row.status) ? row : null;
      },
      { timeoutMs: 40_000, what: "the retry to finish" },
    );
    const lines = await logs(id);
    expect(done.status, lines.join("\n")).toBe("success");
    expect(done).toMatchObject({ attempts: 2, workerId: second.id, errorMessage: null });
    // Exactly two runs of the step, one retry line, nothing that failed.
    expect(lines.filter((line) => line === "info: attempt started")).toHaveLength(2);
    expect(lines.filter((line) => line === "info: attempt finished")).toHaveLength(1);
    expect(lines.filter((line) => line === retryLine)).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith("error:"))).toEqual([]);
    const file = await storage.readFile(id, "index.html", []);
    expect(file).not.toBeNull();
    // Nothing left behind: no job (the dead worker's lock was released, its spent job deleted), no container, no checkout.
    // graphile-worker deletes the finished job just after the task returns.
    await waitFor(async () => (await buildJobs()).length === 0, { timeoutMs: 5000, what: "the build job to complete" });
    expect(await containers(DEPLOYMENT_LABEL, id)).toEqual([]);
    await waitFor(async () => (await readdir(path.join(env.DATA_DIR, "builds"))).length === 0, { timeoutMs: 5000, what: "the checkout's removal" });
    console.log(
      `SIGKILL → retry queued ${(retriedAfter / 1000).toFixed(1)} s, orphan container removed ${(orphanGoneAfter / 1000).toFixed(1)} s; ` +
        `whole test ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 90_000);

  it("fails the deployment with the reason, and no third attempt, when the retry's worker is SIGKILLed too", async () => {
    const started = Date.now();
    const first = await startWorker();
    const { id } = await deploy("crash-twice", "echo attempt started; sleep 60");
    await waitUntilBuilding(id, first, 1);
    await kill(first);

    const second = await startWorker();
    await waitUntilBuilding(id, second, 2);
    expect(await containers(WORKER_LABEL, first.id)).toEqual([]);
    const killedAt = await kill(second);

    const third = await startWorker();
    const reason = `The build worker (${second.id}) stopped responding (no heartbeat for over 5 s). The build was already retried once; giving up.`;
    const failed = await waitFor(
      async () => {
        const row = await deployment(id);
        return row.status === "failed" ? row : null;
      },
      { timeoutMs: PROMISE_MS, what: "the deployment to fail" },
    );
    const failedAfter = Date.now() - killedAt;
    expect(failedAfter).toBeLessThan(PROMISE_MS);
    expect(failed).toMatchObject({ attempts: 2, errorMessage: reason });
    await waitFor(async () => (await containers(DEPLOYMENT_LABEL, id)).length === 0, { timeoutMs: PROMISE_MS - failedAfter, what: "the orphans' removal" });

    // Several sweeps of the live worker later: still failed, never started a third time.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_TIMEOUT_MS));
    const lines = await logs(id);
    expect((await deployment(id)).status).toBe("failed");
    expect(lines.filter((line) => line === "info: attempt started")).toHaveLength(2);
    expect(lines.filter((line) => line.includes("Retrying the build"))).toHaveLength(1);
    expect(lines.at(-1)).toBe(`error: ${reason}`);
    expect(await buildJobs()).toEqual([]);
    expect(await containers(DEPLOYMENT_LABEL, id)).toEqual([]);
    // The live worker did no build and logged no error of its own.
    expect(third.lines.map(parseLogLine).filter((entry) => entry && Number(entry.level) >= 50)).toEqual([]);
    console.log(`second SIGKILL → failed ${(failedAfter / 1000).toFixed(1)} s; whole test ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 90_000);
});
