import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from "@trpc/client";
import superjson from "superjson";
import WebSocket from "ws";
import type { AppRouter } from "@autostack/api";
import { retryAfterSeconds } from "../../app/lib/api-errors.js";
import { call, freshIp, signUp, startServerProcess, startTestServer, uniqueEmail, type ErrorBody, type TestServer } from "./harness.js";

// The spec's limits over HTTP: 5 auth requests per minute per IP, N API
// requests per minute per user, counted in PostgreSQL so that every web
// process shares them.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_AUTH_PER_MINUTE: "5", RATE_LIMIT_API_PER_MINUTE: "3" } });
});
afterAll(() => server.close());

/**
 * Limits use fixed one-minute windows; a burst that straddles a window edge
 * would be split in two. Wait for a fresh window when the current one ends soon.
 */
async function withinOneWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

function expect429(result: { status: number; body: unknown; headers: Headers }) {
  expect(result.status).toBe(429);
  const { error } = result.body as ErrorBody;
  expect(error).toMatchObject({ code: "RATE_LIMIT_EXCEEDED", statusCode: 429 });
  const retryAfter = Number(result.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(error.details.retryAfter).toBe(retryAfter);
}

const forgot = (target: { url: string }, ip: string) => call(target, "POST", "/api/auth/forgot-password", { ip, body: { email: uniqueEmail() } });

describe("auth endpoints: 5 per minute per IP", () => {
  it("the 6th request from one IP → 429 RATE_LIMIT_EXCEEDED with Retry-After; another IP is unaffected", async () => {
    await withinOneWindow();
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await forgot(server, ip)).status).toBe(200);
    expect429(await forgot(server, ip));
    // Counted per IP across the auth endpoints, not per endpoint.
    expect429(await call(server, "POST", "/api/auth/login", { ip, body: { email: uniqueEmail(), password: "whatever" } }));
    expect((await forgot(server, freshIp())).status).toBe(200);
  });

  it("applies to tRPC calls too, with Retry-After on the HTTP response", async () => {
    await withinOneWindow();
    const ip = freshIp();
    const viaTrpc = () => call(server, "POST", "/trpc/auth.forgotPassword", { ip, body: { json: { email: uniqueEmail() } } });
    for (let i = 0; i < 5; i++) expect((await viaTrpc()).status).toBe(200);
    const limited = await viaTrpc();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a second web process on the same database shares the counter", async () => {
    const second = await startServerProcess(server.database.url, { RATE_LIMIT_AUTH_PER_MINUTE: "5" });
    try {
      await withinOneWindow();
      const ip = freshIp();
      for (let i = 0; i < 3; i++) expect((await forgot(server, ip)).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await forgot(second, ip)).status).toBe(200);
      expect429(await forgot(second, ip));
      expect429(await forgot(server, ip));
    } finally {
      await second.stop();
    }
  });
});

describe("general API: per user", () => {
  it("the request after RATE_LIMIT_API_PER_MINUTE from one user → 429, whatever the IP; another user is unaffected", async () => {
    const alice = await signUp(server, "Alice");
    const bob = await signUp(server, "Bob");
    await withinOneWindow();
    for (let i = 0; i < 3; i++) expect((await call(server, "GET", "/api/user/profile", { token: alice.accessToken })).status).toBe(200);
    expect429(await call(server, "GET", "/api/user/profile", { token: alice.accessToken }));
    expect429(await call(server, "GET", "/api/user/preferences", { token: alice.accessToken, ip: freshIp() }));
    expect((await call(server, "GET", "/api/user/profile", { token: bob.accessToken })).status).toBe(200);
  });
});

describe("the browser's transport (tRPC over WebSocket)", () => {
  it("counts against the same per-user limit, and the 429 tells the page how long to wait", async () => {
    const carol = await signUp(server, "Carol");
    await withinOneWindow();
    const wsClient = createWSClient({
      url: `${server.url.replace(/^http/, "ws")}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token: carol.accessToken },
    });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
      for (let i = 0; i < 3; i++) await client.deployment.recent.query();
      const limited = await client.deployment.recent.query().then(
        () => null,
        (error: unknown) => error,
      );
      const seconds = retryAfterSeconds(limited);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(60);
    } finally {
      await wsClient.close();
    }
    // Any other failure is not a wait.
    const anonymous = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc`, transformer: superjson })] });
    const unauthorized = await anonymous.auth.session.query().catch((error: unknown) => error);
    expect(unauthorized).toMatchObject({ data: { envelope: { error: { code: "UNAUTHORIZED" } } } });
    expect(retryAfterSeconds(unauthorized)).toBeNull();
    expect(retryAfterSeconds(new Error("socket closed"))).toBeNull();
  });
});
