import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectEnvelope, signUp, type CallOptions, type TestServer, startTestServer } from "./harness.js";

// Every REST endpoint of the spec answers malformed input with 422 and the
// spec's envelope (never 500, never tRPC's shape or a stack), and the other
// error paths (401, 404, 413) use the same envelope.

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ accessToken: token } = await signUp(server));
});
afterAll(() => server.close());

function expectFields(result: { status: number; body: unknown; headers: Headers }, fields: string[]) {
  const error = expectEnvelope(result, "VALIDATION_ERROR", 422);
  const reported = error.details.fields as Record<string, string>;
  expect(Object.keys(reported).sort()).toEqual([...fields].sort());
  for (const message of Object.values(reported)) expect(message).toEqual(expect.any(String));
  return reported;
}

type Case = [label: string, method: string, path: string, options: CallOptions, fields: string[]];

const cases = (): Case[] => [
  ["signup: missing fields", "POST", "/api/auth/signup", { body: {} }, ["name", "email", "password"]],
  ["signup: wrong types", "POST", "/api/auth/signup", { body: { name: 42, email: true, password: 12345678 } }, ["name", "email", "password"]],
  ["signup: invalid email, short password", "POST", "/api/auth/signup", { body: { name: "Ada", email: "not-an-email", password: "short" } }, ["email", "password"]],
  ["login: missing password, invalid email", "POST", "/api/auth/login", { body: { email: "nope" } }, ["email", "password"]],
  ["login: rememberMe as a string", "POST", "/api/auth/login", { body: { email: "a@example.com", password: "x", rememberMe: "false" } }, ["rememberMe"]],
  ["logout: refreshToken of the wrong type", "POST", "/api/auth/logout", { body: { refreshToken: 5 }, token: "" }, ["refreshToken"]],
  ["forgot-password: invalid email", "POST", "/api/auth/forgot-password", { body: { email: "nope" } }, ["email"]],
  ["reset-password: empty token, short password", "POST", "/api/auth/reset-password", { body: { token: "", password: "short" } }, ["token", "password"]],
  ["refresh: missing token", "POST", "/api/auth/refresh", { body: {} }, ["refreshToken"]],
  ["refresh: token of the wrong type", "POST", "/api/auth/refresh", { body: { refreshToken: ["a"] } }, ["refreshToken"]],
  ["PUT profile: name of the wrong type", "PUT", "/api/user/profile", { body: { name: 42 }, token: "" }, ["name"]],
  ["PUT profile: javascript: avatar", "PUT", "/api/user/profile", { body: { avatarUrl: "javascript:alert(1)" }, token: "" }, ["avatarUrl"]],
  ["PUT profile: nothing to update", "PUT", "/api/user/profile", { body: {}, token: "" }, ["body"]],
  ["PUT preferences: unknown theme", "PUT", "/api/user/preferences", { body: { theme: "neon" }, token: "" }, ["theme"]],
  ["PUT preferences: boolean as a string", "PUT", "/api/user/preferences", { body: { emailNotifications: "false" }, token: "" }, ["emailNotifications"]],
  ["DELETE account: wrong confirmation", "DELETE", "/api/user/account?confirmEmail=someone@else.example", { token: "" }, ["confirmEmail"]],
];

describe("malformed input → 422 VALIDATION_ERROR with details.fields", () => {
  it.each(cases())("%s", async (_label, method, path, options, fields) => {
    const result = await call(server, method, path, { ...options, token: options.token === "" ? token : options.token });
    expectFields(result, fields);
  });

  const bodyEndpoints: [string, string, boolean][] = [
    ["POST", "/api/auth/signup", false],
    ["POST", "/api/auth/login", false],
    ["POST", "/api/auth/logout", true],
    ["POST", "/api/auth/forgot-password", false],
    ["POST", "/api/auth/reset-password", false],
    ["POST", "/api/auth/refresh", false],
    ["PUT", "/api/user/profile", true],
    ["PUT", "/api/user/preferences", true],
  ];

  it.each(bodyEndpoints)("%s %s: malformed JSON → 422", async (method, path, protectedRoute) => {
    const result = await call(server, method, path, { rawBody: '{"email": "a@b.c",', contentType: "application/json", token: protectedRoute ? token : undefined });
    expect(expectFields(result, ["body"]).body).toMatch(/JSON/);
  });

  it.each(bodyEndpoints)("%s %s: a body that is not JSON → 422", async (method, path, protectedRoute) => {
    const result = await call(server, method, path, { rawBody: "email=a@b.c", contentType: "application/x-www-form-urlencoded", token: protectedRoute ? token : undefined });
    expectFields(result, ["body"]);
  });

  it("a JSON array or string instead of an object → 422", async () => {
    expectFields(await call(server, "POST", "/api/auth/forgot-password", { rawBody: "[1,2]", contentType: "application/json" }), ["body"]);
    expectFields(await call(server, "POST", "/api/auth/forgot-password", { rawBody: '"a@b.c"', contentType: "application/json" }), ["body"]);
  });

  it("a JSON content type with a charset is parsed like plain application/json", async () => {
    const result = await call(server, "POST", "/api/auth/forgot-password", { body: { email: "charset@example.com" }, contentType: "application/json; charset=utf-8" });
    expect(result.status).toBe(200);
  });

  it("a body-less POST is valid when the input is optional (logout)", async () => {
    const { accessToken } = await signUp(server);
    const result = await call(server, "POST", "/api/auth/logout", { token: accessToken });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ success: true, message: "Signed out" });
  });
});

describe("other errors use the same envelope", () => {
  it.each([
    ["POST", "/api/auth/logout"],
    ["GET", "/api/auth/session"],
    ["GET", "/api/user/profile"],
    ["PUT", "/api/user/profile"],
    ["GET", "/api/user/preferences"],
    ["PUT", "/api/user/preferences"],
    ["DELETE", "/api/user/account"],
  ])("%s %s without credentials → 401 UNAUTHORIZED", async (method, path) => {
    const result = await call(server, method, path, method === "PUT" ? { body: { name: "x" } } : {});
    expectEnvelope(result, "UNAUTHORIZED", 401);
  });

  it("a forged bearer token → 401", async () => {
    expectEnvelope(await call(server, "GET", "/api/user/profile", { token: `${token}x` }), "UNAUTHORIZED", 401);
  });

  it("an unknown path → 404 NOT_FOUND", async () => {
    expectEnvelope(await call(server, "GET", "/api/nope"), "NOT_FOUND", 404);
    expectEnvelope(await call(server, "POST", "/api/nope", { body: {} }), "NOT_FOUND", 404);
  });

  it("a known path with the wrong method → 404 NOT_FOUND", async () => {
    expectEnvelope(await call(server, "GET", "/api/auth/signup"), "NOT_FOUND", 404);
  });

  it("a path outside /api, /trpc and the probes (no Remix mounted) → 404 envelope", async () => {
    expectEnvelope(await call(server, "GET", "/no-such-page"), "NOT_FOUND", 404);
  });

  it("a body over 1 MB → 413 PAYLOAD_TOO_LARGE", async () => {
    const result = await call(server, "POST", "/api/auth/forgot-password", { body: { email: "a@example.com", padding: "x".repeat(1_100_000) } });
    expectEnvelope(result, "PAYLOAD_TOO_LARGE", 413);
  });

  it("API responses are not cacheable", async () => {
    expect((await call(server, "GET", "/api/user/profile", { token })).headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3 document with the auth, user and deployment paths, bearer auth and the error envelope", async () => {
    const result = await call<{
      openapi: string;
      info: { title: string; version: string };
      servers: { url: string }[];
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }>; schemas: Record<string, unknown> };
    }>(server, "GET", "/api/openapi.json");
    expect(result.status).toBe(200);
    const doc = result.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe("Autostack API");
    expect(doc.servers[0]!.url).toBe(`${server.url}/api`);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        "/auth/forgot-password",
        "/auth/login",
        "/auth/logout",
        "/auth/refresh",
        "/auth/reset-password",
        "/auth/session",
        "/auth/signup",
        "/deployments",
        "/deployments/check-repository",
        "/deployments/detect",
        "/deployments/recent",
        "/deployments/{id}",
        "/deployments/{id}/cancel",
        "/deployments/{id}/logs",
        "/deployments/{id}/redeploy",
        "/github/connect",
        "/github/connection",
        "/github/connection-status",
        "/github/disconnect",
        "/github/repos",
        "/github/repos/{repo}/branches",
        "/user/account",
        "/user/preferences",
        "/user/profile",
      ].sort(),
    );
    expect(Object.keys(doc.paths["/user/profile"]!).sort()).toEqual(["get", "put"]);
    expect(Object.values(doc.components.securitySchemes)).toContainEqual(expect.objectContaining({ type: "http", scheme: "bearer" }));
    // Errors are documented as they are sent: the envelope, 422 for bad input.
    const signupResponses = doc.paths["/auth/signup"]!.post!.responses;
    expect(signupResponses["400"]).toBeUndefined();
    expect(signupResponses["422"]!.content!["application/json"]!.schema.$ref).toBe("#/components/schemas/ErrorEnvelope");
    expect(doc.components.schemas.ErrorEnvelope).toBeDefined();
  });
});
