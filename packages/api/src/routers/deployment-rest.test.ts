import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenApiFetchHandler, forEachOpenApiProcedure, generateOpenApiDocument, getPathRegExp, type OpenApiProcedureRecord } from "trpc-to-openapi";
import { createContext, createCookieCollector } from "../context.js";
import { appRouter } from "../root.js";
import { appendLogs } from "../services/deployments/log-writer.js";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp, type TestUser } from "../testing/deployments.js";
import { createHarness, type Harness } from "../testing/harness.js";

// The procedures' REST faces through trpc-to-openapi itself (the web server
// adds its error envelope on top): paths, methods, path parameters and query
// strings reach the right procedure with the right input.

const run = promisify(execFile);

let h: Harness;
let user: TestUser;
beforeAll(async () => {
  h = await createHarness(DEPLOYMENT_TEST_ENV);
  user = await signUp(h);
});
afterAll(() => h.close());

/** The fields these tests read, from whichever endpoint answered. */
interface Body {
  id: string;
  status: string;
  deployments: { id: string }[];
  pagination: unknown;
  logs: { message: string }[];
  nextCursor: string | null;
  /**
   * On an error: trpc-to-openapi passes the error formatter's shape through,
   * and `data.envelope` is what the web server sends as the whole body
   * (apps/web/server/http-errors.ts: toErrorEnvelope of the same error).
   */
  data?: { envelope?: unknown };
}

async function rest(method: string, path: string, body?: unknown, accessToken = user.accessToken): Promise<{ status: number; body: Body }> {
  const authorization = `Bearer ${accessToken}`;
  const response = await createOpenApiFetchHandler({
    endpoint: "/api",
    router: appRouter,
    req: new Request(`http://localhost/api${path}`, {
      method,
      headers: { authorization, ...(method !== "GET" ? { "content-type": "application/json" } : {}) },
      // The web server parses bodies itself and turns an empty one into {}.
      body: method !== "GET" ? JSON.stringify(body ?? {}) : undefined,
    }),
    createContext: () => createContext(h.deps, { ip: "198.51.100.9", requestId: randomUUID(), source: "api", authorizationHeader: authorization }, createCookieCollector()),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

describe("REST", () => {
  it("routes every deployment endpoint of the spec", async () => {
    const created = await rest("POST", "/deployments", {
      repository: "https://github.com/acme/rest-site",
      branch: "main",
      buildCommand: "npm run build",
      outputDir: "dist",
      envVars: "NODE_ENV=production\nAPI_URL=https://api.example.com",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: "queued", repo: "rest-site", envVarNames: ["NODE_ENV", "API_URL"] });
    const id = created.body.id;
    const other = await queueDeployment(h, user.id);

    const recent = await rest("GET", "/deployments/recent");
    expect(recent.status).toBe(200);
    expect(recent.body.deployments.map((d) => d.id)).toEqual([other.id, id]);

    const page = await rest("GET", "/deployments?page=2&limit=1&status=building&search=rest");
    expect(page.body).toEqual({ deployments: [], pagination: { currentPage: 2, totalPages: 1, totalItems: 1 } });
    expect((await rest("GET", "/deployments?limit=1")).body.pagination).toEqual({ currentPage: 1, totalPages: 2, totalItems: 2 });

    expect((await rest("GET", `/deployments/${id}`)).body).toMatchObject({ id, stages: expect.any(Array) });

    await appendLogs(h.deps.db, id, [{ level: "info", message: "a" }, { level: "info", message: "b" }, { level: "info", message: "c" }]);
    const logs = await rest("GET", `/deployments/${id}/logs?limit=2`);
    expect(logs.body.logs.map((l) => l.message)).toEqual(["a", "b"]);
    const rest2 = await rest("GET", `/deployments/${id}/logs?limit=2&cursor=${logs.body.nextCursor!}`);
    expect(rest2.body).toMatchObject({ logs: [{ message: "c" }], nextCursor: null });
    // 19 digits past PostgreSQL's bigint: an input error, not a failed query.
    const huge = await rest("GET", `/deployments/${id}/logs?cursor=9999999999999999999`);
    expect(huge.status).toBe((await rest("GET", `/deployments/${id}/logs?cursor=abc`)).status);
    expect(huge.body).toMatchObject({ message: "Input validation failed" });
    const tail = await rest("GET", `/deployments/${id}/logs?limit=1&direction=backward`);
    expect(tail.body.logs.map((l) => l.message)).toEqual(["c"]);

    const redeployed = await rest("POST", `/deployments/${id}/redeploy`);
    expect(redeployed.body).toMatchObject({ status: "queued", repo: "rest-site" });
    expect((await rest("POST", `/deployments/${id}/cancel`)).body).toMatchObject({ id, status: "cancelled" });
    expect((await rest("DELETE", `/deployments/${id}`)).body).toEqual({ success: true, message: "Deployment deleted" });
    expect((await rest("GET", `/deployments/${id}`)).status).toBe(404);
    // Not a UUID: an input error, never another route.
    expect((await rest("GET", "/deployments/not-a-uuid")).status).not.toBe(200);
  });
});

describe("REST ownership", () => {
  it("answers another signed-in user 404 DEPLOYMENT_NOT_FOUND on every deployment endpoint, lists nothing of it and changes nothing", async () => {
    const owner = await signUp(h, "Owner");
    const stranger = await signUp(h, "Stranger");
    const created = await rest("POST", "/deployments", { repository: "https://github.com/acme/private-site", buildCommand: "npm run build", outputDir: "dist" }, owner.accessToken);
    expect(created.status).toBe(200);
    const id = created.body.id;
    await appendLogs(h.deps.db, id, [{ level: "info", message: "owner's build line" }]);
    const strangersOwn = await queueDeployment(h, stranger.id);
    const before = await rest("GET", `/deployments/${id}`, undefined, owner.accessToken);
    expect(before.body).toMatchObject({ id, status: "queued", cancelRequested: false });

    // The stranger's token is valid: their own deployment is there, the owner's is not.
    const list = await rest("GET", "/deployments", undefined, stranger.accessToken);
    expect(list.status).toBe(200);
    expect(list.body.deployments.map((d) => d.id)).toEqual([strangersOwn.id]);
    expect((await rest("GET", "/deployments/recent", undefined, stranger.accessToken)).body.deployments.map((d) => d.id)).toEqual([strangersOwn.id]);

    const notFound = { status: 404, envelope: { error: { code: "DEPLOYMENT_NOT_FOUND", message: `Deployment with ID '${id}' not found`, statusCode: 404, details: {} } } };
    for (const [method, path] of [
      ["GET", `/deployments/${id}`],
      ["GET", `/deployments/${id}/logs`],
      ["POST", `/deployments/${id}/cancel`],
      ["POST", `/deployments/${id}/redeploy`],
      ["DELETE", `/deployments/${id}`],
    ] as const) {
      const answer = await rest(method, path, undefined, stranger.accessToken);
      expect({ route: `${method} ${path}`, status: answer.status, envelope: answer.body.data?.envelope }).toEqual({ route: `${method} ${path}`, ...notFound });
    }

    // For its owner the deployment is exactly as it was: not cancelled, not deleted, not redeployed.
    const after = await rest("GET", `/deployments/${id}`, undefined, owner.accessToken);
    expect(after).toEqual(before);
    expect((await rest("GET", `/deployments/${id}/logs`, undefined, owner.accessToken)).body.logs.map((l) => l.message)).toEqual(["owner's build line"]);
    expect((await rest("GET", "/deployments", undefined, owner.accessToken)).body.deployments.map((d) => d.id)).toEqual([id]);
    expect(await h.deps.db.deployment.count({ where: { userId: { in: [owner.id, stranger.id] } } })).toBe(2);
  });
});

describe("REST: detect", () => {
  it("answers GET /deployments/detect from the query string, and 422 on a bad one", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "autostack-rest-detect-"));
    try {
      await writeFile(path.join(dir, "index.html"), "<h1>hi</h1>");
      const git = (...args: string[]) => run("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir });
      await git("init", "-q");
      await git("add", "-A");
      await git("commit", "-qm", "site");
      const query = new URLSearchParams({ repository: pathToFileURL(dir).href, branch: "main", rootDirectory: "" });
      const found = await rest("GET", `/deployments/detect?${query}`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ framework: { id: "static" }, outputDir: ".", buildCommand: "" });
      const missing = await rest("GET", `/deployments/detect?${new URLSearchParams({ repository: pathToFileURL(dir).href, branch: "gone" })}`);
      expect(missing.status).toBe(422);
      expect(missing.body.data?.envelope).toMatchObject({ error: { details: { fields: { branch: 'No branch "gone" in this repository' } } } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("REST routes", () => {
  it("serves GET /deployments/recent from `recent`, not from `get` with id=recent", () => {
    const gets: { path: string; regexp: RegExp }[] = [];
    forEachOpenApiProcedure(appRouter._def.procedures as OpenApiProcedureRecord, ({ path, meta }) => {
      if (meta.openapi.method === "GET") gets.push({ path, regexp: getPathRegExp(meta.openapi.path) });
    });
    const route = (url: string) => gets.find((g) => g.regexp.test(url))?.path;
    expect(route("/deployments/recent")).toBe("deployment.recent");
    expect(route("/deployments/detect")).toBe("deployment.detect");
    expect(route("/deployments/1b4e28ba-2fa1-11d2-883f-0016d3cca427")).toBe("deployment.get");
    expect(route("/deployments/1b4e28ba-2fa1-11d2-883f-0016d3cca427/logs")).toBe("deployment.logPage");
    expect(route("/deployments")).toBe("deployment.list");
  });

  it("documents every deployment endpoint at the spec's path and method", () => {
    const document = generateOpenApiDocument(appRouter, { title: "t", version: "1", baseUrl: "http://localhost/api" });
    const paths = document.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths["/deployments"]!).sort()).toEqual(["get", "post"]);
    expect(Object.keys(paths["/deployments/recent"]!)).toEqual(["get"]);
    expect(Object.keys(paths["/deployments/detect"]!)).toEqual(["get"]);
    expect(Object.keys(paths["/deployments/{id}"]!).sort()).toEqual(["delete", "get"]);
    expect(Object.keys(paths["/deployments/{id}/logs"]!)).toEqual(["get"]);
    expect(Object.keys(paths["/deployments/{id}/cancel"]!)).toEqual(["post"]);
    expect(Object.keys(paths["/deployments/{id}/redeploy"]!)).toEqual(["post"]);
  });
});
