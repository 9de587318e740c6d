import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createDevelopmentRemix, createProductionRemix } from "../../server/remix.js";
import { call, cookiePair, signUp, startTestServer, type TestServer } from "./harness.js";

// The Remix wiring with a small fixture app (tests/server/fixtures/remix-app),
// built for real and served as in production, and through Vite in
// development: the load context, cookies that procedures set during an
// action, static assets, and headers/CSRF on pages.

const webRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixture = path.join(webRoot, "tests/server/fixtures/remix-app");

function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

describe("production: the built Remix app", () => {
  let server: TestServer;

  beforeAll(async () => {
    await promisify(execFile)(path.join(webRoot, "node_modules/.bin/remix"), ["vite:build", "--config", path.join(fixture, "vite.config.ts"), fixture], {
      cwd: webRoot,
      env: { ...process.env, NODE_ENV: "production" },
    });
    server = await startTestServer({ remix: (deps) => createProductionRemix(deps, { appRoot: fixture }) });
  }, 120_000);
  afterAll(() => server?.close());

  it("renders a page whose loader reads the load context (request id, config, tRPC caller)", async () => {
    const page = await call<string>(server, "GET", "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.body).toContain('<p id="who">anonymous</p>');
    expect(page.body).toContain(`<p id="request-id">${page.headers.get("x-request-id")}</p>`);
    expect(page.body).toContain(`<p id="app-url">${server.url}</p>`);
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("a cookie set by a procedure in an action reaches the response, and the next page load is signed in", async () => {
    const { email, password } = await signUp(server);
    const post = await call(server, "POST", "/?index", {
      rawBody: formBody({ email, password }),
      contentType: "application/x-www-form-urlencoded",
      origin: server.url,
    });
    expect(post.status).toBe(302);
    const session = post.setCookies.find((c) => c.startsWith("autostack_session="));
    expect(session, "Set-Cookie from auth.login inside the action").toBeDefined();
    expect(session).toMatch(/HttpOnly/);

    const page = await call<string>(server, "GET", "/", { cookie: cookiePair(session) });
    expect(page.body).toContain(`<p id="who">${email}</p>`);
  });

  it("a form post from a foreign site is refused before Remix runs the action", async () => {
    const { email, password } = await signUp(server);
    const post = await call(server, "POST", "/?index", { rawBody: formBody({ email, password }), contentType: "application/x-www-form-urlencoded", origin: "https://evil.example" });
    expect(post.status).toBe(403);
    expect(post.setCookies).toEqual([]);
  });

  it("serves hashed assets with an immutable one-year cache", async () => {
    const page = await call<string>(server, "GET", "/");
    const asset = /\/assets\/[\w.-]+\.js/.exec(page.body)?.[0];
    expect(asset, "a script under /assets in the page").toBeDefined();
    const response = await fetch(server.url + asset);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
  });

  it("an unknown page is Remix's 404, not the API envelope", async () => {
    const page = await call<string>(server, "GET", "/no-such-page");
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(page.body).toContain("<h1>Page not found</h1>");
  });
});

describe("development: Vite in middleware mode on the same HTTP server", () => {
  let server: TestServer;
  let sigtermListeners: number;

  beforeAll(async () => {
    sigtermListeners = process.listeners("SIGTERM").length;
    server = await startTestServer({
      env: { NODE_ENV: "development" },
      remix: (deps, httpServer) => createDevelopmentRemix(deps, httpServer, { appRoot: fixture }),
    });
  }, 60_000);
  afterAll(() => server?.close());

  it("renders the page through Vite with the dev CSP (eval for HMR)", async () => {
    const page = await call<string>(server, "GET", "/");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<p id="who">anonymous</p>');
    expect(page.headers.get("content-security-policy")).toContain("'unsafe-eval'");
    // Vite's middlewares serve the modules the page imports.
    expect(page.body).toContain("virtual:remix/inject-hmr-runtime");
    const module = await fetch(`${server.url}/app/root.tsx`);
    expect(module.status).toBe(200);
    expect(module.headers.get("content-type")).toMatch(/javascript/);
  }, 30_000);

  it("leaves SIGTERM to server/index.ts (Remix's child compiler would exit the process)", () => {
    expect(process.listeners("SIGTERM")).toHaveLength(sigtermListeners);
  });

  it("Vite's HMR WebSocket and tRPC's share the port", async () => {
    const opens = (url: string, protocol?: string) =>
      new Promise<boolean>((resolve) => {
        const socket = new WebSocket(url, protocol);
        socket.once("open", () => {
          socket.close();
          resolve(true);
        });
        socket.once("error", () => resolve(false));
      });
    const base = server.url.replace(/^http/, "ws");
    expect(await opens(`${base}/`, "vite-hmr")).toBe(true);
    expect(await opens(`${base}/trpc`)).toBe(true);
  });
});
