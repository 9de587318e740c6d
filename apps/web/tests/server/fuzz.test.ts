import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "@autostack/api";
import { call, freshIp, signUp, startTestServer, type TestServer } from "./harness.js";
import { createRng, restRequest, trpcRequest, type FuzzRequest, type KnownValues, type RestOperation, type TrpcProcedure } from "./fuzz-inputs.js";

// Malformed input on every REST operation (from the OpenAPI document the
// server serves) and every tRPC procedure (from the router), anonymous and
// signed in: never a 5xx, REST errors always in the spec's envelope, tRPC
// errors in tRPC's JSON with a code; and afterwards the server still answers
// correctly and another user's stored data is unchanged.
// Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> (FUZZ_INPUTS=<n>);
// FUZZ_REPORT=<file> writes every bad answer there as JSON.

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const INPUTS = Number(process.env.FUZZ_INPUTS ?? 1_200);
const CONCURRENCY = 12;
const BATCH = 60;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { RATE_LIMIT_API_PER_MINUTE: "100000" } });
});
afterAll(() => server.close());

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>
  >;
}

async function restOperations(): Promise<RestOperation[]> {
  const { status, body } = await call<OpenApiDocument>(server, "GET", "/api/openapi.json");
  expect(status).toBe(200);
  return Object.entries(body.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      pathParams: (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name),
      queryParams: (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
      bodyProperties: operation.requestBody ? Object.keys(operation.requestBody.content["application/json"]?.schema.properties ?? {}) : undefined,
    })),
  );
}

function trpcProcedures(): TrpcProcedure[] {
  // A flat record at run time ("auth.login" → procedure), whatever its static type says.
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: TrpcProcedure["type"] } }>;
  return Object.entries(procedures).map(([path, procedure]) => ({ path, type: procedure._def.type }));
}

/** The credentials a request may carry; replaced when the fuzzing itself signs the user out or deletes them. */
interface Credentials {
  accessToken: string;
  cookie: string;
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function authHeaders(request: FuzzRequest, credentials: Credentials): Record<string, string> {
  switch (request.auth) {
    case "none":
      return {};
    case "bearer":
      return { authorization: `Bearer ${credentials.accessToken}` };
    case "forged-bearer":
      return { authorization: `Bearer ${credentials.accessToken.slice(0, -4)}AAAA` };
    case "huge-bearer":
      return { authorization: `Bearer ${"a".repeat(3_000)}.${"b".repeat(1_000)}` };
    case "cookie":
      return { cookie: credentials.cookie, ...(UNSAFE.has(request.method) ? { origin: server.url } : {}) };
    case "cookie-no-origin":
      return { cookie: credentials.cookie };
  }
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends one request; an event stream (a subscription) is read for a moment, then dropped. */
async function send(request: FuzzRequest, credentials: Credentials): Promise<Answer> {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(new Error("no answer within 15 s")), 15_000);
  try {
    const response = await fetch(server.url + request.path, {
      method: request.method,
      headers: { "x-forwarded-for": freshIp(), ...request.headers, ...authHeaders(request, credentials) },
      body: request.body,
      redirect: "manual",
      signal: controller.signal,
    });
    const contentType = response.headers.get("content-type") ?? "";
    if (!contentType.startsWith("text/event-stream")) return { status: response.status, contentType, text: await response.text() };
    const reader = response.body!.getReader();
    let text = "";
    const deadline = Date.now() + 300;
    while (Date.now() < deadline && text.length < 10_000) {
      const chunk = await Promise.race([reader.read(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), deadline - Date.now()))]);
      if (!chunk || chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    return { status: response.status, contentType, text };
  } finally {
    clearTimeout(timeout);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What is wrong with a REST answer, if anything. */
function restProblem({ status, contentType, text }: Answer): string | undefined {
  if (status >= 500) return `status ${status}`;
  if (status < 400) return undefined;
  if (!contentType.startsWith("application/json")) return `error answered as ${contentType || "no content type"}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "error body is not JSON";
  }
  if (!isObject(body) || Object.keys(body).join() !== "error" || !isObject(body.error)) return "not the error envelope";
  const { error } = body;
  if (Object.keys(error).sort().join() !== "code,details,message,statusCode") return `envelope keys ${Object.keys(error).join()}`;
  if (typeof error.code !== "string" || typeof error.message !== "string" || !isObject(error.details)) return "envelope field types";
  if (error.statusCode !== status) return `envelope statusCode ${String(error.statusCode)} on HTTP ${status}`;
  if (/stack|at .*\.(ts|js):\d+/.test(text)) return "stack trace in the body";
  return undefined;
}

/** The error code of one tRPC answer item: tRPC's shape (superjson or not), or the envelope (CSRF, 413). */
function trpcErrorCode(item: unknown): { code?: unknown; httpStatus?: unknown } {
  if (!isObject(item) || !isObject(item.error)) return {};
  const error = isObject(item.error.json) ? item.error.json : item.error;
  if (isObject(error.data)) return { code: error.data.code, httpStatus: error.data.httpStatus };
  return { code: error.code, httpStatus: error.statusCode };
}

/** What is wrong with a tRPC answer, if anything. */
function trpcProblem({ status, contentType, text }: Answer): string | undefined {
  if (status >= 500) return `status ${status}`;
  if (contentType.startsWith("text/event-stream")) return /INTERNAL_SERVER_ERROR|"httpStatus":5\d\d/.test(text) ? "internal error in the event stream" : undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `body is not JSON (${contentType})`;
  }
  for (const item of Array.isArray(body) ? body : [body]) {
    if (isObject(item) && "result" in item && status < 400) continue;
    const { code, httpStatus } = trpcErrorCode(item);
    if (typeof code !== "string") return "error without a code";
    if (code === "INTERNAL_SERVER_ERROR" || (typeof httpStatus === "number" && httpStatus >= 500)) return `error ${code} (${String(httpStatus)})`;
  }
  return undefined;
}

interface Failure {
  index: number;
  endpoint: string;
  label: string;
  request: string;
  problem: string;
  status?: number;
  body?: string;
}

async function runPool<T>(items: T[], worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await worker(items[next++]!);
    }),
  );
}

/** A signed-in user the fuzzing may log out or delete; replaced when that happened. */
async function freshFuzzUser(current?: Credentials): Promise<Credentials> {
  if (current) {
    const probe = await call(server, "GET", "/api/auth/session", { token: current.accessToken });
    const cookieProbe = await call(server, "GET", "/api/auth/session", { cookie: current.cookie });
    if (probe.status === 200 && cookieProbe.status === 200) return current;
  }
  const { accessToken, cookie } = await signUp(server, "Fuzzer");
  return { accessToken, cookie };
}

describe(`fuzzing every endpoint (FUZZ_SEED=${SEED}, ${INPUTS} inputs)`, () => {
  it("finds every REST operation and tRPC procedure", async () => {
    const rest = await restOperations();
    const procedures = trpcProcedures();
    expect(rest.map((op) => `${op.method} ${op.path}`)).toEqual(expect.arrayContaining(["POST /auth/signup", "GET /deployments", "DELETE /deployments/{id}", "PUT /user/profile"]));
    expect(procedures.map((p) => `${p.type} ${p.path}`)).toEqual(expect.arrayContaining(["mutation auth.login", "query deployment.list", "subscription deployment.logs"]));
  });

  it("answers malformed input without a 5xx, in the right error shape, and stays up with data intact", { timeout: 120_000 }, async () => {
    // Another user's data, which no fuzzed request may change.
    const witness = await signUp(server, "Witness");
    const created = await call<{ id: string }>(server, "POST", "/api/deployments", {
      token: witness.accessToken,
      body: { repository: "https://github.com/acme/site", buildCommand: "npm run build", outputDir: "dist", envVars: "SECRET=kept" },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const witnessId = created.body.id;
    const witnessView = async () =>
      Promise.all(
        ["/api/deployments/" + witnessId, "/api/deployments/" + witnessId + "/logs", "/api/deployments", "/api/user/profile", "/api/user/preferences"].map(async (path) => {
          const answer = await call(server, "GET", path, { token: witness.accessToken });
          expect(answer.status, path).toBe(200);
          return answer.body;
        }),
      );
    const before = await witnessView();

    let credentials = await freshFuzzUser();
    const own = await call<{ id: string }>(server, "POST", "/api/deployments", { token: credentials.accessToken, body: { repository: "https://github.com/acme/own" } });
    expect(own.status).toBe(200);
    const known: KnownValues = { deploymentIds: [own.body.id, witnessId] };

    const rest = await restOperations();
    const procedures = trpcProcedures();
    const endpoints = [...rest.map((op) => ({ kind: "rest" as const, op })), ...procedures.map((procedure) => ({ kind: "trpc" as const, procedure }))];
    const rng = createRng(SEED);
    const requests = Array.from({ length: INPUTS }, (_, index) => {
      const endpoint = endpoints[index % endpoints.length]!;
      return endpoint.kind === "rest" ? restRequest(rng, endpoint.op, known) : trpcRequest(rng, endpoint.procedure, procedures, known);
    });

    const logsBefore = server.logs.length;
    const failures: Failure[] = [];
    const perEndpoint = new Map<string, number>();
    for (let start = 0; start < requests.length; start += BATCH) {
      credentials = await freshFuzzUser(credentials);
      const batch = requests.slice(start, start + BATCH).map((request, offset) => ({ request, index: start + offset }));
      await runPool(batch, async ({ request, index }) => {
        perEndpoint.set(request.endpoint, (perEndpoint.get(request.endpoint) ?? 0) + 1);
        const summary = `${request.method} ${request.path.slice(0, 200)} (${request.auth})`;
        try {
          const answer = await send(request, credentials);
          const problem = request.endpoint.startsWith("rest ") ? restProblem(answer) : trpcProblem(answer);
          if (problem) failures.push({ index, endpoint: request.endpoint, label: request.label, request: summary, problem, status: answer.status, body: answer.text.slice(0, 300) });
        } catch (error) {
          failures.push({ index, endpoint: request.endpoint, label: request.label, request: summary, problem: `no answer: ${String(error)}` });
        }
      });
    }
    const errorLogs = server.logs.slice(logsBefore).filter((line) => typeof line.level === "number" && line.level >= 50);
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify({ failures, errorLogs }, null, 2));

    const report = (what: string) => `${what} (reproduce with FUZZ_SEED=${SEED} FUZZ_INPUTS=${INPUTS})`;
    expect(failures.sort((a, b) => a.index - b.index), report(`${failures.length} bad answers`)).toEqual([]);
    expect(
      errorLogs.map((line) => ({ msg: line.msg, err: (line.err as { message?: string } | undefined)?.message, path: line.path })),
      report("errors logged while fuzzing"),
    ).toEqual([]);
    // Every endpoint got its share.
    expect(perEndpoint.size).toBe(endpoints.length);
    for (const [endpoint, count] of perEndpoint) expect(count, endpoint).toBeGreaterThanOrEqual(Math.floor(INPUTS / endpoints.length));

    // No request polluted the server's (this process's) prototypes.
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(Object.prototype).not.toHaveProperty("isAdmin");

    // Still up and answering correctly: probes, a new user, a signed-in call, a valid deployment.
    expect((await call(server, "GET", "/healthz")).status).toBe(200);
    expect((await call(server, "GET", "/readyz")).status).toBe(200);
    const after = await signUp(server, "After");
    const session = await call<{ user: { email: string } }>(server, "GET", "/api/auth/session", { token: after.accessToken });
    expect(session.status).toBe(200);
    expect(session.body.user.email).toBe(after.email);
    const deployment = await call<{ status: string }>(server, "POST", "/api/deployments", { token: after.accessToken, body: { repository: "https://github.com/acme/after" } });
    expect(deployment.status, JSON.stringify(deployment.body)).toBe(200);
    expect(deployment.body.status).toBe("queued");

    // The witness still signs in, and their deployment, logs, list, profile and preferences are as they were.
    expect(await witnessView()).toEqual(before);
    expect((await call(server, "POST", "/api/auth/login", { body: { email: witness.email, password: witness.password } })).status).toBe(200);
  });
});
