import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { expect, inject } from "vitest";
import { pino } from "pino";
import { createDatabase, type Database } from "@autostack/db";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { createJobQueue, parseEnv, type Deps } from "@autostack/api";
import type { ArtifactStorage } from "@autostack/api/services";
import { createServerApp } from "../../server/app.js";
import { createHttpServer, type PlatformHttpServer } from "../../server/http-server.js";
import type { RemixMount } from "../../server/remix.js";

// The real server (createServerApp, without a Remix build, mounted on the
// same HTTP server as production: createHttpServer) on a random port,
// over a real PostgreSQL database cloned for the test file, with a real job
// queue. Requests go through global fetch like any HTTP client's would.

export const TEST_SECRET = "test-secret-that-is-at-least-32-characters-long";

export interface TestServer {
  url: string;
  deps: Deps;
  database: TestDatabase;
  /** Every JSON log line the server wrote. */
  logs: Record<string, unknown>[];
  /** The HTTP server as production runs it (its site fast lane included). */
  http: PlatformHttpServer;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Share another server's database (as a second web process would). */
  database?: TestDatabase;
  /** The Prisma client the server uses, e.g. one whose database is unreachable. */
  db?: Database;
  /** Mount Remix (production build or Vite dev server) as server/index.ts does. */
  remix?: (deps: Deps, httpServer: http.Server) => Promise<RemixMount>;
  /** Serve deployed sites from this artifact store. */
  siteStorage?: ArtifactStorage;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const ownDatabase = !options.database;
  const database = options.database ?? (await createTestDatabase(inject("adminUrl")));
  // A second server gets its own connection pool, like another process.
  const db = options.db ?? (ownDatabase ? database.db : createDatabase(database.url, { max: 3 }));

  const development = options.env?.NODE_ENV === "development";
  const http = createHttpServer({ development });
  const httpServer = http.server;
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const env = parseEnv({
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: "info",
    APP_URL: url,
    // Tests pick a client IP per request with X-Forwarded-For.
    TRUST_PROXY: "true",
    // Most tests are not about the auth limit; the ones that are lower it.
    RATE_LIMIT_AUTH_PER_MINUTE: "1000",
    // Deployments of made-up repositories; the check's own tests turn it on.
    REPOSITORY_CHECK: "false",
    ...options.env,
  });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = pino({ level: "info" }, sink);
  const jobs = await createJobQueue(database.url);
  const deps: Deps = { db, env, log, jobs: jobs.queue };

  const remix = await options.remix?.(deps, httpServer);
  const server = createServerApp({ deps, remix: remix?.handler, siteStorage: options.siteStorage });
  http.mount(server);

  return {
    url,
    deps,
    database,
    logs,
    http,
    async close() {
      await server.close();
      await remix?.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await jobs.release();
      if (db !== database.db) await db.$disconnect().catch(() => undefined);
      if (ownDatabase) await database.drop();
    },
  };
}

export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

let ipCounter = 0;
/** A fresh client address (TEST-NET-2) per call, so per-IP limits never collide. */
export function freshIp(): string {
  ipCounter += 1;
  return `198.51.${100 + Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

export interface CallOptions {
  body?: unknown;
  /** Sent as is (no JSON encoding), with its own content type. */
  rawBody?: string;
  contentType?: string;
  token?: string;
  cookie?: string;
  origin?: string;
  ip?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  setCookies: string[];
}

export interface ErrorBody {
  error: { code: string; message: string; statusCode: number; details: Record<string, unknown> };
}

/** One HTTP request to the server; the body is parsed as JSON when it is JSON. */
export async function call<T = unknown>(server: { url: string }, method: string, path: string, options: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? freshIp(), ...options.headers };
  let body: string | undefined;
  if (options.rawBody !== undefined) {
    body = options.rawBody;
    if (options.contentType) headers["content-type"] = options.contentType;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = options.contentType ?? "application/json";
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const response = await fetch(server.url + path, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("application/json");
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson && text ? JSON.parse(text) : text) as T,
    setCookies: response.headers.getSetCookie(),
  };
}

/** The `name=value` pair of a Set-Cookie header, ready for a Cookie header. */
export function cookiePair(setCookie: string | undefined): string {
  if (!setCookie) throw new Error("no Set-Cookie header");
  return setCookie.split(";")[0]!;
}

export interface AuthResultBody {
  user: { id: string; name: string; email: string };
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** Signs a new user up over REST; returns the tokens and the session cookie. */
export async function signUp(server: { url: string }, name = "Test User") {
  const email = uniqueEmail();
  const password = "correct-horse-battery";
  const result = await call<AuthResultBody>(server, "POST", "/api/auth/signup", { body: { name, email, password } });
  if (result.status !== 200) throw new Error(`signup failed: ${result.status} ${JSON.stringify(result.body)}`);
  return { email, password, ...result.body, cookie: cookiePair(result.setCookies.find((c) => /^(__Host-)?autostack_session=/.test(c))) };
}

/** Decodes a JWT's payload (no verification: the server verifies). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
}

/**
 * Starts tests/server/fixtures/api-server.ts in a child process on the given
 * database: a second, separate web process. Resolves with its URL.
 */
export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const webRoot = fileURLToPath(new URL("../..", import.meta.url));
  const child = spawn(path.join(webRoot, "node_modules/.bin/tsx"), ["--conditions=source", "tests/server/fixtures/api-server.ts"], {
    cwd: webRoot,
    env: { ...process.env, NODE_ENV: "test", DATABASE_URL: databaseUrl, JWT_SECRET: TEST_SECRET, LOG_LEVEL: "warn", TRUST_PROXY: "true", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const line = output.split("\n").find((l) => l.startsWith('{"url"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`server process exited with ${code} before listening`)));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Asserts the spec's error envelope, exactly: status, JSON, the four fields, no stack trace. */
export function expectEnvelope(result: { status: number; body: unknown; headers: Headers }, code: string, statusCode: number): ErrorBody["error"] {
  expect(result.status, JSON.stringify(result.body)).toBe(statusCode);
  expect(result.headers.get("content-type")).toMatch(/^application\/json/);
  const body = result.body as ErrorBody;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "details", "message", "statusCode"]);
  expect(body.error).toMatchObject({ code, statusCode, details: expect.any(Object) as object });
  expect(typeof body.error.message).toBe("string");
  expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.(ts|js):\d+/);
  return body.error;
}
