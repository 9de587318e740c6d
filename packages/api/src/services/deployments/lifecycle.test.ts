import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp } from "../../testing/deployments.js";
import { createHarness, type Harness } from "../../testing/harness.js";
import { requestCancellation } from "./cancel.js";
import { markBuilding, markCancelled, markDeploying, markFailed, markSucceeded, recordCommit } from "./lifecycle.js";
import { appendLogs, MAX_LOG_LINE } from "./log-writer.js";
import { failStuckDeployments } from "./stuck.js";

let h: Harness;
let userId: string;
beforeAll(async () => {
  h = await createHarness({ ...DEPLOYMENT_TEST_ENV, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "1000" });
  userId = (await signUp(h)).id;
});
afterAll(() => h.close());

const artifact = { artifactKey: "artifacts/x", bytes: 1234, files: 3 };

const row = (id: string) => h.deps.db.deployment.findUniqueOrThrow({ where: { id }, include: { stages: true, project: true } });
const stages = async (id: string) =>
  (await h.deps.db.deploymentStage.findMany({ where: { deploymentId: id }, orderBy: { createdAt: "asc" } })).map((s) => `${s.stageName}:${s.status}`);
const jobsFor = (id: string) =>
  h.deps.db.$queryRaw<{ locked_at: Date | null; attempts: number }[]>`SELECT locked_at, attempts FROM graphile_worker.jobs WHERE key = ${`build:${id}`}`;
const logMessages = async (id: string) => (await h.deps.db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" } })).map((l) => l.message);

async function deploy(repository = "https://example.com/acme/site.git") {
  return (await queueDeployment(h, userId, { repository })).id;
}

describe("transitions", () => {
  it("walks queued → building → deploying → success and publishes the production URL", async () => {
    const id = await deploy();
    expect(await markBuilding(h.deps.db, id, { workerId: "worker-1", commit: { hash: "A7F8C9D0", message: "Fix header", author: "Ada" } })).toBe(true);
    expect(await markBuilding(h.deps.db, id, { workerId: "worker-2" })).toBe(false);
    expect(await recordCommit(h.deps.db, id, { hash: "a7f8c9d0123456789abcdef0123456789abcdef0", message: "Fix header\n\nbody" })).toBe(true);
    expect(await stages(id)).toEqual(["queued:completed", "building:in_progress", "deploying:pending"]);
    expect(await markDeploying(h.deps.db, id)).toBe(true);
    expect(await markSucceeded(h.deps.db, h.deps.env, id, artifact)).toBe(true);
    expect(await markSucceeded(h.deps.db, h.deps.env, id, artifact)).toBe(false);

    const done = await row(id);
    expect(done).toMatchObject({
      status: "success",
      workerId: "worker-1",
      commitHash: "a7f8c9d0123456789abcdef0123456789abcdef0",
      author: "Ada",
      artifactKey: "artifacts/x",
      artifactBytes: 1234n,
      artifactFiles: 3,
      deployedUrl: `http://${done.slug}.localhost:3000`,
      errorMessage: null,
    });
    expect(done.buildDuration).toBeGreaterThanOrEqual(0);
    expect(done.completedAt).not.toBeNull();
    expect(done.project.productionDeploymentId).toBe(id);
    expect(await stages(id)).toEqual(["queued:completed", "building:completed", "deploying:completed", "success:completed"]);
    // A failure report after success changes nothing.
    expect(await markFailed(h.deps.db, id, "late")).toBe(false);
  });

  it("does not let a worker presumed dead move a deployment that a retry on another worker holds", async () => {
    const id = await deploy();
    await markBuilding(h.deps.db, id, { workerId: "slow-worker" });
    // Its heartbeat stopped for a while: the sweep re-queued the build, another worker took it.
    await h.deps.db.workerHeartbeat.create({ data: { workerId: "slow-worker", hostname: "host", pid: 1, lastSeenAt: new Date(Date.now() - 60_000) } });
    expect((await failStuckDeployments(h.deps.db, { heartbeatTimeoutMs: 30_000 })).retried).toContain(id);
    expect(await markBuilding(h.deps.db, id, { workerId: "retry-worker" })).toBe(true);

    const slow = { workerId: "slow-worker" };
    expect(await recordCommit(h.deps.db, id, { hash: "0123456789abcdef0123456789abcdef01234567" }, slow)).toBe(false);
    expect(await markDeploying(h.deps.db, id, slow)).toBe(false);
    expect(await markFailed(h.deps.db, id, "Internal error: lost the deployment", slow)).toBe(false);
    expect(await markCancelled(h.deps.db, id, slow)).toBe(false);
    expect((await row(id)).status).toBe("building");

    const retry = { workerId: "retry-worker" };
    expect(await markDeploying(h.deps.db, id, retry)).toBe(true);
    expect(await markSucceeded(h.deps.db, h.deps.env, id, artifact, slow)).toBe(false);
    expect(await markSucceeded(h.deps.db, h.deps.env, id, artifact, retry)).toBe(true);
    expect(await row(id)).toMatchObject({ status: "success", workerId: "retry-worker", attempts: 2 });
  });

  it("does not let a late worker turn a cancelled deployment into a success", async () => {
    const id = await deploy();
    await markBuilding(h.deps.db, id, { workerId: "worker-1" });
    expect(await requestCancellation(h.deps.db, id)).toBe(true);
    expect(await requestCancellation(h.deps.db, id)).toBe(false);
    // The worker has not noticed yet: it may not move on, nor succeed.
    expect(await markDeploying(h.deps.db, id)).toBe(false);
    expect(await markSucceeded(h.deps.db, h.deps.env, id, artifact)).toBe(false);
    expect(await markCancelled(h.deps.db, id)).toBe(true);
    expect(await markSucceeded(h.deps.db, h.deps.env, id, artifact)).toBe(false);
    const done = await row(id);
    expect(done).toMatchObject({ status: "cancelled", artifactKey: null, deployedUrl: null });
    expect(done.project.productionDeploymentId).not.toBe(id);
    expect(await stages(id)).toEqual(["queued:completed", "building:failed", "deploying:pending", "cancelled:completed"]);
  });

  it("moves production only to a newer success", async () => {
    const repository = "https://example.com/acme/prod.git";
    const older = await deploy(repository);
    const newer = await deploy(repository);
    for (const id of [older, newer]) {
      await markBuilding(h.deps.db, id, { workerId: "w" });
      await markDeploying(h.deps.db, id);
    }
    await markSucceeded(h.deps.db, h.deps.env, newer, artifact);
    // The older build finishes last: a success of its own, but not production.
    expect(await markSucceeded(h.deps.db, h.deps.env, older, artifact)).toBe(true);
    expect((await row(older)).project.productionDeploymentId).toBe(newer);
    const newest = await deploy(repository);
    await markBuilding(h.deps.db, newest, { workerId: "w" });
    await markSucceeded(h.deps.db, h.deps.env, newest, artifact);
    expect((await row(older)).project.productionDeploymentId).toBe(newest);
  });

  it("fails from any active status with the reason, and removes a waiting job", async () => {
    const queued = await deploy();
    expect(await jobsFor(queued)).toHaveLength(1);
    expect(await markFailed(h.deps.db, queued, "Docker is not reachable; set DOCKER_HOST")).toBe(true);
    expect(await jobsFor(queued)).toHaveLength(0);
    expect(await row(queued)).toMatchObject({ status: "failed", errorMessage: "Docker is not reachable; set DOCKER_HOST", buildDuration: null });
    expect(await stages(queued)).toEqual(["queued:failed", "building:pending", "deploying:pending", "failed:failed"]);

    const building = await deploy();
    await markBuilding(h.deps.db, building, { workerId: "w" });
    expect(await markFailed(h.deps.db, building, "npm run build exited with 1")).toBe(true);
    expect(await markBuilding(h.deps.db, building, { workerId: "w" })).toBe(false);
    expect((await row(building)).buildDuration).not.toBeNull();
  });
});

describe("appendLogs", () => {
  it("writes a batch in order, cleans lines, and reports the last seq", async () => {
    const id = await deploy();
    const result = await appendLogs(h.deps.db, id, [
      { level: "info", message: "one" },
      { level: "warn", message: "two\u0000" },
      { level: "error", message: "x".repeat(MAX_LOG_LINE + 10) },
    ]);
    const logs = await h.deps.db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" } });
    expect(logs.map((l) => l.logLevel)).toEqual(["info", "warning", "error"]);
    expect(logs[1]!.message).toBe("two");
    expect(logs[2]!.message).toMatch(/… \[line truncated\]$/);
    expect(result).toEqual({ lastSeq: String(logs[2]!.seq) });
    expect(await appendLogs(h.deps.db, id, [])).toBeNull();
    await h.deps.db.deployment.delete({ where: { id } });
    expect(await appendLogs(h.deps.db, id, [{ level: "info", message: "after delete" }])).toBeNull();
  });
});

describe("failStuckDeployments", () => {
  const timeout = { heartbeatTimeoutMs: 30_000 };
  const beat = (workerId: string, ageMs: number) =>
    h.deps.db.workerHeartbeat.upsert({
      where: { workerId },
      create: { workerId, hostname: "host", pid: 1, lastSeenAt: new Date(Date.now() - ageMs) },
      update: { lastSeenAt: new Date(Date.now() - ageMs) },
    });
  const lockJob = (id: string, ageMs: number) =>
    h.deps.db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_at = ${new Date(Date.now() - ageMs)}, locked_by = 'gw-dead' WHERE key = ${`build:${id}`}`;

  it("retries a build whose worker died once, then fails it with a log line saying why", async () => {
    const id = await deploy();
    await beat("dead-1", 60_000);
    await lockJob(id, 60_000);
    await markBuilding(h.deps.db, id, { workerId: "dead-1" });

    const first = await failStuckDeployments(h.deps.db, timeout);
    expect(first.retried).toContain(id);
    expect(await row(id)).toMatchObject({ status: "queued", attempts: 2, workerId: null, startedAt: null });
    expect(await stages(id)).toEqual(["queued:in_progress", "building:pending", "deploying:pending"]);
    // A fresh, runnable job beside the dead worker's locked one.
    expect(await jobsFor(id)).toEqual([{ locked_at: null, attempts: 0 }]);
    expect((await logMessages(id)).at(-1)).toBe(
      "The build worker (dead-1) stopped responding (no heartbeat for over 30 s). Retrying the build (attempt 2 of 2).",
    );

    await beat("dead-2", 60_000);
    await markBuilding(h.deps.db, id, { workerId: "dead-2" });
    const second = await failStuckDeployments(h.deps.db, timeout);
    expect(second.failed).toContain(id);
    expect(await row(id)).toMatchObject({ status: "failed", errorMessage: expect.stringContaining("dead-2") });
    expect((await logMessages(id)).at(-1)).toMatch(/already retried once; giving up\.$/);
  });

  it("leaves healthy deployments alone", async () => {
    const waiting = await deploy();
    const running = await deploy();
    await beat("alive", 1000);
    await lockJob(running, 1000);
    await markBuilding(h.deps.db, running, { workerId: "alive" });
    const result = await failStuckDeployments(h.deps.db, timeout);
    expect([...result.retried, ...result.failed, ...result.cancelled]).not.toContain(waiting);
    expect([...result.retried, ...result.failed, ...result.cancelled]).not.toContain(running);
    expect((await row(running)).status).toBe("building");
    expect((await row(waiting)).status).toBe("queued");
  });

  it("gives a worker that has not written its first heartbeat yet the timeout before presuming it dead", async () => {
    const fresh = await deploy();
    await lockJob(fresh, 100);
    await markBuilding(h.deps.db, fresh, { workerId: "just-started" });
    expect(Object.values(await failStuckDeployments(h.deps.db, timeout)).flat()).not.toContain(fresh);
    expect((await row(fresh)).status).toBe("building");

    // The same without a heartbeat row for longer than the timeout: dead.
    await h.deps.db.deployment.update({ where: { id: fresh }, data: { startedAt: new Date(Date.now() - 60_000) } });
    expect((await failStuckDeployments(h.deps.db, timeout)).retried).toContain(fresh);
    expect((await logMessages(fresh)).at(-1)).toMatch(/^The build worker \(just-started\) stopped responding/);
  });

  it("retries a queued deployment whose job failed, or was taken by a worker that never started it", async () => {
    const failedJob = await deploy();
    await h.deps.db.$executeRaw`UPDATE graphile_worker._private_jobs SET attempts = max_attempts, last_error = 'Error: boom\n    at task' WHERE key = ${`build:${failedJob}`}`;
    const takenJob = await deploy();
    await lockJob(takenJob, 60_000);
    const result = await failStuckDeployments(h.deps.db, timeout);
    expect(result.retried).toEqual(expect.arrayContaining([failedJob, takenJob]));
    expect((await logMessages(failedJob)).at(-1)).toBe("The build job ended without reporting a result: Error: boom. Retrying the build (attempt 2 of 2).");
    expect((await logMessages(takenJob)).at(-1)).toMatch(/^A worker took the build job but never started it\./);
    expect(await jobsFor(failedJob)).toEqual([{ locked_at: null, attempts: 0 }]);
  });

  it("cancels instead of retrying when the user had asked to cancel", async () => {
    const id = await deploy();
    await beat("dead-3", 60_000);
    await markBuilding(h.deps.db, id, { workerId: "dead-3" });
    await requestCancellation(h.deps.db, id);
    const result = await failStuckDeployments(h.deps.db, timeout);
    expect(result.cancelled).toContain(id);
    expect((await row(id)).status).toBe("cancelled");
  });
});
