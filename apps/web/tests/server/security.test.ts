import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "@autostack/db";
import { call, signUp, startTestServer, type ErrorBody, type TestServer } from "./harness.js";

// Cross-cutting behaviour of every response: request ids, the access log,
// security headers, CSRF protection and the health probes.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("request id and access log", () => {
  it("every response carries X-Request-Id: a generated UUID, or the caller's own when it is a sane token", async () => {
    for (const path of ["/healthz", "/api/user/profile", "/api/nope", "/trpc/auth.session"]) {
      expect((await call(server, "GET", path)).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    const echoed = await call(server, "GET", "/api/user/profile", { headers: { "x-request-id": "trace-1234.abc" } });
    expect(echoed.headers.get("x-request-id")).toBe("trace-1234.abc");
    const refused = await call(server, "GET", "/healthz", { headers: { "x-request-id": "bad id <script>" } });
    expect(refused.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs one JSON line per request with method, path, status, duration, request id and user id, and no secrets", async () => {
    const { accessToken, user, cookie } = await signUp(server);
    const requestId = `log-test-${Date.now()}`;
    await call(server, "GET", "/api/user/profile?secret=query-value", { token: accessToken, cookie, headers: { "x-request-id": requestId } });
    // The line is written when the response closes, a tick after the client has it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = server.logs.filter((l) => l.requestId === requestId && l.msg === "request");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: "GET", path: "/api/user/profile", status: 200, userId: user.id, durationMs: expect.any(Number) });
    const everything = JSON.stringify(server.logs);
    expect(everything).not.toContain(accessToken);
    expect(everything).not.toContain(cookie.split("=")[1]!);
    expect(everything).not.toContain("query-value");
  });
});

describe("security headers", () => {
  it("are on every response: CSP, nosniff, Referrer-Policy, frame protection; no HSTS over http", async () => {
    for (const path of ["/healthz", "/api/user/profile", "/api/openapi.json", "/no-such-page"]) {
      const { headers } = await call(server, "GET", path);
      const csp = headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'self'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(csp).not.toContain("unsafe-eval");
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(headers.get("x-frame-options")).toBe("DENY");
      expect(headers.get("permissions-policy")).toContain("camera=()");
      expect(headers.get("strict-transport-security")).toBeNull();
      expect(headers.get("x-powered-by")).toBeNull();
    }
  });

  it("HSTS is sent when APP_URL is https", async () => {
    const https = await startTestServer({ env: { APP_URL: "https://autostack.example" } });
    try {
      const { headers } = await call(https, "GET", "/healthz");
      expect(headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
    } finally {
      await https.close();
    }
  });
});

describe("CSRF protection", () => {
  it("a cookie-authenticated PUT with a foreign Origin → 403 FORBIDDEN; same origin → 200", async () => {
    const { cookie } = await signUp(server);
    const foreign = await call<ErrorBody>(server, "PUT", "/api/user/profile", { cookie, origin: "https://evil.example", body: { name: "Hacked" } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toMatchObject({ code: "FORBIDDEN", statusCode: 403 });
    expect(foreign.body.error.message).toMatch(/cross-site request/i);

    const same = await call<{ name: string }>(server, "PUT", "/api/user/profile", { cookie, origin: server.url, body: { name: "Legit" } });
    expect(same.status).toBe(200);
    expect(same.body.name).toBe("Legit");
  });

  it("a cookie-authenticated PUT with neither Origin nor Referer → 403; a same-site Referer is enough", async () => {
    const { cookie } = await signUp(server);
    expect((await call(server, "PUT", "/api/user/profile", { cookie, body: { name: "X" } })).status).toBe(403);
    const withReferer = await call(server, "PUT", "/api/user/profile", { cookie, headers: { referer: `${server.url}/settings` }, body: { name: "Y" } });
    expect(withReferer.status).toBe(200);
  });

  it("a bearer-authenticated request needs no Origin", async () => {
    const { accessToken } = await signUp(server);
    expect((await call(server, "PUT", "/api/user/profile", { token: accessToken, body: { name: "API client" } })).status).toBe(200);
  });

  it("a foreign Origin is refused even without a cookie (login CSRF), and on tRPC mutations too", async () => {
    const login = await call(server, "POST", "/api/auth/login", { origin: "https://evil.example", body: { email: "a@example.com", password: "x" } });
    expect(login.status).toBe(403);
    const { cookie } = await signUp(server);
    const trpc = await call(server, "POST", "/trpc/user.updateProfile", { cookie, origin: "https://evil.example", body: { json: { name: "Hacked" } } });
    expect(trpc.status).toBe(403);
  });

  it("safe methods are never refused", async () => {
    const { cookie } = await signUp(server);
    expect((await call(server, "GET", "/api/user/profile", { cookie, origin: "https://evil.example" })).status).toBe(200);
  });
});

describe("health probes", () => {
  it("/healthz and /readyz answer 200", async () => {
    const health = await call(server, "GET", "/healthz");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: "ok" });
    const ready = await call(server, "GET", "/readyz");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ready", database: "ok" });
  });

});

describe("when the database is unreachable", () => {
  let broken: TestServer;
  beforeAll(async () => {
    // Port 1: nothing listens there, so every query fails to connect.
    broken = await startTestServer({ db: createDatabase("postgresql://postgres@127.0.0.1:1/nowhere", { max: 1 }) });
  });
  afterAll(() => broken.close());

  it("/readyz answers 503, /healthz still 200", async () => {
    const ready = await call<{ status: string; database: string } & ErrorBody>(broken, "GET", "/readyz");
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: "unavailable", database: "unreachable", error: { code: "SERVICE_UNAVAILABLE", statusCode: 503 } });
    expect((await call(broken, "GET", "/healthz")).status).toBe(200);
  });

  it("a REST call fails with a 500 envelope that reveals nothing, logged with its request id", async () => {
    const requestId = `db-down-${Date.now()}`;
    const result = await call<ErrorBody>(broken, "GET", "/api/user/profile", { cookie: "autostack_session=abcdef", headers: { "x-request-id": requestId } });
    expect(result.status).toBe(500);
    expect(result.body).toEqual({ error: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on our side", statusCode: 500, details: {} } });
    const logged = broken.logs.find((l) => l.requestId === requestId && l.level === 50);
    expect(logged, "an error log line with the request id").toBeDefined();
    expect(JSON.stringify(logged)).toMatch(/reach database server|ECONNREFUSED/);
  });
});
