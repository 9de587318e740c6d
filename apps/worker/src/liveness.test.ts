import { afterAll, beforeAll, expect, it } from "vitest";
import { inject } from "vitest";
import { pino } from "pino";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { livenessIntervals, startLiveness } from "./liveness.js";
import { waitFor } from "./testing/worker-harness.js";

// A worker that dies mid-build (no heartbeat) must not leave its deployment
// building for ever: the next sweep of any live worker re-queues it once.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(inject("adminUrl"));
});
afterAll(() => database.drop());

it("beats while running, rescues a deployment whose worker died, and clears its row on stop", async () => {
  const db = database.db;
  const user = await db.user.create({ data: { name: "Owner", email: "liveness@example.com" } });
  const project = await db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug: "app-live01" } });
  const orphan = await db.deployment.create({
    data: {
      userId: user.id,
      projectId: project.id,
      slug: "app-live01-00000001",
      repository: project.repository,
      buildCommand: "npm run build",
      outputDir: "dist",
      status: "building",
      attempts: 1,
      workerId: "worker-that-was-killed",
      startedAt: new Date(Date.now() - 120_000),
    },
  });

  const liveness = await startLiveness({ db, log: pino({ level: "silent" }), workerId: "live-worker", heartbeatTimeoutMs: 30_000 });
  expect(await db.workerHeartbeat.count({ where: { workerId: "live-worker" } })).toBe(1);

  const rescued = await waitFor(async () => {
    const row = await db.deployment.findUniqueOrThrow({ where: { id: orphan.id } });
    return row.status === "queued" ? row : null;
  });
  expect(rescued.attempts).toBe(2);
  const logs = await db.deploymentLog.findMany({ where: { deploymentId: orphan.id } });
  expect(logs.map((l) => l.message).join("\n")).toMatch(/stopped responding.*Retrying/s);

  await liveness.stop();
  expect(await db.workerHeartbeat.count({ where: { workerId: "live-worker" } })).toBe(0);
});

it("beats at least three times and sweeps at least twice per heartbeat timeout", () => {
  // The minimum timeout (5 s): a heartbeat every 5 s would let a live worker look dead between two beats.
  expect(livenessIntervals(5000)).toEqual({ heartbeatMs: 1666, sweepMs: 2500 });
  expect(livenessIntervals(30_000)).toEqual({ heartbeatMs: 5000, sweepMs: 15_000 });
  expect(livenessIntervals(600_000)).toEqual({ heartbeatMs: 5000, sweepMs: 15_000 });
});

it("removes orphans before each rescue, and a failing removal does not stop the rescue", async () => {
  const db = database.db;
  const user = await db.user.create({ data: { name: "Owner", email: "liveness-orphans@example.com" } });
  const project = await db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug: "app-live02" } });
  const orphan = await db.deployment.create({
    data: {
      userId: user.id,
      projectId: project.id,
      slug: "app-live02-00000001",
      repository: project.repository,
      buildCommand: "npm run build",
      outputDir: "dist",
      status: "building",
      attempts: 1,
      workerId: "worker-that-was-killed-2",
      startedAt: new Date(Date.now() - 120_000),
    },
  });
  const calls: string[] = [];
  const liveness = await startLiveness({
    db,
    log: pino({ level: "silent" }),
    workerId: "live-worker-2",
    heartbeatTimeoutMs: 30_000,
    removeOrphans: async () => {
      const row = await db.deployment.findUniqueOrThrow({ where: { id: orphan.id } });
      calls.push(row.status);
      throw new Error("engine down");
    },
  });
  try {
    await waitFor(async () => (await db.deployment.findUniqueOrThrow({ where: { id: orphan.id } })).status === "queued");
    // The containers were looked for while the deployment was still the dead worker's.
    expect(calls[0]).toBe("building");
  } finally {
    await liveness.stop();
  }
});

it("judges orphans and the rescue by one clock: a heartbeat that goes stale during the engine listing waits for the next sweep", async () => {
  const db = database.db;
  const user = await db.user.create({ data: { name: "Owner", email: "liveness-clock@example.com" } });
  const project = await db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug: "app-live04" } });
  const timeoutMs = 30_000;
  // Stale 300 ms from now: after the sweep starts, before its slow engine listing ends.
  await db.workerHeartbeat.create({ data: { workerId: "worker-going-stale", hostname: "h", pid: 1, lastSeenAt: new Date(Date.now() - timeoutMs + 300) } });
  const building = await db.deployment.create({
    data: {
      userId: user.id,
      projectId: project.id,
      slug: "app-live04-00000001",
      repository: project.repository,
      buildCommand: "npm run build",
      outputDir: "dist",
      status: "building",
      attempts: 1,
      workerId: "worker-going-stale",
      startedAt: new Date(),
    },
  });
  // Its build job, taken by that worker, as graphile-worker holds it.
  await db.$executeRaw`SELECT graphile_worker.add_job('build', json_build_object('deploymentId', ${building.id}::text), job_key := ${`build:${building.id}`})`;
  await db.$executeRaw`UPDATE graphile_worker._private_jobs SET locked_by = 'worker-going-stale', locked_at = now() WHERE key = ${`build:${building.id}`}`;
  const seen: Date[] = [];
  let listed!: () => void;
  const firstListing = new Promise<void>((resolve) => (listed = resolve));
  const liveness = await startLiveness({
    db,
    log: pino({ level: "silent" }),
    workerId: "live-worker-4",
    heartbeatTimeoutMs: timeoutMs,
    removeOrphans: async (now) => {
      seen.push(now);
      await new Promise((resolve) => setTimeout(resolve, 600)); // a slow engine
      listed();
      return [];
    },
  });
  try {
    await firstListing;
    await new Promise((resolve) => setTimeout(resolve, 200)); // the rest of that sweep
    // The orphan finder saw a live worker at `now`; so must the rescue of the same sweep.
    expect((await db.deployment.findUniqueOrThrow({ where: { id: building.id } })).status).toBe("building");
    expect(seen[0]!.getTime()).toBeLessThan(Date.now() - 600);
  } finally {
    await liveness.stop();
  }
});

it("sweeps leftovers on a timer of its own: never twice at once, a failure logged, the rescue never waiting for it", async () => {
  const db = database.db;
  const user = await db.user.create({ data: { name: "Owner", email: "liveness-leftovers@example.com" } });
  const project = await db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug: "app-live03" } });
  const logged: string[] = [];
  const log = pino({ level: "error" }, { write: (line: string) => void logged.push((JSON.parse(line) as { msg: string }).msg) });
  let running = 0;
  let overlapped = false;
  let calls = 0;
  let release!: () => void;
  const stalled = new Promise<void>((resolve) => (release = resolve));
  const liveness = await startLiveness({
    db,
    log,
    workerId: "live-worker-3",
    heartbeatTimeoutMs: 2_000, // a rescue sweep every second
    leftoverSweepMs: 50,
    removeLeftovers: async () => {
      calls += 1;
      overlapped ||= running > 0;
      running += 1;
      try {
        if (calls === 1) throw new Error("bucket unreachable");
        await stalled; // the second sweep hangs on a slow engine
      } finally {
        running -= 1;
      }
    },
  });
  try {
    await waitFor(() => calls >= 2 && logged.includes("leftover sweep failed"), { what: "a failed, then a hanging leftover sweep" });
    // While it hangs, a deployment gets stuck, and is rescued all the same.
    const stuck = await db.deployment.create({
      data: {
        userId: user.id,
        projectId: project.id,
        slug: "app-live03-00000001",
        repository: project.repository,
        buildCommand: "npm run build",
        outputDir: "dist",
        status: "building",
        attempts: 1,
        workerId: "worker-that-was-killed-3",
        startedAt: new Date(Date.now() - 120_000),
      },
    });
    await waitFor(async () => (await db.deployment.findUniqueOrThrow({ where: { id: stuck.id } })).status === "queued", { what: "the rescue" });
    expect(calls).toBe(2); // ticks came and went while the second one hung
    release();
    await waitFor(() => calls >= 3, { what: "the sweep after the hanging one" });
    expect(overlapped).toBe(false);
  } finally {
    release();
    await liveness.stop();
  }
});
