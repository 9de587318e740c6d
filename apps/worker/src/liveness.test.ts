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
