import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createEventBus, publishEvent, type EventBus } from "@autostack/api";
import { appendLogs } from "@autostack/api/services";
import { call, cookiePair, signUp, startTestServer, type ErrorBody, type TestServer } from "./harness.js";

// What one user's WebSockets may do (ADR 0014): a sign-out (logout, password
// reset, account deletion) closes them in every web process, through the
// LISTEN/NOTIFY bus as production wires it; at most 20 at a time per user;
// and a client that stops reading is closed instead of buffered for.

let server: TestServer;
let bus: EventBus;
beforeAll(async () => {
  server = await startTestServer();
  // As server/index.ts does: the process's one LISTEN connection.
  bus = await createEventBus(server.database.url);
  server.deps.events = bus;
});
afterAll(async () => {
  await server.close();
  await bus.close();
});

type User = Awaited<ReturnType<typeof signUp>>;

async function createDeployment(userId: string) {
  const suffix = Math.random().toString(36).slice(2, 10);
  const db = server.deps.db;
  const project = await db.project.create({
    data: { userId, name: `app-${suffix}`, repository: `https://example.com/app-${suffix}.git`, slug: `app-${suffix}` },
  });
  return db.deployment.create({
    data: { userId, projectId: project.id, slug: `app-${suffix}-0001`, repository: project.repository, buildCommand: "npm run build", outputDir: "dist" },
  });
}

const wsBase = () => server.url.replace(/^http/, "ws");

interface Client {
  ws: WebSocket;
  closed: Promise<{ code: number; reason: string; at: number }>;
  /** Resolves once the first message arrived: the socket is authenticated and streaming. */
  live: Promise<void>;
}

function track(ws: WebSocket): Client {
  const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) => {
    ws.on("close", (code, reason) => resolve({ code, reason: String(reason), at: Date.now() }));
  });
  const live = new Promise<void>((resolve, reject) => {
    ws.once("message", () => resolve());
    ws.once("close", (code) => reject(new Error(`closed (${code}) before its first message`)));
  });
  live.catch(() => undefined);
  ws.on("error", () => undefined);
  return { ws, closed, live };
}

/** The raw log stream of a deployment, authenticated by the access token. */
function logStream(user: User, deploymentId: string): Client {
  return track(new WebSocket(`${wsBase()}/api/deployments/${deploymentId}/logs/stream?token=${user.accessToken}`));
}

/** A tRPC WebSocket (by its session cookie) with a live deployment.status subscription. */
function trpcSubscription(user: User, deploymentId: string): Client {
  const ws = new WebSocket(`${wsBase()}/trpc`, { headers: { cookie: user.cookie, origin: server.url } });
  ws.on("open", () => {
    ws.send(JSON.stringify({ id: 1, method: "subscription", params: { path: "deployment.status", input: { json: { deploymentId } } } }));
  });
  const client = track(ws);
  // tRPC answers "started" first; the snapshot that follows proves the context authenticated.
  client.live = new Promise<void>((resolve, reject) => {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as { result?: { type?: string }; error?: unknown };
      if (message.error) reject(new Error(`subscription failed: ${String(data)}`));
      if (message.result?.type === "data") resolve();
    });
    ws.once("close", (code) => reject(new Error(`closed (${code}) before the first snapshot`)));
  });
  client.live.catch(() => undefined);
  return client;
}

async function userWithSockets() {
  const user = await signUp(server);
  const deployment = await createDeployment(user.user.id);
  const sockets = [trpcSubscription(user, deployment.id), logStream(user, deployment.id)];
  await Promise.all(sockets.map((s) => s.live));
  return { user, deployment, sockets };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a sign-out closes the user's open WebSockets", () => {
  it("logout closes the tRPC subscription and the raw log stream within a second; another user's stay open", async () => {
    const alice = await userWithSockets();
    const bob = await userWithSockets();

    const loggedOutAt = Date.now();
    const logout = await call(server, "POST", "/api/auth/logout", { cookie: alice.user.cookie, origin: server.url });
    expect(logout.status).toBe(200);

    for (const socket of alice.sockets) {
      const closed = await socket.closed;
      expect(closed).toMatchObject({ code: 4001, reason: "session ended" });
      expect(closed.at - loggedOutAt).toBeLessThan(1_000);
    }
    await sleep(300);
    for (const socket of bob.sockets) expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    for (const socket of bob.sockets) socket.ws.close();
  });

  it("a socket authenticated after the logout (a new sign-in) stays open", async () => {
    const alice = await userWithSockets();
    await call(server, "POST", "/api/auth/logout", { cookie: alice.user.cookie, origin: server.url });
    await Promise.all(alice.sockets.map((s) => s.closed));

    const login = await call<{ accessToken: string }>(server, "POST", "/api/auth/login", {
      body: { email: alice.user.email, password: alice.user.password },
    });
    expect(login.status).toBe(200);
    const again = { ...alice.user, accessToken: login.body.accessToken, cookie: cookiePair(login.setCookies.find((c) => c.includes("autostack_session="))) };
    const sockets = [trpcSubscription(again, alice.deployment.id), logStream(again, alice.deployment.id)];
    await Promise.all(sockets.map((s) => s.live));
    await sleep(500);
    for (const socket of sockets) expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    for (const socket of sockets) socket.ws.close();
  });

  it("a password reset closes them too", async () => {
    const alice = await userWithSockets();
    await call(server, "POST", "/api/auth/forgot-password", { body: { email: alice.user.email } });
    const [job] = await server.deps.db.$queryRaw<{ text: string }[]>`
      SELECT j.payload->>'text' AS text FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = 'send-email' AND j.payload->>'to' = ${alice.user.email}`;
    const token = new URL(/(https?:\/\/\S+\/reset-password\?token=\S+)/.exec(job!.text)![1]!).searchParams.get("token")!;

    const resetAt = Date.now();
    const reset = await call(server, "POST", "/api/auth/reset-password", { body: { token, password: "brand-new-password" } });
    expect(reset.status).toBe(200);
    for (const socket of alice.sockets) {
      const closed = await socket.closed;
      expect(closed.code).toBe(4001);
      expect(closed.at - resetAt).toBeLessThan(1_000);
    }
  });

  it("account deletion closes them too", async () => {
    const alice = await userWithSockets();
    const deleted = await call(server, "DELETE", "/api/user/account", { cookie: alice.user.cookie, origin: server.url, body: { confirmEmail: alice.user.email } });
    expect(deleted.status, JSON.stringify(deleted.body)).toBeLessThan(300);
    for (const socket of alice.sockets) expect((await socket.closed).code).toBe(4001);
  });
});

describe("per-user WebSocket limits", () => {
  it("refuses the 21st socket of one user (429 before the upgrade, 1013 on tRPC) while the first 20 keep working", async () => {
    const user = await signUp(server);
    const deployment = await createDeployment(user.user.id);
    const first = [
      ...Array.from({ length: 10 }, () => trpcSubscription(user, deployment.id)),
      ...Array.from({ length: 10 }, () => logStream(user, deployment.id)),
    ];
    await Promise.all(first.map((s) => s.live));

    const refused = await new Promise<{ status: number; body: ErrorBody }>((resolve, reject) => {
      const ws = new WebSocket(`${wsBase()}/api/deployments/${deployment.id}/logs/stream?token=${user.accessToken}`);
      ws.on("unexpected-response", (_req, res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as ErrorBody }));
      });
      ws.on("open", () => reject(new Error("the 21st log stream was accepted")));
      ws.on("error", () => undefined);
    });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "RATE_LIMIT_EXCEEDED", statusCode: 429 });

    const extraTrpc = trpcSubscription(user, deployment.id);
    expect(await extraTrpc.closed).toMatchObject({ code: 1013 });

    // Another user is not affected by this one's sockets.
    const other = await userWithSockets();
    for (const socket of other.sockets) socket.ws.close();

    await sleep(300);
    for (const socket of first) expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    // The first 20 still work: a tRPC socket answers a query.
    const answer = await new Promise<unknown>((resolve) => {
      first[0]!.ws.on("message", (data) => {
        const message = JSON.parse(String(data)) as { id?: number };
        if (message.id === 2) resolve(message);
      });
      first[0]!.ws.send(JSON.stringify({ id: 2, method: "query", params: { path: "auth.session", input: { json: {} } } }));
    });
    expect(answer).toMatchObject({ id: 2, result: { type: "data", data: { json: { user: { id: user.user.id } } } } });

    // One closed frees a place.
    first[19]!.ws.close();
    await first[19]!.closed;
    await sleep(100);
    const replacement = logStream(user, deployment.id);
    await replacement.live;
    for (const socket of [...first, replacement]) socket.ws.close();
  });

  it("closes a client that does not read while 10 MB of log lines are published; the server's buffer stays bounded", async () => {
    const user = await signUp(server);
    const deployment = await createDeployment(user.user.id);
    await appendLogs(server.deps.db, deployment.id, [{ level: "info", message: "first line" }]);

    // The server's end of the connection, to see what it keeps unsent.
    const serverSide = new Promise<Socket>((resolve) => server.http.server.once("upgrade", (_req, socket: Socket) => resolve(socket)));
    const client = logStream(user, deployment.id);
    await client.live;
    const socket = await serverSide;
    let serverClosed = false;
    socket.on("close", () => (serverClosed = true));
    client.ws.pause(); // reads nothing more from now on

    let peakUnsent = 0;
    const sampler = setInterval(() => (peakUnsent = Math.max(peakUnsent, socket.writableLength)), 2);
    const line = "x".repeat(4_000);
    const total = 10 * 1024 * 1024;
    const batch = Array.from({ length: 256 }, () => ({ level: "info" as const, message: line }));
    for (let written = 0; written < total && !serverClosed; written += batch.length * line.length) {
      const appended = await appendLogs(server.deps.db, deployment.id, batch);
      await publishEvent(server.deps.db, { type: "deployment.logs", deploymentId: deployment.id, lastSeq: appended!.lastSeq });
    }
    const deadline = Date.now() + 15_000;
    while (!serverClosed && Date.now() < deadline) await sleep(20);
    clearInterval(sampler);

    expect(serverClosed, "the server closed the connection of the client that does not read").toBe(true);
    // The limit was reached (not merely the kernel's buffers filled), and not passed by more than the one message that crossed it.
    expect(peakUnsent).toBeGreaterThan(4 * 1024 * 1024);
    // Bounded by the 4 MiB limit plus the one message that crossed it.
    expect(peakUnsent).toBeLessThan(4 * 1024 * 1024 + 64 * 1024);
    client.ws.resume();
    const closed = await client.closed;
    expect([1013, 1006]).toContain(closed.code);
  }, 60_000);
});
