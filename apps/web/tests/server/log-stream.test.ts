import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { appendLogs, markBuilding, markDeploying, markSucceeded, siteUrl } from "@autostack/api/services";
import { call, signUp, startTestServer, type ErrorBody, type TestServer } from "./harness.js";

// The spec's raw WebSocket: WS /api/deployments/:id/logs/stream?token=<jwt>.
// The worker's side is played by the same services the worker calls. Events
// are compared whole (toEqual), so a field the spec does not show fails.

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

/** A connected client: every event in arrival order, a way to wait for one, and the close. */
function connect(url: string) {
  const events: Event[] = [];
  const waiting = new Set<() => void>();
  const ws = new WebSocket(url);
  ws.on("open", () => ws.send(JSON.stringify({ type: "subscribe" })));
  ws.on("message", (data) => {
    events.push(JSON.parse(String(data)) as Event);
    for (const check of waiting) check();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve, reject) => {
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason) }));
    ws.on("error", reject);
  });
  return {
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

function rejection(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("unexpected-response", (_req, res) => {
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
const log = (level: string, message: string) => ({ type: "log", timestamp: expect.stringMatching(TIMESTAMP), level, message });
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
