import net from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import superjson from "superjson";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import type { AppRouter } from "@autostack/api";
import { appendLogs, markBuilding } from "@autostack/api/services";
import { MAX_BODY_BYTES } from "../../server/body-limit.js";
import { call, signUp, startServerProcess, startTestServer, type TestServer } from "./harness.js";

// A client's bad frame or reset affects that client's connection only. The
// server under test runs in its own process (tests/server/fixtures/api-server.ts,
// without server/index.ts's process-wide error handlers): an "error" event
// nobody listens to ends that process, and /healthz stops answering. The
// in-process server provides the database and, for tRPC, the logs. Each test
// gets a fresh process, so that one crash does not fail the tests after it.

let server: TestServer;
let child: { url: string; stop(): Promise<void> };
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());
beforeEach(async () => {
  child = await startServerProcess(server.database.url, { LOG_LEVEL: "error" });
});
afterEach(() => child?.stop());

async function createDeployment(userId: string, suffix: string) {
  const db = server.deps.db;
  const project = await db.project.create({
    data: { userId, name: `app-${suffix}`, repository: `https://example.com/app-${suffix}.git`, slug: `app-${suffix}` },
  });
  const deployment = await db.deployment.create({
    data: { userId, projectId: project.id, slug: `app-${suffix}-0001`, repository: project.repository, buildCommand: "npm run build", outputDir: "dist" },
  });
  await markBuilding(db, deployment.id, { workerId: "test-worker" });
  return deployment;
}

const wsBase = (url: string) => url.replace(/^http/, "ws");

/** Opens a WebSocket; resolves once open, with its messages and its close. */
async function open(url: string) {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  ws.on("message", (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  ws.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { ws, messages, closed };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function healthz(url: string): Promise<number> {
  return (await fetch(`${url}/healthz`)).status;
}

describe("a client's bad frame closes only its own WebSocket", () => {
  it("raw log stream: a 5 KB frame closes that socket with 1009; the server answers and another client still gets its log lines", async () => {
    const owner = await signUp(child);
    const deployment = await createDeployment(owner.user.id, "oversized");
    const streamUrl = `${wsBase(child.url)}/api/deployments/${deployment.id}/logs/stream?token=${owner.accessToken}`;
    const bystander = await open(streamUrl);
    const attacker = await open(streamUrl);

    attacker.ws.send("x".repeat(5 * 1024));
    expect(await attacker.closed).toBe(1009);

    expect(await healthz(child.url)).toBe(200);
    await appendLogs(server.deps.db, deployment.id, [{ level: "info", message: "still streaming" }]);
    await until(() => bystander.messages.some((m) => m.message === "still streaming"), "the bystander's log line");
    bystander.ws.close();
  });

  it("raw log stream: a malformed frame (reserved opcode) closes that socket with 1002", async () => {
    const owner = await signUp(child);
    const deployment = await createDeployment(owner.user.id, "malformed");
    const client = await open(`${wsBase(child.url)}/api/deployments/${deployment.id}/logs/stream?token=${owner.accessToken}`);
    // FIN + opcode 0x3 (reserved), masked, empty payload.
    (client.ws as unknown as { _socket: net.Socket })._socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
    expect(await client.closed).toBe(1002);
    expect(await healthz(child.url)).toBe(200);
  });

  it("tRPC: a frame over maxPayload closes that socket with 1009, logged as a client error only; another client's calls still work", async () => {
    const { accessToken, email } = await signUp(server);
    const wsClient = createWSClient({ url: `${wsBase(server.url)}/trpc`, WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, connectionParams: { token: accessToken } });
    try {
      const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
      expect((await trpc.auth.session.query()).user.email).toBe(email);

      const attacker = await open(`${wsBase(server.url)}/trpc`);
      attacker.ws.send(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20));
      expect(await attacker.closed).toBe(1009);

      expect(await healthz(server.url)).toBe(200);
      expect((await trpc.auth.session.query()).user.email).toBe(email);
      const alarms = server.logs.filter((line) => (line.level as number) >= 50);
      expect(alarms).toEqual([]);
      expect(server.logs).toContainEqual(expect.objectContaining({ level: 40, msg: "websocket closed after a client error" }));
    } finally {
      await wsClient.close();
    }
  });

  it("tRPC in its own process: an oversized frame leaves the process up", async () => {
    const attacker = await open(`${wsBase(child.url)}/trpc`);
    attacker.ws.send(Buffer.alloc(MAX_BODY_BYTES + 1, 0x20));
    expect(await attacker.closed).toBe(1009);
    expect(await healthz(child.url)).toBe(200);
  });
});

describe("a client that resets during the upgrade", () => {
  it("leaves the server up while the log stream is still authorising the upgrade", async () => {
    const owner = await signUp(child);
    const deployment = await createDeployment(owner.user.id, "reset");
    const { port } = new URL(child.url);
    for (let i = 0; i < 5; i++) {
      const socket = net.connect(Number(port), "127.0.0.1");
      socket.on("error", () => undefined);
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      socket.write(
        `GET /api/deployments/${deployment.id}/logs/stream?token=${owner.accessToken} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      // Let the head arrive, then reset while the server checks the token and the deployment.
      await new Promise((resolve) => setTimeout(resolve, 2));
      socket.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await healthz(child.url)).toBe(200);
    expect((await call(child, "GET", `/api/deployments/${deployment.id}`, { token: owner.accessToken })).status).toBe(200);
  });
});
