import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "@autostack/api";
import { createArtifactStorage, type ArtifactStorage } from "@autostack/api/services";
import { startTestServer, type TestServer } from "./harness.js";

// Deployed sites are served by host (<slug>.<APP_DOMAIN>) from real artifacts
// in the local artifact store, with the platform's own middleware kept away.

let server: TestServer;
let storage: ArtifactStorage;
let dataDir: string;
let port: string;

/** fetch() cannot set Host; a raw request can, as a browser on *.localhost would. */
function get(host: string, pathname: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: pathname, method, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function makeSite(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "site-"));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

async function deploy(
  userId: string,
  projectSlug: string,
  deploymentSlug: string,
  files: Record<string, string>,
  options: { status?: string; spaFallback?: boolean; production?: boolean } = {},
) {
  const db = server.deps.db;
  const project = await db.project.upsert({
    where: { slug: projectSlug },
    create: { userId, name: projectSlug, repository: `https://example.com/${projectSlug}.git`, slug: projectSlug, spaFallback: options.spaFallback ?? false },
    update: {},
  });
  const deployment = await db.deployment.create({
    data: {
      userId,
      projectId: project.id,
      slug: deploymentSlug,
      repository: project.repository,
      buildCommand: "",
      outputDir: ".",
      status: options.status ?? "success",
    },
  });
  const dir = await makeSite(files);
  const uploaded = await storage.uploadDirectory(deployment.id, dir);
  await rm(dir, { recursive: true, force: true });
  await db.deployment.update({ where: { id: deployment.id }, data: { artifactKey: deployment.id, artifactFiles: uploaded.files } });
  if (options.production !== false) await db.project.update({ where: { id: project.id }, data: { productionDeploymentId: deployment.id } });
  return deployment;
}

const bigHtml = `<!doctype html><title>Home</title>${"<p>hello world</p>".repeat(200)}`;
let userId: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "artifacts-"));
  storage = createArtifactStorage(parseEnv({ DATABASE_URL: "postgresql://unused/db", JWT_SECRET: "x".repeat(32), DATA_DIR: dataDir }));
  server = await startTestServer({ env: { DATA_DIR: dataDir, APP_DOMAIN: "localhost" }, siteStorage: storage });
  port = new URL(server.url).port;
  const user = await server.deps.db.user.create({ data: { name: "Site Owner", email: "sites@example.com" } });
  userId = user.id;
  await deploy(userId, "blog-a1b2c3", "blog-a1b2c3-00000001", {
    "index.html": bigHtml,
    "about/index.html": "<h1>About</h1>",
    "assets/app-3f9c2a1b.js": "console.log('app');".repeat(100),
    "404.html": "<h1>Custom not found</h1>",
    "data.json": '{"ok":true}',
  });
  await deploy(userId, "spa-d4e5f6", "spa-d4e5f6-00000001", { "index.html": "<div id=root></div>" }, { spaFallback: true });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("site serving", () => {
  it("serves index.html for the root and directories with HTML content type and revalidation", async () => {
    const root = await get("blog-a1b2c3.localhost", "/");
    expect(root.status).toBe(200);
    expect(root.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(root.body.toString()).toBe(bigHtml);
    expect(root.headers["cache-control"]).toBe("public, max-age=0, must-revalidate");
    const about = await get("blog-a1b2c3.localhost", "/about/");
    expect(about.body.toString()).toBe("<h1>About</h1>");
    expect((await get("blog-a1b2c3.localhost", "/about")).body.toString()).toBe("<h1>About</h1>");
  });

  it("answers 304 to a matching ETag", async () => {
    const first = await get("blog-a1b2c3.localhost", "/data.json");
    expect(first.headers["content-type"]).toBe("application/json; charset=utf-8");
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const second = await get("blog-a1b2c3.localhost", "/data.json", { "if-none-match": etag });
    expect(second.status).toBe(304);
    expect(second.body.length).toBe(0);
  });

  it("sends the precompressed gzip variant when accepted, with Vary", async () => {
    const response = await get("blog-a1b2c3.localhost", "/", { "accept-encoding": "gzip" });
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(response.headers.vary).toContain("Accept-Encoding");
    expect(gunzipSync(response.body).toString()).toBe(bigHtml);
  });

  it("caches content-hashed assets for a year", async () => {
    const response = await get("blog-a1b2c3.localhost", "/assets/app-3f9c2a1b.js");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("serves the site's 404.html with status 404, and falls back to index.html for single-page apps", async () => {
    const missing = await get("blog-a1b2c3.localhost", "/nope");
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toBe("<h1>Custom not found</h1>");
    const route = await get("spa-d4e5f6.localhost", "/dashboard/settings");
    expect(route.status).toBe(200);
    expect(route.body.toString()).toBe("<div id=root></div>");
    expect((await get("spa-d4e5f6.localhost", "/missing.js")).status).toBe(404);
  });

  it("serves a deployment by its own slug, and nothing for failed deployments or unknown slugs", async () => {
    expect((await get("blog-a1b2c3-00000001.localhost", "/about/")).body.toString()).toBe("<h1>About</h1>");
    await deploy(userId, "broken-0a0b0c", "broken-0a0b0c-00000001", { "index.html": "x" }, { status: "failed" });
    expect((await get("broken-0a0b0c-00000001.localhost", "/")).status).toBe(404);
    expect((await get("broken-0a0b0c.localhost", "/")).status).toBe(404);
    expect((await get("nothing-here.localhost", "/")).status).toBe(404);
  });

  it("switches the production URL to the new deployment", async () => {
    await deploy(userId, "blog-a1b2c3", "blog-a1b2c3-00000002", { "index.html": "<h1>v2</h1>" });
    await new Promise((r) => setTimeout(r, 2100)); // slug lookups are cached for 2 s
    expect((await get("blog-a1b2c3.localhost", "/")).body.toString()).toBe("<h1>v2</h1>");
    expect((await get("blog-a1b2c3-00000001.localhost", "/")).body.toString()).toBe(bigHtml);
  });

  it("refuses traversal and malformed paths, and never leaks files outside the artifact", async () => {
    for (const attempt of ["/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/a%00b", "/%E0%A4%A"]) {
      const response = await get("blog-a1b2c3.localhost", attempt);
      expect([400, 404], attempt).toContain(response.status);
      expect(response.body.toString()).not.toContain("root:");
    }
  });

  it("keeps the platform away from site hosts: no app CSP, no API, no cookies; HEAD and 405", async () => {
    const response = await get("blog-a1b2c3.localhost", "/api/auth/session");
    expect(response.status).toBe(404);
    expect(response.headers["content-security-policy"]).toBeUndefined();
    expect(response.headers["set-cookie"]).toBeUndefined();
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    const head = await get("blog-a1b2c3.localhost", "/", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await get("blog-a1b2c3.localhost", "/", {}, "POST")).status).toBe(405);
    // The platform itself is still served on its own host.
    expect((await get(`127.0.0.1:${port}`, "/healthz")).status).toBe(200);
  });
});
