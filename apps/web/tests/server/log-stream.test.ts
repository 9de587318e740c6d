import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { appendLogs, markBuilding, markDeploying, markFailed, markSucceeded, siteUrl } from "@autostack/api/services";
import { SUBSCRIBE_WINDOW_MS } from "../../server/deployment-log-stream.js";
import { call, signUp, startTestServer, type ErrorBody, type TestServer } from "./harness.js";

// The spec's raw WebSocket: WS /api/deployments/:id/logs/stream?token=<jwt>.
// The worker's side is played by the same services the worker calls. Events
// are compared whole (toEqual), so a field the spec does not show fails (log
// events carry their line id besides the spec's fields).

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function createDeployment(userId: string, suffix: string) {
  const db = server.deps.db;
  const project = await db.project.create({
    data: { userId, name: `app-${suffix}`, repository: `https://example.com/app-${suffix}.git`, slug: `app-${suffix}` },
  });
  return db.deployment.create({
    data: { userId, projectId: project.id, slug: `app-${suffix}-0001`, repository: project.repository, buildCommand: "npm run build", outputDir: "dist" },
  });
}

function wsUrl(id: string, query: string): string {
  return `${server.url.replace("http", "ws")}/api/deployments/${id}/logs/stream?${query}`;
}

type Event = Record<string, unknown>;

/**
 * A connected client: every event in arrival order, a way to wait for one, and
 * the close. On open it sends `first` (the spec's subscribe message by default; null: nothing).
 */
function connect(url: string, first: Event | null = { type: "subscribe" }) {
  const events: Event[] = [];
  const waiting = new Set<() => void>();
  const ws = new WebSocket(url);
  ws.on("open", () => {
    if (first) ws.send(JSON.stringify(first));
  });
  ws.on("message", (data) => {
    events.push(JSON.parse(String(data)) as Event);
    for (const check of waiting) check();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve, reject) => {
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) }));
    ws.on("error", reject);
  });
  return {
    ws,
    events,
    closed,
    /** Resolves once an event matching `expected` (a partial) has arrived. */
    waitFor(expected: Event): Promise<void> {
      const matches = () => events.some((e) => Object.entries(expected).every(([k, v]) => e[k] === v));
      return new Promise((resolve) => {
        const check = () => {
          if (!matches()) return;
          waiting.delete(check);
          resolve();
        };
        waiting.add(check);
        check();
      });
    },
  };
}

function rejection(url: string, onHeaders?: (headers: Record<string, unknown>) => void): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("unexpected-response", (_req, res) => {
      onHeaders?.(res.headers);
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    ws.on("open", () => reject(new Error("connection was accepted")));
    ws.on("error", () => undefined);
  });
}

// The spec's example is "2025-01-20T10:30:15Z"; the server adds milliseconds (still ISO 8601, UTC).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const log = (level: string, message: string) => ({ type: "log", timestamp: expect.stringMatching(TIMESTAMP), level, message, id: expect.stringMatching(/^\d+$/) });
const storedIds = async (deploymentId: string) =>
  (await server.deps.db.deploymentLog.findMany({ where: { deploymentId }, orderBy: { seq: "asc" }, select: { seq: true } })).map((row) => String(row.seq));
const logIds = (events: Event[]) => events.filter((e) => e.type === "log").map((e) => e.id);
const status = (status: string, stage: string) => ({ type: "status_update", status, stage });

describe("raw log stream", () => {
  it("sends the backlog, then each status after the lines written before it, and deployment_complete last, then closes", async () => {
    const owner = await signUp(server, "Owner");
    const deployment = await createDeployment(owner.user.id, "stream1");
    const db = server.deps.db;
    await markBuilding(db, deployment.id, { workerId: "test-worker" });
    await appendLogs(db, deployment.id, [
      { level: "info", message: "Cloning repository" },
      { level: "warning", message: "npm WARN deprecated" },
    ]);

    const client = connect(wsUrl(deployment.id, `token=${owner.accessToken}`));
    await client.waitFor({ type: "status_update", status: "building" });
    // Each line is committed before the status change that follows it.
    await appendLogs(db, deployment.id, [{ level: "info", message: "\u001b[32mBuild finished\u001b[0m" }]);
    await markDeploying(db, deployment.id);
    await client.waitFor({ type: "status_update", status: "deploying" });
    await appendLogs(db, deployment.id, [{ level: "info", message: "Uploading artifact" }]);
    // A build of 2m 34s, as in the spec's example.
    await db.deployment.update({ where: { id: deployment.id }, data: { startedAt: new Date(Date.now() - 154_000) } });
    await markSucceeded(db, server.deps.env, deployment.id, { artifactKey: deployment.id, bytes: 10, files: 1 });

    expect(await client.closed).toEqual({ code: 1000, reason: "deployment complete" });
    const { buildDuration } = await db.deployment.findUniqueOrThrow({ where: { id: deployment.id }, select: { buildDuration: true } });
    expect(buildDuration).toBeGreaterThanOrEqual(154);
    expect(buildDuration).toBeLessThan(160);
    const detail = await call<{ url: string }>(server, "GET", `/api/deployments/${deployment.id}`, { token: owner.accessToken });
    expect(detail.body.url).toBe(siteUrl(server.deps.env, "app-stream1-0001"));
    expect(client.events).toEqual([
      log("info", "Cloning repository"),
      log("warning", "npm WARN deprecated"),
      status("building", "Building"),
      log("info", "\u001b[32mBuild finished\u001b[0m"),
      status("deploying", "Deploying"),
      log("info", "Uploading artifact"),
      status("success", "Success"),
      { type: "deployment_complete", status: "success", duration: `2m ${buildDuration! - 120}s`, url: detail.body.url },
    ]);
    // A log event's id is its line's id, as GET /api/deployments/:id/logs shows it.
    const page = await call<{ logs: { id: string }[] }>(server, "GET", `/api/deployments/${deployment.id}/logs`, { token: owner.accessToken });
    expect(logIds(client.events)).toEqual(page.body.logs.map((l) => l.id));
    expect(logIds(client.events)).toEqual(await storedIds(deployment.id));
  }, 30_000);

  it("resumes after lastEventId (a line id from GET /logs) without repeating lines", async () => {
    const owner = await signUp(server, "Resumer");
    const deployment = await createDeployment(owner.user.id, "stream2");
    const db = server.deps.db;
    await markBuilding(db, deployment.id, { workerId: "test-worker" });
    await appendLogs(db, deployment.id, [{ level: "info", message: "one" }, { level: "info", message: "two" }]);
    await appendLogs(db, deployment.id, [{ level: "info", message: "three" }]);
    await markDeploying(db, deployment.id);
    await markSucceeded(db, server.deps.env, deployment.id, { artifactKey: deployment.id, bytes: 1, files: 1 });
    const page = await call<{ logs: { id: string; message: string }[] }>(server, "GET", `/api/deployments/${deployment.id}/logs?limit=2`, { token: owner.accessToken });
    expect(page.body.logs.map((l) => l.message)).toEqual(["one", "two"]);

    const client = connect(wsUrl(deployment.id, `token=${owner.accessToken}&lastEventId=${page.body.logs[1]!.id}`));
    expect(await client.closed).toEqual({ code: 1000, reason: "deployment complete" });
    expect(client.events).toEqual([
      log("info", "three"),
      status("success", "Success"),
      { type: "deployment_complete", status: "success", duration: expect.stringMatching(/^\d+s$/), url: siteUrl(server.deps.env, "app-stream2-0001") },
    ]);
  }, 30_000);

  it("resumes a dropped connection from its last log id, by the query or by the subscribe message: no line twice, none missing", async () => {
    const owner = await signUp(server, "Reconnecter");
    const deployment = await createDeployment(owner.user.id, "stream5");
    const db = server.deps.db;
    const write = (...messages: string[]) => appendLogs(db, deployment.id, messages.map((message) => ({ level: "info" as const, message })));
    await markBuilding(db, deployment.id, { workerId: "test-worker" });
    await write("a0", "a1");

    const first = connect(wsUrl(deployment.id, `token=${owner.accessToken}`));
    await first.waitFor({ type: "status_update" });
    await write("b0", "b1");
    await first.waitFor({ message: "b1" });
    first.ws.close();
    await first.closed;
    await write("c0", "c1", "c2");

    // By the query.
    const second = connect(wsUrl(deployment.id, `token=${owner.accessToken}&lastEventId=${logIds(first.events).at(-1)}`));
    await second.waitFor({ message: "c2" });
    await write("d0");
    await second.waitFor({ message: "d0" });
    second.ws.close();
    await second.closed;
    await write("e0");

    // By the first message, which wins over an older id in the query.
    const third = connect(wsUrl(deployment.id, `token=${owner.accessToken}&lastEventId=${logIds(first.events)[0]}`), {
      type: "subscribe",
      deploymentId: deployment.id,
      lastEventId: logIds(second.events).at(-1),
    });
    await third.waitFor({ message: "e0" });
    await markDeploying(db, deployment.id);
    await markSucceeded(db, server.deps.env, deployment.id, { artifactKey: deployment.id, bytes: 1, files: 1 });
    expect(await third.closed).toEqual({ code: 1000, reason: "deployment complete" });

    expect([...logIds(first.events), ...logIds(second.events), ...logIds(third.events)]).toEqual(await storedIds(deployment.id));
    // After the missed lines, the current status again (the client's last event was a line: it may not have had it).
    expect(second.events.slice(0, 4)).toEqual([log("info", "c0"), log("info", "c1"), log("info", "c2"), status("building", "Building")]);
    expect(third.events).toEqual([
      log("info", "e0"),
      status("building", "Building"),
      ...third.events.slice(2, -2).map(() => status("deploying", "Deploying")),
      status("success", "Success"),
      { type: "deployment_complete", status: "success", duration: expect.any(String), url: siteUrl(server.deps.env, "app-stream5-0001") },
    ]);
  }, 30_000);

  it("streams to a client that sends no message once the subscribe window has passed", async () => {
    const owner = await signUp(server, "Silent");
    const deployment = await createDeployment(owner.user.id, "stream6");
    await appendLogs(server.deps.db, deployment.id, [{ level: "error", message: "boom" }]);
    await markFailed(server.deps.db, deployment.id, "boom");
    const started = Date.now();
    const client = connect(wsUrl(deployment.id, `token=${owner.accessToken}`), null);
    await client.waitFor({ type: "log" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(SUBSCRIBE_WINDOW_MS - 20);
    expect(await client.closed).toEqual({ code: 1000, reason: "deployment complete" });
    expect(client.events).toEqual([
      log("error", "boom"),
      status("failed", "Failed"),
      { type: "deployment_complete", status: "failed", duration: null, url: null },
    ]);
  }, 30_000);

  it("closes with 1008 and the reason when the subscribe message's lastEventId is not an event id", async () => {
    const owner = await signUp(server, "Malformed");
    const deployment = await createDeployment(owner.user.id, "stream7");
    await appendLogs(server.deps.db, deployment.id, [{ level: "info", message: "not for this client" }]);
    for (const lastEventId of ["abc", 42, "9223372036854775808"]) {
      const client = connect(wsUrl(deployment.id, `token=${owner.accessToken}`), { type: "subscribe", lastEventId });
      const closed = await client.closed;
      expect(closed.code, String(lastEventId)).toBe(1008);
      expect(closed.reason).toMatch(/^Invalid lastEventId: ./);
      expect(client.events).toEqual([]);
    }
  }, 30_000);

  it("counts each stream against the user's API rate limit, like any procedure: 429 with Retry-After past it", async () => {
    const limited = await startTestServer({ database: server.database, env: { RATE_LIMIT_API_PER_MINUTE: "2" } });
    try {
      // Fixed one-minute windows: a burst across a window's end would be split in two.
      const left = 60_000 - (Date.now() % 60_000);
      if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
      const owner = await signUp(limited, "Limited");
      const deployment = await createDeployment(owner.user.id, "stream8");
      await markFailed(server.deps.db, deployment.id, "x");
      const url = `${limited.url.replace("http", "ws")}/api/deployments/${deployment.id}/logs/stream?token=${owner.accessToken}`;
      for (let i = 0; i < 2; i++) expect((await connect(url).closed).code).toBe(1000);
      let retryAfter: unknown;
      const refused = await rejection(url, (headers) => (retryAfter = headers["retry-after"]));
      expect(refused).toMatchObject({ status: 429, body: { error: { code: "RATE_LIMIT_EXCEEDED", statusCode: 429 } } });
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect((refused.body as ErrorBody).error.details.retryAfter).toBe(Number(retryAfter));
    } finally {
      await limited.close();
    }
  }, 30_000);

  it("closes without deployment_complete when the deployment is deleted while streaming", async () => {
    const owner = await signUp(server, "Deleter");
    const deployment = await createDeployment(owner.user.id, "stream4");
    const db = server.deps.db;
    await markBuilding(db, deployment.id, { workerId: "test-worker" });
    await appendLogs(db, deployment.id, [{ level: "info", message: "Installing dependencies" }]);
    const client = connect(wsUrl(deployment.id, `token=${owner.accessToken}`));
    await client.waitFor({ type: "status_update", status: "building" });

    const deleted = await call(server, "DELETE", `/api/deployments/${deployment.id}`, { token: owner.accessToken });
    expect(deleted.status).toBe(200);

    expect(await client.closed).toEqual({ code: 1000, reason: "deployment deleted" });
    expect(client.events.slice(0, 2)).toEqual([log("info", "Installing dependencies"), status("building", "Building")]);
    // Whatever else arrived before the row was gone (the cancel request's line) is no completion.
    for (const event of client.events.slice(2)) expect(event).toEqual(log("warning", expect.any(String)));
  }, 30_000);

  it("refuses a missing or forged token, a bad lastEventId and another user's deployment, in the spec's envelope", async () => {
    const owner = await signUp(server, "Owner3");
    const stranger = await signUp(server, "Stranger");
    const deployment = await createDeployment(owner.user.id, "stream3");
    const unauthorized: ErrorBody = { error: { code: "UNAUTHORIZED", message: "Authentication required", statusCode: 401, details: {} } };
    expect(await rejection(wsUrl(deployment.id, ""))).toEqual({ status: 401, body: unauthorized });
    expect(await rejection(wsUrl(deployment.id, "token=not-a-jwt"))).toEqual({ status: 401, body: unauthorized });
    expect(await rejection(wsUrl(deployment.id, `token=${owner.accessToken}&lastEventId=abc`))).toMatchObject({
      status: 422,
      body: { error: { code: "VALIDATION_ERROR", statusCode: 422 } },
    });
    const notFound = (id: string) => ({
      status: 404,
      body: { error: { code: "DEPLOYMENT_NOT_FOUND", message: `Deployment with ID '${id}' not found`, statusCode: 404, details: {} } },
    });
    expect(await rejection(wsUrl(deployment.id, `token=${stranger.accessToken}`))).toEqual(notFound(deployment.id));
    const missing = "00000000-0000-0000-0000-000000000000";
    expect(await rejection(wsUrl(missing, `token=${owner.accessToken}`))).toEqual(notFound(missing));
  }, 30_000);
});
