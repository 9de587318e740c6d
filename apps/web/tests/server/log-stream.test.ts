import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { appendLogs, markBuilding, markDeploying, markSucceeded } from "@autostack/api/services";
import { signUp, startTestServer, type TestServer } from "./harness.js";

// The spec's raw WebSocket: WS /api/deployments/:id/logs/stream?token=<jwt>.
// The worker's side is played by the same services the worker calls.

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

function collect(url: string): Promise<{ events: Record<string, unknown>[]; closeCode: number }> {
  return new Promise((resolve, reject) => {
    const events: Record<string, unknown>[] = [];
    const ws = new WebSocket(url);
    ws.on("open", () => ws.send(JSON.stringify({ type: "subscribe" })));
    ws.on("message", (data) => events.push(JSON.parse(String(data)) as Record<string, unknown>));
    ws.on("close", (code) => resolve({ events, closeCode: code }));
    ws.on("error", reject);
  });
}

function rejection(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("open", () => reject(new Error("connection was accepted")));
    ws.on("error", () => undefined);
  });
}

describe("raw log stream", () => {
  it("sends the backlog, live lines, status updates and deployment_complete in order, then closes", async () => {
    const owner = await signUp(server, "Owner");
    const deployment = await createDeployment(owner.user.id, "stream1");
    const db = server.deps.db;
    await markBuilding(db, deployment.id, { workerId: "test-worker" });
    await appendLogs(db, deployment.id, [
      { level: "info", message: "Cloning repository" },
      { level: "warning", message: "npm WARN deprecated" },
    ]);

    const done = collect(wsUrl(deployment.id, `token=${owner.accessToken}`));
    await new Promise((r) => setTimeout(r, 300));
    await appendLogs(db, deployment.id, [{ level: "info", message: "\u001b[32mBuild finished\u001b[0m" }]);
    await markDeploying(db, deployment.id);
    await markSucceeded(db, server.deps.env, deployment.id, { artifactKey: deployment.id, bytes: 10, files: 1 });

    const { events, closeCode } = await done;
    expect(closeCode).toBe(1000);
    const logs = events.filter((e) => e.type === "log");
    expect(logs.map((e) => e.message)).toEqual(["Cloning repository", "npm WARN deprecated", "\u001b[32mBuild finished\u001b[0m"]);
    expect(logs[1]).toMatchObject({ level: "warning" });
    expect(typeof logs[0]!.timestamp).toBe("string");
    const statuses = events.filter((e) => e.type === "status_update");
    expect(statuses[0]).toEqual({ type: "status_update", status: "building", stage: "Building" });
    expect(statuses.at(-1)).toEqual({ type: "status_update", status: "success", stage: "Success" });
    const complete = events.at(-1)!;
    expect(complete).toMatchObject({ type: "deployment_complete", status: "success" });
    expect(String(complete.url)).toContain("app-stream1-0001.");
  }, 30_000);

  it("resumes after lastEventId without repeating lines", async () => {
    const owner = await signUp(server, "Resumer");
    const deployment = await createDeployment(owner.user.id, "stream2");
    const db = server.deps.db;
    await markBuilding(db, deployment.id, { workerId: "test-worker" });
    const first = await appendLogs(db, deployment.id, [{ level: "info", message: "one" }, { level: "info", message: "two" }]);
    await appendLogs(db, deployment.id, [{ level: "info", message: "three" }]);
    await markDeploying(db, deployment.id);
    await markSucceeded(db, server.deps.env, deployment.id, { artifactKey: deployment.id, bytes: 1, files: 1 });
    const { events } = await collect(wsUrl(deployment.id, `token=${owner.accessToken}&lastEventId=${first!.lastSeq}`));
    expect(events.filter((e) => e.type === "log").map((e) => e.message)).toEqual(["three"]);
  }, 30_000);

  it("refuses a missing or forged token and another user's deployment", async () => {
    const owner = await signUp(server, "Owner3");
    const stranger = await signUp(server, "Stranger");
    const deployment = await createDeployment(owner.user.id, "stream3");
    expect(await rejection(wsUrl(deployment.id, ""))).toBe(401);
    expect(await rejection(wsUrl(deployment.id, "token=not-a-jwt"))).toBe(401);
    expect(await rejection(wsUrl(deployment.id, `token=${stranger.accessToken}`))).toBe(404);
    expect(await rejection(wsUrl("00000000-0000-0000-0000-000000000000", `token=${owner.accessToken}`))).toBe(404);
  }, 30_000);
});
