import { mkdir, mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildJobKey } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { createWorkerHarness, waitFor } from "../testing/worker-harness.js";
import { recoverStuckBuilds, removeBuildLeftovers } from "./recover-stuck-builds.js";

// A worker SIGKILLed mid-build leaves its deployment "building", its build
// job locked (for 4 hours, by graphile-worker's rules) and a heartbeat that
// stops. Simulated here row by row: the sweep must unlock the job, retry the
// deployment once and fail it on the second loss, each with a log line.

const TIMEOUT_MS = 30_000;
const DEAD = "worker-killed-mid-build";
const LIVE = "worker-alive";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(inject("adminUrl"));
});
afterAll(() => database.drop());

interface JobRow {
  key: string | null;
  locked_by: string | null;
  attempts: number;
}
const jobs = () => database.db.$queryRaw<JobRow[]>`SELECT key, locked_by, attempts FROM graphile_worker.jobs ORDER BY id`;

/** What a worker does when it takes the build: lock the job, mark the deployment building under its id. */
async function takeBuild(deploymentId: string, workerId: string, minutesAgo: number): Promise<void> {
  const at = new Date(Date.now() - minutesAgo * 60_000);
  await database.db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_by = ${workerId}, locked_at = ${at}, attempts = attempts + 1 WHERE key = ${buildJobKey(deploymentId)}`;
  await database.db.deployment.update({ where: { id: deploymentId }, data: { status: "building", workerId, startedAt: at } });
}

async function heartbeat(workerId: string, minutesAgo: number): Promise<void> {
  const lastSeenAt = new Date(Date.now() - minutesAgo * 60_000);
  await database.db.workerHeartbeat.upsert({ where: { workerId }, create: { workerId, hostname: "test", pid: 1, lastSeenAt }, update: { lastSeenAt } });
}

async function newQueuedDeployment(suffix: string): Promise<string> {
  const db = database.db;
  const user = await db.user.create({ data: { name: "Owner", email: `stuck-${suffix}@example.com` } });
  const project = await db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug: `stuck-${suffix}` } });
  const deployment = await db.deployment.create({
    data: { userId: user.id, projectId: project.id, slug: `stuck-${suffix}-0001`, repository: project.repository, buildCommand: "true", outputDir: ".", attempts: 1 },
  });
  await db.$executeRaw`SELECT graphile_worker.add_job('build', json_build_object('deploymentId', ${deployment.id}::text), job_key := ${buildJobKey(deployment.id)}, max_attempts := 1)`;
  return deployment.id;
}

describe("recoverStuckBuilds", () => {
  it("unlocks a dead worker's job, retries its deployment once, then fails it with the reason", async () => {
    const id = await newQueuedDeployment("a");
    await takeBuild(id, DEAD, 2);
    await heartbeat(DEAD, 2);
    await heartbeat(LIVE, 0);

    const first = await recoverStuckBuilds(database.db, { heartbeatTimeoutMs: TIMEOUT_MS });
    expect(first.unlockedWorkers).toEqual([DEAD]);
    expect(first.retried).toEqual([id]);
    let row = await database.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "queued", attempts: 2, workerId: null });
    // One runnable job for the retry; the dead one neither locked nor left behind.
    expect(await jobs()).toEqual([{ key: buildJobKey(id), locked_by: null, attempts: 0 }]);
    // The dead worker's heartbeat row is gone; the live one stays.
    expect((await database.db.workerHeartbeat.findMany()).map((h) => h.workerId)).toEqual([LIVE]);

    // The retry dies the same way.
    await takeBuild(id, DEAD, 2);
    const second = await recoverStuckBuilds(database.db, { heartbeatTimeoutMs: TIMEOUT_MS });
    expect(second.failed).toEqual([id]);
    row = await database.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("failed");
    expect(row.errorMessage).toMatch(/stopped responding.*already retried once/);
    const logs = await database.db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" } });
    expect(logs.map((l) => `${l.logLevel}: ${l.message}`)).toEqual([
      expect.stringMatching(/^warning: The build worker \(worker-killed-mid-build\) stopped responding .*Retrying the build \(attempt 2 of 2\)\.$/),
      expect.stringMatching(/^error: The build worker \(worker-killed-mid-build\) stopped responding .*giving up\.$/),
    ]);
    expect((await jobs()).every((job) => job.locked_by === null)).toBe(true);
  });

  it("leaves the builds and jobs of a live worker alone, however long they run", async () => {
    const id = await newQueuedDeployment("b");
    await takeBuild(id, LIVE, 9);
    await heartbeat(LIVE, 0);
    const result = await recoverStuckBuilds(database.db, { heartbeatTimeoutMs: TIMEOUT_MS });
    expect(result.unlockedWorkers).toEqual([]);
    expect(result.retried).not.toContain(id);
    expect((await database.db.deployment.findUniqueOrThrow({ where: { id } })).status).toBe("building");
    expect((await jobs()).find((job) => job.key === buildJobKey(id))?.locked_by).toBe(LIVE);
  });
});

describe("recover-stuck-builds task", () => {
  it("runs through graphile-worker and rescues a dead worker's build", async () => {
    // The task sweeps DATA_DIR's leftovers too: never the repository's own .data.
    const dataDir = await mkdtemp(path.join(tmpdir(), "autostack-sweep-task-"));
    const h = await createWorkerHarness({ DATA_DIR: dataDir });
    try {
      const user = await h.db.user.create({ data: { name: "Owner", email: "stuck-task@example.com" } });
      const project = await h.db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug: "stuck-task" } });
      const deployment = await h.db.deployment.create({
        data: {
          userId: user.id,
          projectId: project.id,
          slug: "stuck-task-0001",
          repository: project.repository,
          buildCommand: "true",
          outputDir: ".",
          status: "building",
          attempts: 2,
          workerId: DEAD,
          startedAt: new Date(Date.now() - 120_000),
        },
      });
      await h.addRawJob("recover-stuck-builds", {});
      const row = await waitFor(async () => {
        const current = await h.db.deployment.findUniqueOrThrow({ where: { id: deployment.id } });
        return current.status === "failed" ? current : null;
      });
      expect(row.errorMessage).toMatch(/stopped responding/);
    } finally {
      await h.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("removeBuildLeftovers", () => {
  it("logs one line per removal with the deployment id, and sweeps the disk even when the engine is down", async () => {
    const id = await newQueuedDeployment("leftovers");
    await database.db.deployment.update({ where: { id }, data: { status: "failed", completedAt: new Date(Date.now() - 10 * 60_000) } });
    const dataDir = await mkdtemp(path.join(tmpdir(), "autostack-sweep-"));
    try {
      const old = new Date(Date.now() - 10 * 60_000);
      const checkout = path.join(dataDir, "builds", id);
      const upload = path.join(dataDir, "artifacts", `.tmp-${id}-00112233445566ff`);
      for (const dir of [checkout, upload]) {
        await mkdir(dir, { recursive: true });
        await utimes(dir, old, old);
      }
      const engineDown = { listContainers: () => Promise.reject(new Error("connect ENOENT /var/run/docker.sock")) } as unknown as Docker;
      const lines: { message: string; meta: Record<string, string | null> }[] = [];
      const errors: string[] = [];

      const result = await removeBuildLeftovers(database.db, {
        dataDir,
        docker: engineDown,
        onRemoved: (message, meta) => lines.push({ message, meta }),
        onError: (message) => errors.push(message),
      });

      expect(result.containers).toEqual([]);
      expect(errors).toEqual(["could not sweep leftover build containers"]);
      expect(lines).toEqual([
        { message: "removed a leftover checkout", meta: { deploymentId: id, path: checkout } },
        { message: "removed a leftover artifact upload", meta: { deploymentId: id, path: upload } },
      ]);
      expect(await readdir(path.join(dataDir, "builds"))).toEqual([]);
      expect(await readdir(path.join(dataDir, "artifacts"))).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("every worker's own leftover sweep", () => {
  it("runs on the worker's timer, not only on the cron tick, and logs each removal", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "autostack-worker-sweep-"));
    // No engine involved: the bubblewrap runner leaves no containers to sweep.
    const h = await createWorkerHarness({ DATA_DIR: dataDir, BUILD_RUNNER: "bubblewrap" }, { leftoverSweepMs: 200 });
    try {
      const deleted = "66666666-6666-4666-8666-666666666666";
      const checkout = path.join(dataDir, "builds", deleted);
      const old = new Date(Date.now() - 10 * 60_000);
      await mkdir(checkout, { recursive: true });
      await utimes(checkout, old, old);

      const line = await waitFor(async () => h.logs.find((entry) => entry.msg === "removed a leftover checkout"), { what: "the worker's leftover sweep" });
      expect(line).toMatchObject({ workerId: h.worker.workerId, deploymentId: deleted, path: checkout });
      expect(await readdir(path.join(dataDir, "builds"))).toEqual([]);
    } finally {
      await h.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
