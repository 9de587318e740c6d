import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventBus } from "../events.js";
import { requestCancellation } from "../services/deployments/cancel.js";
import { markBuilding, markDeploying, markFailed, markSucceeded } from "../services/deployments/lifecycle.js";
import { appendLogs } from "../services/deployments/log-writer.js";
import type { DeploymentEvent, StatusSnapshot } from "../services/deployments/event-stream.js";
import type { LogLine } from "../services/deployments/logs.js";
import { attachEventBus, DEPLOYMENT_TEST_ENV, queueDeployment, signUp, type TestUser } from "../testing/deployments.js";
import { createHarness, type Harness } from "../testing/harness.js";

let h: Harness;
let bus: EventBus;
let user: TestUser;

beforeAll(async () => {
  h = await createHarness({ ...DEPLOYMENT_TEST_ENV, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "1000" });
  bus = await attachEventBus(h);
  user = await signUp(h);
});
afterAll(async () => {
  await bus.close();
  await h.close();
});

// tRPC's tracked(id, data) travels as [id, data, marker] through a server-side caller.
type Tracked = readonly [string, LogLine, ...unknown[]];

async function logStream(lastEventId?: string | null) {
  const controller = new AbortController();
  const caller = await user.callerWithSignal(controller.signal);
  const stream = (await caller.deployment.logs({ deploymentId: deploymentIdUnderTest, lastEventId })) as AsyncIterable<Tracked>;
  return { iterator: stream[Symbol.asyncIterator](), abort: () => controller.abort() };
}

let deploymentIdUnderTest = "";

async function next<T>(iterator: AsyncIterator<T>, timeoutMs = 3000): Promise<{ done: boolean; value?: T }> {
  const result = await Promise.race([iterator.next(), sleep(timeoutMs).then(() => Promise.reject(new Error("stream stalled")))]);
  return result.done ? { done: true } : { done: false, value: result.value };
}

const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ level: "info" as const, message: `line ${from + i}` }));

describe("deployment.logs (subscription)", () => {
  it("delivers every line exactly once, in order, across a reconnect with lastEventId", async () => {
    const d = await queueDeployment(h, user.id);
    deploymentIdUnderTest = d.id;
    await markBuilding(h.deps.db, d.id, { workerId: "w" });
    await appendLogs(h.deps.db, d.id, lines(0, 3));

    const first = await logStream();
    const seen: Tracked[] = [];
    for (let i = 0; i < 3; i++) seen.push((await next(first.iterator)).value!);
    // Live: written after the subscriber caught up, delivered through the bus.
    const started = Date.now();
    await appendLogs(h.deps.db, d.id, lines(3, 2));
    for (let i = 0; i < 2; i++) seen.push((await next(first.iterator)).value!);
    expect(Date.now() - started).toBeLessThan(2000);
    // The client drops; lines keep coming while it is away.
    first.abort();
    await first.iterator.return?.();
    await appendLogs(h.deps.db, d.id, lines(5, 3));

    const second = await logStream(seen.at(-1)![0]);
    for (let i = 0; i < 3; i++) seen.push((await next(second.iterator)).value!);
    await appendLogs(h.deps.db, d.id, lines(8, 2));
    await markFailed(h.deps.db, d.id, "exit 1");
    for (let result = await next(second.iterator); !result.done; result = await next(second.iterator)) seen.push(result.value!);

    const stored = await h.deps.db.deploymentLog.findMany({ where: { deploymentId: d.id }, orderBy: { seq: "asc" } });
    expect(seen.map(([id]) => id)).toEqual(stored.map((row) => String(row.seq)));
    expect(seen.map(([, line]) => line.message)).toEqual(lines(0, 10).map((l) => l.message));
    expect(seen[0]![1]).toMatchObject({ level: "info", timestamp: expect.any(String), id: seen[0]![0] });
  });

  it("misses nothing while lines are written concurrently by several writers", async () => {
    const d = await queueDeployment(h, user.id);
    deploymentIdUnderTest = d.id;
    await markBuilding(h.deps.db, d.id, { workerId: "w" });
    const { iterator } = await logStream();
    const received: Tracked[] = [];
    const reader = (async () => {
      for (let result = await next(iterator, 10_000); !result.done; result = await next(iterator, 10_000)) received.push(result.value!);
    })();
    const writer = async (name: string) => {
      for (let batch = 0; batch < 20; batch++) {
        await appendLogs(h.deps.db, d.id, lines(batch * 10, 10).map((l) => ({ ...l, message: `${name} ${l.message}` })));
        if (batch % 5 === 0) await sleep(5);
      }
    };
    await Promise.all([writer("a"), writer("b"), requestCancellation(h.deps.db, d.id)]);
    await markFailed(h.deps.db, d.id, "stopped");
    await reader;
    const stored = await h.deps.db.deploymentLog.findMany({ where: { deploymentId: d.id }, orderBy: { seq: "asc" } });
    expect(stored).toHaveLength(401);
    expect(received.map(([id]) => id)).toEqual(stored.map((row) => String(row.seq)));
  });

  it("is the event stream's lines: it ends after the last line once the deployment is final", async () => {
    const d = await queueDeployment(h, user.id);
    deploymentIdUnderTest = d.id;
    await appendLogs(h.deps.db, d.id, lines(0, 2));
    await markFailed(h.deps.db, d.id, "x");
    const { iterator } = await logStream();
    expect((await next(iterator)).value?.[1]).toEqual({ id: expect.any(String), timestamp: expect.any(String), level: "info", message: "line 0" });
    expect((await next(iterator)).value?.[1].message).toBe("line 1");
    expect((await next(iterator)).done).toBe(true);
  });

  it("stops promptly when the subscriber goes away", async () => {
    const d = await queueDeployment(h, user.id);
    deploymentIdUnderTest = d.id;
    const { iterator, abort } = await logStream();
    const pending = iterator.next();
    await sleep(50);
    const started = Date.now();
    abort();
    expect((await pending).done).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

type TrackedEvent = readonly [string, DeploymentEvent, ...unknown[]];

async function eventStream(deploymentId: string, lastEventId?: string | null) {
  const controller = new AbortController();
  const caller = await user.callerWithSignal(controller.signal);
  const stream = (await caller.deployment.events({ deploymentId, lastEventId })) as AsyncIterable<TrackedEvent>;
  return { iterator: stream[Symbol.asyncIterator](), abort: () => controller.abort() };
}

async function readAll(iterator: AsyncIterator<TrackedEvent>): Promise<TrackedEvent[]> {
  const items: TrackedEvent[] = [];
  for (let result = await next(iterator); !result.done; result = await next(iterator)) items.push(result.value!);
  return items;
}

describe("deployment.events (subscription)", () => {
  it("tracks lines, statuses and the completion by id, in order, and resumes from any id exactly once", async () => {
    const d = await queueDeployment(h, user.id);
    const first = await eventStream(d.id);
    const seen: TrackedEvent[] = [];
    for (let result = await next(first.iterator); ; result = await next(first.iterator)) {
      seen.push(result.value!);
      if (result.value![1].type === "status") break;
    }
    await markBuilding(h.deps.db, d.id, { workerId: "w" });
    await appendLogs(h.deps.db, d.id, lines(0, 3));
    await markDeploying(h.deps.db, d.id);
    for (let result = await next(first.iterator); ; result = await next(first.iterator)) {
      seen.push(result.value!);
      if (result.value![1].type === "status" && result.value![1].status === "deploying") break;
    }
    // The client drops right after a status; a line and the end come while it is away.
    first.abort();
    await first.iterator.return?.();
    await appendLogs(h.deps.db, d.id, lines(3, 1));
    await markSucceeded(h.deps.db, h.deps.env, d.id, { artifactKey: "k", bytes: 1, files: 1 });

    const rest = await readAll((await eventStream(d.id, seen.at(-1)![0])).iterator);
    const all = [...seen, ...rest];
    const stored = await h.deps.db.deploymentLog.findMany({ where: { deploymentId: d.id }, orderBy: { seq: "asc" } });
    expect(all.filter(([, event]) => event.type === "log").map(([id]) => id)).toEqual(stored.map((row) => String(row.seq)));
    const statuses = all.filter(([, event]) => event.type === "status").map(([, event]) => (event as StatusSnapshot).status);
    expect(statuses[0]).toBe("queued");
    expect(statuses.slice(-2)).toEqual(["deploying", "success"]);
    expect(new Set(statuses).size).toBe(statuses.length);
    expect(all.at(-1)![1]).toMatchObject({ type: "complete", status: "success", url: expect.any(String) });
    // The three lines of the building stage come before the status that ends it.
    const deploying = all.findIndex(([, event]) => event.type === "status" && event.status === "deploying");
    expect(all.slice(0, deploying).filter(([, event]) => event.type === "log")).toHaveLength(3);

    // From every id of the finished deployment: exactly what followed it in the replay from the start.
    const replay = await readAll((await eventStream(d.id)).iterator);
    for (let i = 0; i < replay.length; i++) {
      const resumed = await readAll((await eventStream(d.id, replay[i]![0])).iterator);
      expect(resumed.map(([id, event]) => [id, event]), `after ${replay[i]![0]}`).toEqual(replay.slice(i + 1).map(([id, event]) => [id, event]));
    }
  });

  it("is DEPLOYMENT_NOT_FOUND for another user's deployment and 422 for an id it never emitted", async () => {
    const d = await queueDeployment(h, user.id);
    const stranger = await signUp(h, "Stranger");
    await expect(stranger.caller.deployment.events({ deploymentId: d.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      cause: { code: "DEPLOYMENT_NOT_FOUND", statusCode: 404 },
    });
    for (const lastEventId of ["abc", "12-s0", "9223372036854775808"]) {
      await expect(user.caller.deployment.events({ deploymentId: d.id, lastEventId }), lastEventId).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });
});

describe("deployment.status", () => {
  it("yields the current status at once, then each change, and ends at the final status", async () => {
    const d = await queueDeployment(h, user.id);
    const controller = new AbortController();
    const caller = await user.callerWithSignal(controller.signal);
    const stream = ((await caller.deployment.status({ deploymentId: d.id })) as AsyncIterable<StatusSnapshot>)[Symbol.asyncIterator]();
    const first = await next(stream);
    expect(first.value).toMatchObject({ deploymentId: d.id, status: "queued", stage: "Queued", url: null, cancelRequested: false });
    expect(first.value!.stages.map((s) => s.name)).toEqual(["Queued", "Building", "Deploying"]);

    const seen = [first.value!];
    const reader = (async () => {
      for (let result = await next(stream); !result.done; result = await next(stream)) seen.push(result.value!);
    })();
    await markBuilding(h.deps.db, d.id, { workerId: "w" });
    await sleep(100);
    await markDeploying(h.deps.db, d.id);
    await sleep(100);
    await markSucceeded(h.deps.db, h.deps.env, d.id, { artifactKey: "k", bytes: 1, files: 1 });
    await reader;

    const statuses = seen.map((s) => s.status);
    expect(statuses[0]).toBe("queued");
    expect(statuses.at(-1)).toBe("success");
    // States may coalesce, but never go backwards or repeat.
    const order = ["queued", "building", "deploying", "success"];
    expect(statuses.map((s) => order.indexOf(s))).toEqual([...new Set(statuses.map((s) => order.indexOf(s)))].sort());
    expect(seen.at(-1)).toMatchObject({ stage: "Success", url: expect.stringMatching(/^http:\/\/.+\.localhost:3000$/), duration: expect.any(String) });
  });

  it("ends at once for a deployment that has already finished", async () => {
    const d = await queueDeployment(h, user.id);
    await markFailed(h.deps.db, d.id, "boom");
    const stream = (await user.caller.deployment.status({ deploymentId: d.id }))[Symbol.asyncIterator]();
    expect((await next(stream)).value).toMatchObject({ status: "failed", stage: "Failed", errorMessage: "boom" });
    expect((await next(stream)).done).toBe(true);
  });
});
