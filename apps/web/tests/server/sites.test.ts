import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sitePath } from "../../server/site-paths.js";
import { siteGet, startSiteTestServer, type SiteTestServer } from "./fixtures/sites.js";

// Deployed sites are served by host (<slug>.<APP_DOMAIN>) from real artifacts
// in the local artifact store, with the platform's own middleware kept away.
// Requests on a kept-alive connection mostly go through the site fast lane
// (site-lane.test.ts is about the lane itself); every answer here must be the
// same either way.

let sites: SiteTestServer;
let storeReads: string[];
let port: string;

const get = (host: string, pathname: string, headers: Record<string, string> = {}, method = "GET") => siteGet(port, host, pathname, headers, method);

const bigHtml = `<!doctype html><title>Home</title>${"<p>hello world</p>".repeat(200)}`;

beforeAll(async () => {
  sites = await startSiteTestServer();
  ({ storeReads, port } = sites);
  await sites.deploy("blog-a1b2c3", "blog-a1b2c3-00000001", {
    "index.html": bigHtml,
    "about/index.html": "<h1>About</h1>",
    "assets/app-3f9c2a1b.js": "console.log('app');".repeat(100),
    "404.html": "<h1>Custom not found</h1>",
    "data.json": '{"ok":true}',
  });
  await sites.deploy("spa-d4e5f6", "spa-d4e5f6-00000001", { "index.html": "<div id=root></div>" }, { spaFallback: true });
}, 60_000);

afterAll(async () => {
  await sites?.close();
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

  it("prefers the smaller brotli variant when both are accepted", async () => {
    const response = await get("blog-a1b2c3.localhost", "/", { "accept-encoding": "gzip, deflate, br" });
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.headers.vary).toContain("Accept-Encoding");
    expect(response.headers["content-length"]).toBe(String(response.body.length));
    expect(brotliDecompressSync(response.body).toString()).toBe(bigHtml);
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
    await sites.deploy("broken-0a0b0c", "broken-0a0b0c-00000001", { "index.html": "x" }, { status: "failed" });
    expect((await get("broken-0a0b0c-00000001.localhost", "/")).status).toBe(404);
    expect((await get("broken-0a0b0c.localhost", "/")).status).toBe(404);
    expect((await get("nothing-here.localhost", "/")).status).toBe(404);
  });

  it("switches the production URL to the new deployment", async () => {
    await sites.deploy("blog-a1b2c3", "blog-a1b2c3-00000002", { "index.html": "<h1>v2</h1>" });
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

describe("site serving from memory", () => {
  it("reads a file from the artifact store once, then answers from memory with the same bytes and headers", async () => {
    const deployment = await sites.deploy("cache-0c0c0c", "cache-0c0c0c-00000001", { "index.html": bigHtml, "style.css": "body{}" });
    const before = storeReads.length;
    const responses = [];
    for (let i = 0; i < 5; i++) responses.push(await get("cache-0c0c0c.localhost", "/", { "accept-encoding": "gzip" }));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(response.body).toString()).toBe(bigHtml);
      expect(response.headers.etag).toBe(responses[0]!.headers.etag);
      expect(response.headers["content-length"]).toBe(String(response.body.length));
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
    }
    // Query strings do not matter, and HEAD and 304 come from memory too.
    expect(gunzipSync((await get("cache-0c0c0c.localhost", "/?utm=1", { "accept-encoding": "gzip" })).body).toString()).toBe(bigHtml);
    expect((await get("cache-0c0c0c.localhost", "/", { "accept-encoding": "gzip" }, "HEAD")).body.length).toBe(0);
    expect((await get("cache-0c0c0c.localhost", "/", { "accept-encoding": "gzip", "if-none-match": responses[0]!.headers.etag! })).status).toBe(304);
    expect(storeReads.slice(before)).toEqual([`${deployment.id}/index.html`]);
    // Without gzip: the original, read once as well.
    expect((await get("cache-0c0c0c.localhost", "/")).body.toString()).toBe(bigHtml);
    expect((await get("cache-0c0c0c.localhost", "/")).body.toString()).toBe(bigHtml);
    expect(storeReads.slice(before)).toEqual([`${deployment.id}/index.html`, `${deployment.id}/index.html`]);
  });

  it("shows a new production deployment within the 2 s lookup cache, even with the old files in memory", async () => {
    await sites.deploy("switch-5w5w5w", "switch-5w5w5w-00000001", { "index.html": "<h1>one</h1>" });
    expect((await get("switch-5w5w5w.localhost", "/")).body.toString()).toBe("<h1>one</h1>");
    await sites.deploy("switch-5w5w5w", "switch-5w5w5w-00000002", { "index.html": "<h1>two</h1>" });
    const switched = Date.now();
    let body = "";
    while (Date.now() - switched < 5000) {
      body = (await get("switch-5w5w5w.localhost", "/")).body.toString();
      if (body === "<h1>two</h1>") break;
      expect(body).toBe("<h1>one</h1>");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(body).toBe("<h1>two</h1>");
    expect(Date.now() - switched).toBeLessThan(2500);
    // Once switched, never back: and the old deployment keeps its own URL.
    for (let i = 0; i < 3; i++) expect((await get("switch-5w5w5w.localhost", "/")).body.toString()).toBe("<h1>two</h1>");
    expect((await get("switch-5w5w5w-00000001.localhost", "/")).body.toString()).toBe("<h1>one</h1>");
  });

  it("streams large files from the store instead of keeping them", async () => {
    const large = "x".repeat(1536 * 1024) + "end";
    const deployment = await sites.deploy("large-1a1a1a", "large-1a1a1a-00000001", { "video.bin": large });
    const before = storeReads.length;
    for (let i = 0; i < 2; i++) {
      const response = await get("large-1a1a1a.localhost", "/video.bin");
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("application/octet-stream");
      expect(response.headers["content-length"]).toBe(String(large.length));
      expect(response.body.toString()).toBe(large);
    }
    expect(storeReads.slice(before).every((read) => read === `${deployment.id}/video.bin`)).toBe(true);
    expect(storeReads.length - before).toBeGreaterThanOrEqual(2);
  });

  it("takes the cheap path only for paths that need no decoding or normalising", () => {
    expect(sitePath("/")).toBe("");
    expect(sitePath("/assets/app-3f9c2a1b.js")).toBe("assets/app-3f9c2a1b.js");
    expect(sitePath("/about/")).toBe("about/");
    expect(sitePath("//about")).toBe("about");
    expect(sitePath("/a/./b")).toBe("a/b");
    expect(sitePath("/%61bout")).toBe("about");
    expect(sitePath("/a/../../etc/passwd")).toBeNull();
    expect(sitePath("/..%2fetc")).toBeNull();
    expect(sitePath("/a%5cb")).toBeNull();
  });
});
