import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext, createCookieCollector, parseCookieHeader } from "../context.js";
import { toErrorEnvelope } from "../errors.js";
import { parseEnv } from "../env.js";
import { createCaller } from "../root.js";
import { createHarness, type Harness } from "../testing/harness.js";

// The session cookie cannot be set or shadowed by a deployed site: over https
// it is `__Host-` prefixed (only this exact host may set it), and a cookie
// name sent twice — what a subdomain that tosses its own cookie produces — is
// not resolved either way: the request is treated as signed out.

const email = () => `cookie-${Math.random().toString(36).slice(2)}@example.com`;

describe("session cookie over https", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ APP_URL: "https://app.example.com", APP_DOMAIN: "sites.example.com" });
  });
  afterAll(() => h.close());

  it("is __Host- prefixed, Secure, Path=/ and has no Domain", async () => {
    const browser = await h.browser();
    await (await browser.caller()).auth.signup({ name: "Host", email: email(), password: "password123" });
    const header = browser.setCookies.find((line) => line.startsWith("__Host-autostack_session="));
    expect(header).toBeDefined();
    expect(header).toMatch(/; Secure/i);
    expect(header).toMatch(/; Path=\//i);
    expect(header).not.toMatch(/Domain=/i);
    expect(browser.cookies.has("autostack_session")).toBe(false);
    expect((await (await browser.caller()).auth.session()).user.email).toContain("@example.com");
  });

  it("a tossed duplicate makes the request signed out instead of picking one", async () => {
    const browser = await h.browser();
    await (await browser.caller()).auth.signup({ name: "Tossed", email: email(), password: "password123" });
    const token = browser.cookies.get("__Host-autostack_session")!;
    const ctx = await createContext(
      h.deps,
      { ip: "203.0.113.30", requestId: randomUUID(), source: "web", cookieHeader: `__Host-autostack_session=attacker-session; __Host-autostack_session=${token}` },
      createCookieCollector(),
    );
    const caller = createCaller(ctx);
    const error = await caller.auth.session().catch((caught: unknown) => toErrorEnvelope(caught).error);
    expect(error).toMatchObject({ code: "UNAUTHORIZED", statusCode: 401 });
  });
});

describe("cookie parsing and configuration", () => {
  it("drops a name sent twice, keeps the others", () => {
    expect(parseCookieHeader("a=1; b=2; a=3")).toEqual({ b: "2" });
    expect(parseCookieHeader("__proto__=x; theme=dark")).toMatchObject({ theme: "dark" });
  });

  it("refuses an APP_URL inside the deployed sites' namespace", () => {
    const base = { DATABASE_URL: "postgresql://localhost/x", JWT_SECRET: "x".repeat(32) };
    expect(() => parseEnv({ ...base, APP_URL: "https://app.sites.example.com", APP_DOMAIN: "sites.example.com" })).toThrow(/inside the deployed sites' namespace/);
    expect(() => parseEnv({ ...base, APP_URL: "http://dashboard.localhost:3000", PORT: "3000" })).toThrow(/APP_URL dashboard\.localhost:3000/);
    expect(parseEnv({ ...base, APP_URL: "https://example.com", APP_DOMAIN: "sites.example.com" }).APP_URL).toBe("https://example.com");
  });
});
