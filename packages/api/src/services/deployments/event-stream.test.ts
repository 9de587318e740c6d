import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@autostack/db";
import type { EventBus } from "../../events.js";
import { attachEventBus, DEPLOYMENT_TEST_ENV, queueDeployment, signUp } from "../../testing/deployments.js";
import { createHarness, type Harness } from "../../testing/harness.js";
import { requestCancellation } from "./cancel.js";
import { openDeploymentEvents, type DeploymentStreamItem, type StreamOptions } from "./event-stream.js";
import { markBuilding, markDeploying, markFailed, markSucceeded } from "./lifecycle.js";
import { appendLogs } from "./log-writer.js";
import { removeDeployment } from "./remove.js";

let h: Harness;
let bus: EventBus;
let userId: string;
let strangerId: string;

beforeAll(async () => {
  h = await createHarness({ ...DEPLOYMENT_TEST_ENV, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "1000" });
  bus = await attachEventBus(h);
  userId = (await signUp(h)).id;
  strangerId = (await signUp(h, "Stranger")).id;
});
afterAll(async () => {
  await bus.close();
  await h.close();
});

const artifact = { artifactKey: "k", bytes: 1, files: 1 };
const lines = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ level: "info" as const, message: `${prefix} ${i}` }));

function open(deploymentId: string, lastEventId: string | null = null, options: StreamOptions = {}) {
  return openDeploymentEvents(h.deps, userId, { deploymentId, lastEventId }, options);
}

async function next(stream: AsyncIterator<DeploymentStreamItem>, timeoutMs = 5000): Promise<DeploymentStreamItem | null> {
  const result = await Promise.race([stream.next(), sleep(timeoutMs).then(() => Promise.reject(new Error("stream stalled")))]);
  return result.done ? null : result.value;
}

async function readAll(stream: AsyncIterator<DeploymentStreamItem>, into: DeploymentStreamItem[] = []): Promise<DeploymentStreamItem[]> {
  for (let item = await next(stream); item; item = await next(stream)) into.push(item);
  return into;
}

/** Reads until `stop` matches an item (included); the stream stays open. */
async function readUntil(stream: AsyncIterator<DeploymentStreamItem>, stop: (item: DeploymentStreamItem) => boolean, into: DeploymentStreamItem[] = []) {
  for (let item = await next(stream); item; item = await next(stream)) {
    into.push(item);
    if (stop(item)) return into;
  }
  throw new Error("the stream ended first");
}

const storedSeqs = async (deploymentId: string) =>
  (await h.deps.db.deploymentLog.findMany({ where: { deploymentId }, orderBy: { seq: "asc" }, select: { seq: true } })).map((row) => String(row.seq));
const logIds = (items: DeploymentStreamItem[]) => items.filter((item) => item.event.type === "log").map((item) => item.id);
const kinds = (items: DeploymentStreamItem[]) => items.map(({ event }) => (event.type === "log" ? "log" : event.type === "status" ? `status:${event.status}` : "complete"));

describe("one ordered event stream per deployment", () => {
  it("sends each status after every line stored before it, every line once in seq order, and complete last", async () => {
    const { id } = await queueDeployment(h, userId);
    const stream = await open(id);
    const received: DeploymentStreamItem[] = [];
    const reader = readAll(stream, received);

    // The last line written before each transition: its status must come after it.
    const before: Record<string, string> = {};
    const phase = async (name: string, transition: () => Promise<unknown>) => {
      for (let batch = 0; batch < 5; batch++) before[name] = (await appendLogs(h.deps.db, id, lines(`${name} ${batch}`, 40)))!.lastSeq;
      await transition();
    };
    await phase("building", () => markBuilding(h.deps.db, id, { workerId: "w" }));
    await phase("deploying", () => markDeploying(h.deps.db, id));
    await phase("success", () => markSucceeded(h.deps.db, h.deps.env, id, artifact));
    await reader;

    expect(logIds(received)).toEqual(await storedSeqs(id));
    expect(received.map((item) => (item.event.type === "log" ? item.event.id : item.id))).toEqual(received.map((item) => item.id));
    // States may coalesce (a status the reader never saw is not sent), but each one sent comes after its lines.
    expect(received.some(({ event }) => event.type === "status" && event.status === "success")).toBe(true);
    for (const [status, lastSeq] of Object.entries(before)) {
      const at = received.findIndex(({ event }) => event.type === "status" && event.status === status);
      if (at < 0) continue;
      const line = received.findIndex((item) => item.id === lastSeq);
      expect(at, `status ${status}`).toBeGreaterThan(line);
      // Its id says which lines came before it.
      expect(received[at]!.id).toMatch(new RegExp(`^${received.slice(0, at).filter((item) => item.event.type === "log").at(-1)!.id}-s[0-9a-f]{12}$`));
    }
    // The current status first (queued), no status twice, complete once and last.
    const statuses = kinds(received).filter((kind) => kind !== "log");
    expect(statuses[0]).toBe("status:queued");
    expect(statuses.at(-2)).toBe("status:success");
    expect(new Set(statuses).size, statuses.join(" ")).toBe(statuses.length);
    expect(received.at(-1)).toMatchObject({ id: expect.stringMatching(/^\d+-c[0-9a-f]{12}$/), event: { type: "complete", status: "success", url: expect.any(String) } });
  });

  it("keeps a line that commits, with the final status, while the stream reads lines: the line, then the status, then complete", async () => {
    const { id } = await queueDeployment(h, userId);
    await markBuilding(h.deps.db, id, { workerId: "w" });
    // The stream's first read of lines is answered only after a line and the
    // final status were committed: exactly the window between its two reads.
    let armed = true;
    const late = async () => {
      if (!armed) return;
      armed = false;
      await appendLogs(h.deps.db, id, [{ level: "info", message: "late" }]);
      await markFailed(h.deps.db, id, "exit 1");
    };
    const realLog = h.deps.db.deploymentLog;
    const deploymentLog = new Proxy(realLog, {
      get: (target, key) =>
        key === "findMany"
          ? async (args: Parameters<typeof realLog.findMany>[0]) => {
              const rows = await target.findMany(args);
              await late();
              return rows;
            }
          : (Reflect.get(target, key) as unknown),
    });
    const db = new Proxy(h.deps.db, {
      get: (target, key) => {
        if (key === "deploymentLog") return deploymentLog;
        const value = Reflect.get(target, key) as unknown;
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as Database;
    const received = await readAll(await openDeploymentEvents({ ...h.deps, db }, userId, { deploymentId: id }));
    expect(received.map(({ event }) => (event.type === "log" ? event.message : event.type === "status" ? event.status : event.type))).toEqual([
      "building",
      "late",
      "failed",
      "complete",
    ]);
  });

  it("puts the cancellation's own line before the status update that shows it", async () => {
    const { id } = await queueDeployment(h, userId);
    await markBuilding(h.deps.db, id, { workerId: "w" });
    const stream = await open(id);
    const received = await readUntil(stream, ({ event }) => event.type === "status");
    await requestCancellation(h.deps.db, id);
    await readUntil(stream, ({ event }) => event.type === "status" && event.cancelRequested, received);
    expect(received.at(-2)!.event).toMatchObject({ type: "log", level: "warning", message: "Cancellation requested; stopping the build" });
    await stream.return(undefined);
  });

  it("replays exactly the events after any id it emitted, once", async () => {
    const { id } = await queueDeployment(h, userId);
    await markBuilding(h.deps.db, id, { workerId: "w" });
    await appendLogs(h.deps.db, id, lines("build", 3));
    await markDeploying(h.deps.db, id);
    await appendLogs(h.deps.db, id, lines("deploy", 2));
    await markFailed(h.deps.db, id, "exit 1");
    const all = await readAll(await open(id));
    expect(kinds(all)).toEqual(["log", "log", "log", "log", "log", "status:failed", "complete"]);
    for (let i = 0; i < all.length; i++) {
      expect(await readAll(await open(id, all[i]!.id)), `after ${all[i]!.id}`).toEqual(all.slice(i + 1));
    }
  });

  it("resumes live from a log id: no line twice, none missing", async () => {
    const { id } = await queueDeployment(h, userId);
    await markBuilding(h.deps.db, id, { workerId: "w" });
    await appendLogs(h.deps.db, id, lines("first", 4));
    const first = await open(id);
    const seen = await readUntil(first, ({ event }) => event.type === "status");
    await appendLogs(h.deps.db, id, lines("live", 2));
    await readUntil(first, (item) => item.event.type === "log" && item.event.message === "live 1", seen);
    await first.return(undefined);

    await appendLogs(h.deps.db, id, lines("away", 3));
    const second = await open(id, seen.at(-1)!.id);
    const resumed = await readUntil(second, ({ event }) => event.type === "status");
    // A log id says nothing about the status the client holds: the current one comes again, after the missed lines.
    expect(kinds(resumed)).toEqual(["log", "log", "log", "status:building"]);
    await appendLogs(h.deps.db, id, lines("end", 2));
    await markSucceeded(h.deps.db, h.deps.env, id, artifact);
    await readAll(second, resumed);

    expect([...logIds(seen), ...logIds(resumed)]).toEqual(await storedSeqs(id));
  });

  it("resumes live from a status id without sending that status again", async () => {
    const { id } = await queueDeployment(h, userId);
    await markBuilding(h.deps.db, id, { workerId: "w" });
    await appendLogs(h.deps.db, id, lines("build", 2));
    const first = await open(id);
    const seen = await readUntil(first, ({ event }) => event.type === "status");
    await first.return(undefined);

    await appendLogs(h.deps.db, id, lines("away", 2));
    const second = await open(id, seen.at(-1)!.id);
    const resumed = await readUntil(second, (item) => item.event.type === "log" && item.event.message === "away 1");
    await markDeploying(h.deps.db, id);
    await readUntil(second, ({ event }) => event.type === "status", resumed);
    await markSucceeded(h.deps.db, h.deps.env, id, artifact);
    await readAll(second, resumed);

    expect(kinds([...seen, ...resumed])).toEqual(["log", "log", "status:building", "log", "log", "status:deploying", "status:success", "complete"]);
    expect([...logIds(seen), ...logIds(resumed)]).toEqual(await storedSeqs(id));
    // After the completion nothing is left.
    expect(await readAll(await open(id, resumed.at(-1)!.id))).toEqual([]);
  });

  it("ends without complete when the deployment is deleted", async () => {
    const { id } = await queueDeployment(h, userId);
    await markBuilding(h.deps.db, id, { workerId: "w" });
    const stream = await open(id);
    const received = await readUntil(stream, ({ event }) => event.type === "status");
    await removeDeployment(h.deps, userId, id);
    await readAll(stream, received);
    expect(received.some(({ event }) => event.type === "complete")).toBe(false);
  });

  it("checks ownership once, before anything is read: another user's or a missing deployment is DEPLOYMENT_NOT_FOUND", async () => {
    const { id } = await queueDeployment(h, userId);
    const notFound = { statusCode: 404, code: "DEPLOYMENT_NOT_FOUND", message: `Deployment with ID '${id}' not found` };
    await expect(openDeploymentEvents(h.deps, strangerId, { deploymentId: id })).rejects.toMatchObject(notFound);
    await removeDeployment(h.deps, userId, id);
    await expect(open(id)).rejects.toMatchObject(notFound);
  });

  it("refuses a lastEventId it could not have emitted", async () => {
    const { id } = await queueDeployment(h, userId);
    for (const bad of ["abc", "-1", "12-x0123456789ab", "12-s0123", "9223372036854775808", ""]) {
      await expect(open(id, bad), bad).rejects.toMatchObject({ statusCode: 422, details: { fields: { lastEventId: expect.any(String) } } });
    }
    // The largest seq PostgreSQL can hold is fine (and nothing follows it).
    await markFailed(h.deps.db, id, "x");
    expect(kinds(await readAll(await open(id, "9223372036854775807")))).toEqual(["status:failed", "complete"]);
  });

  it("polls the database when the process has no event bus; logs: false reads statuses only", async () => {
    const { id } = await queueDeployment(h, userId);
    await appendLogs(h.deps.db, id, lines("line", 2));
    const noBus = { db: h.deps.db, env: h.deps.env };
    const stream = await openDeploymentEvents(noBus, userId, { deploymentId: id }, { pollMs: 50 });
    const statuses = readAll(await openDeploymentEvents(noBus, userId, { deploymentId: id }, { pollMs: 50, logs: false }));
    expect(kinds(await readUntil(stream, ({ event }) => event.type === "status"))).toEqual(["log", "log", "status:queued"]);
    await markBuilding(h.deps.db, id, { workerId: "w" });
    await appendLogs(h.deps.db, id, lines("more", 1));
    // The line was stored before the stream read the new status: it comes first.
    expect(kinds(await readUntil(stream, ({ event }) => event.type === "status"))).toEqual(["log", "status:building"]);
    await markFailed(h.deps.db, id, "x");
    expect(kinds(await readAll(stream))).toEqual(["status:failed", "complete"]);
    // States, read from the start: the first and the last for sure, no line at all.
    const seen = kinds(await statuses);
    expect(seen[0]).toBe("status:queued");
    expect(seen.slice(-2)).toEqual(["status:failed", "complete"]);
    expect(seen.every((kind) => kind !== "log")).toBe(true);
  });

  it("notices a status change that no event announced while lines keep coming", async () => {
    const { id } = await queueDeployment(h, userId);
    await markBuilding(h.deps.db, id, { workerId: "w" });
    const stream = await open(id, null, { pollMs: 200 });
    await readUntil(stream, ({ event }) => event.type === "status");
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        await appendLogs(h.deps.db, id, lines(`tick ${i}`, 1));
        await sleep(20);
      }
    })();
    // Behind the bus's back: as if its NOTIFY had been lost.
    await h.deps.db.deployment.update({ where: { id }, data: { status: "deploying" } });
    const started = Date.now();
    await readUntil(stream, ({ event }) => event.type === "status" && event.status === "deploying");
    expect(Date.now() - started).toBeLessThan(2000);
    writing = false;
    await writer;
    await stream.return(undefined);
  });

  it("stops promptly when the signal aborts", async () => {
    const { id } = await queueDeployment(h, userId);
    const controller = new AbortController();
    const stream = await open(id, null, { signal: controller.signal });
    await next(stream);
    const pending = stream.next();
    await sleep(50);
    const started = Date.now();
    controller.abort();
    expect((await pending).done).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
