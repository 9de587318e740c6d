import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toErrorEnvelope } from "@autostack/api";
import { TRPCError } from "@trpc/server";
import { call, expectEnvelope, signUp, startTestServer, type ErrorBody, type TestServer } from "./harness.js";

// What the fuzzer (fuzz.test.ts) found, one focused test each: inputs that
// used to end in a 500 or in a body that was not the spec's envelope.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_API_PER_MINUTE: "100000" } });
});
afterAll(() => server.close());

const deepObject = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
const deepArray = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("REST bodies", () => {
  it("a JSON body nested 10,000 levels deep → 422, on POST, PUT and DELETE alike (was a stack overflow: 500)", async () => {
    const { accessToken: token } = await signUp(server);
    for (const [method, path, rawBody] of [
      ["POST", "/api/auth/refresh", deepObject(10_000)],
      ["PUT", "/api/user/profile", `{"name":${deepArray(10_000)}}`],
      ["DELETE", "/api/user/account", deepObject(10_000)],
    ] as const) {
      const error = expectEnvelope(await call(server, method, path, { rawBody, contentType: "application/json", token }), "VALIDATION_ERROR", 422);
      expect(error.details.fields).toEqual({ body: expect.stringMatching(/nest/) as string });
    }
    // The account is still there: the DELETE above was refused before it ran.
    expect((await call(server, "GET", "/api/user/profile", { token })).status).toBe(200);
  });

  it("a body nested a few levels is still validated field by field", async () => {
    const result = await call(server, "POST", "/api/auth/forgot-password", { body: { email: { a: { b: [1] } } } });
    expect(expectEnvelope(result, "VALIDATION_ERROR", 422).details.fields).toHaveProperty("email");
  });

  it("a body declared gzip that is not → 422 (was a zlib error: 500)", async () => {
    const result = await call(server, "POST", "/api/auth/forgot-password", { rawBody: "not gzip at all", contentType: "application/json", headers: { "content-encoding": "gzip" } });
    expect(expectEnvelope(result, "VALIDATION_ERROR", 422).details.fields).toEqual({ body: "could not be read" });
  });

  it("a real gzip body is still read", async () => {
    const response = await fetch(`${server.url}/api/auth/forgot-password`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip", "x-forwarded-for": "198.51.100.250" },
      body: gzipSync(JSON.stringify({ email: "gzip@example.com" })),
    });
    expect(response.status).toBe(200);
  });
});

describe("text PostgreSQL cannot store", () => {
  it("a NUL or other control character or a lone surrogate in a name → 422 (NUL was a database error: 500)", async () => {
    const { accessToken: token } = await signUp(server);
    for (const name of ["a\u0000b", "tab\there", "\ud800"]) {
      const signup = await call(server, "POST", "/api/auth/signup", { body: { name, email: `nul-${Math.random()}@example.com`, password: "correct-horse-battery" } });
      expect(expectEnvelope(signup, "VALIDATION_ERROR", 422).details.fields).toHaveProperty("name");
      const profile = await call(server, "PUT", "/api/user/profile", { body: { name }, token });
      expect(expectEnvelope(profile, "VALIDATION_ERROR", 422).details.fields).toHaveProperty("name");
    }
    // Names outside ASCII are fine.
    expect((await call(server, "PUT", "/api/user/profile", { body: { name: "Zoë 🧪 Łukasz" }, token })).status).toBe(200);
  });

  it("a NUL in the deployment search → 422 over REST and tRPC (was a database error: 500)", async () => {
    const { accessToken: token } = await signUp(server);
    expect(expectEnvelope(await call(server, "GET", "/api/deployments?search=a%00b", { token }), "VALIDATION_ERROR", 422).details.fields).toHaveProperty("search");
    const trpc = await call<{ error: { json: { data: { code: string; httpStatus: number } } } }>(
      server,
      "GET",
      `/trpc/deployment.list?input=${encodeURIComponent(JSON.stringify({ json: { search: "\u0000" } }))}`,
      { token },
    );
    expect(trpc.status).toBe(422);
    expect(trpc.body.error.json.data).toMatchObject({ code: "BAD_REQUEST", httpStatus: 422 });
    expect((await call(server, "GET", "/api/deployments?search=caf%C3%A9", { token })).status).toBe(200);
  });
});

describe("tRPC transport errors", () => {
  it("a method or content type tRPC refuses is a 415, not a 500", async () => {
    // tRPC answers this one without a JSON content type; the body is JSON all the same.
    const result = await call<string>(server, "DELETE", "/trpc/auth.login");
    expect(result.status).toBe(415);
    const body = JSON.parse(result.body) as { error: { json: { data: { code: string; httpStatus: number } } } };
    expect(body.error.json.data).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", httpStatus: 415 });
  });

  it("every client error code of tRPC maps to a 4xx envelope", () => {
    for (const code of ["PARSE_ERROR", "BAD_REQUEST", "UNAUTHORIZED", "PAYMENT_REQUIRED", "FORBIDDEN", "NOT_FOUND", "METHOD_NOT_SUPPORTED", "TIMEOUT", "CONFLICT", "PRECONDITION_FAILED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "UNPROCESSABLE_CONTENT", "PRECONDITION_REQUIRED", "TOO_MANY_REQUESTS", "CLIENT_CLOSED_REQUEST"] as const) {
      const { statusCode } = toErrorEnvelope(new TRPCError({ code })).error;
      expect({ code, statusCode }).toEqual({ code, statusCode: expect.any(Number) as number });
      expect(statusCode, code).toBeGreaterThanOrEqual(400);
      expect(statusCode, code).toBeLessThan(500);
    }
  });
});

describe("requests Node's HTTP parser refuses", () => {
  it("a request head over 16 KB → 431 in the envelope (was Node's bare status line)", async () => {
    const result = await call(server, "GET", `/api/deployments?search=${"x".repeat(20_000)}`);
    expectEnvelope(result, "HEADERS_TOO_LARGE", 431);
  });

  it("the server answers normally afterwards", async () => {
    expect((await call(server, "GET", "/healthz")).status).toBe(200);
  });
});

describe("an account deleted while its other requests run", () => {
  it("those requests end in their answer, 401 or 404, never a 500 (the session's user, the preferences row or the user row vanished mid-request)", async () => {
    for (let round = 0; round < 5; round += 1) {
      const { accessToken: token, cookie } = await signUp(server);
      await call(server, "POST", "/api/deployments", { token, body: { repository: "https://github.com/acme/site" } });
      const requests = [
        call(server, "DELETE", "/api/user/account", { token }),
        ...Array.from({ length: 6 }, () => [
          call(server, "PUT", "/api/user/profile", { token, body: { name: "Still here" } }),
          call(server, "GET", "/api/user/preferences", { cookie }),
          call(server, "GET", "/api/user/preferences", { token }),
          call(server, "GET", "/api/deployments", { cookie }),
          call(server, "GET", "/api/auth/session", { cookie }),
        ]).flat(),
      ];
      for (const result of await Promise.all(requests)) {
        expect(result.status, JSON.stringify(result.body)).toBeLessThan(500);
        // 401 once the account is gone; 404 when it vanished after the request was authenticated.
        if (result.status >= 400) expect([401, 404]).toContain(expectEnvelope(result, (result.body as ErrorBody).error.code, result.status).statusCode);
      }
    }
  });
});
