import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlRoutes, googleRoutes, OAUTH_TEST_CONFIG, oauthEnvFor, oauthRoutes, startGitHubStandIn, type GitHubStandIn } from "@autostack/api/testing/github-stand-in";
import { call, freshIp, startTestServer, uniqueEmail, type ErrorBody, type TestServer } from "./harness.js";

// Sign-in with GitHub and Google over real HTTP: the browser's redirect dance
// (server → stand-in consent → callback → return path) with its cookies,
// and every failure landing on /login with an error code and no session.

let standIn: GitHubStandIn;
let server: TestServer;
const oauthEnv = () => oauthEnvFor(standIn);
beforeAll(async () => {
  standIn = await startGitHubStandIn(OAUTH_TEST_CONFIG, [...oauthRoutes, ...googleRoutes, ...controlRoutes]);
  server = await startTestServer({ env: oauthEnv() });
});
afterAll(async () => {
  await server?.close();
  await standIn?.close();
});

/** One browser: follows redirects by hand across hosts, keeping the server's cookies. */
function browser(target: TestServer = server) {
  const jar = new Map<string, string>();
  const ip = freshIp();
  const seen: string[] = [];
  async function get(url: string) {
    const own = url.startsWith(target.url);
    const headers: Record<string, string> = own ? { "x-forwarded-for": ip, cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } : {};
    const response = await fetch(url, { headers, redirect: "manual" });
    const setCookies = response.headers.getSetCookie();
    if (own) {
      seen.push(...setCookies);
      for (const header of setCookies) {
        const [pair] = header.split(";");
        const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
        if (/Max-Age=0/i.test(header)) jar.delete(name);
        else jar.set(name, value);
      }
    }
    await response.body?.cancel();
    return { status: response.status, location: response.headers.get("location"), setCookies };
  }
  /** Follows redirects from `path` until an answer that is not one, or a page of the app; returns the hops. */
  async function follow(path: string, rewrite?: (url: URL) => void) {
    const hops: { url: string; status: number; location: string | null; setCookies: string[] }[] = [];
    let url = new URL(path, target.url).toString();
    for (let i = 0; i < 5; i++) {
      const answer = await get(url);
      hops.push({ url, ...answer });
      if (answer.status !== 302 || !answer.location) break;
      const next = new URL(answer.location, url);
      if (next.origin === target.url && !next.pathname.startsWith("/api/")) break; // a page: the journey ends here
      rewrite?.(next);
      url = next.toString();
    }
    return { hops, last: hops.at(-1)!, final: new URL(hops.at(-1)!.location ?? "", target.url) };
  }
  return { jar, seen, follow, cookieHeader: () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ") };
}

let nextId = 5000;
function githubUser(verified = true) {
  const id = nextId++;
  const email = uniqueEmail("gh");
  standIn.state.users.push({ id, login: `web${id}`, name: `Web ${id}`, emails: [{ email, primary: true, verified }] });
  standIn.state.signedInUserId = id;
  return { id, email };
}

async function profileOf(cookie: string) {
  return call<{ email: string }>(server, "GET", "/api/user/profile", { cookie });
}

const hasSession = (setCookies: string[]) => setCookies.some((c) => /^autostack_session=[^;]+/.test(c));

describe("GitHub sign-in over HTTP", () => {
  it("start → consent → callback: signed in by the session cookie, at the return path", async () => {
    const { email } = githubUser();
    const b = browser();
    const { hops, final } = await b.follow("/api/auth/github?redirectTo=%2Fsettings%3Ftab%3Dgithub");
    expect(hops[0]!.status).toBe(302);
    const stateCookie = hops[0]!.setCookies.find((c) => c.startsWith("autostack_oauth="));
    expect(stateCookie).toMatch(/; Path=\/api\/auth; Max-Age=600; HttpOnly; SameSite=Lax$/);
    expect(new URL(hops[1]!.url).pathname).toBe("/login/oauth/authorize");
    expect(new URL(hops[2]!.url).pathname).toBe("/api/auth/github/callback");
    expect(final.pathname + final.search).toBe("/settings?tab=github");
    expect(hops[2]!.setCookies.find((c) => c.startsWith("autostack_session="))).toMatch(/HttpOnly; SameSite=Lax/);
    expect(b.jar.has("autostack_oauth")).toBe(false);
    const profile = await profileOf(b.cookieHeader());
    expect(profile.status).toBe(200);
    expect(profile.body.email).toBe(email);
  });

  it("a forged state lands on /login?error=oauth_state with no session", async () => {
    githubUser();
    const b = browser();
    const { final, last } = await b.follow("/api/auth/github", (next) => {
      if (next.pathname.endsWith("/callback")) next.searchParams.set("state", "forged-by-an-attacker-0000");
    });
    expect(final.pathname + final.search).toBe("/login?error=oauth_state&provider=github");
    expect(hasSession(b.seen)).toBe(false);
    expect(last.setCookies.some((c) => /^autostack_oauth=;.*Max-Age=0/.test(c))).toBe(true);
    expect((await profileOf(b.cookieHeader())).status).toBe(401);
  });

  it("a callback without the flow cookie (another browser's link) is refused", async () => {
    githubUser();
    // The attacker starts a sign-in and stops at the callback link, then gets a victim to open it.
    const start = await call(server, "GET", "/api/auth/github");
    const consent = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const callback = consent.headers.get("location")!;
    expect(new URL(callback).pathname).toBe("/api/auth/github/callback");
    const victim = browser();
    const { final } = await victim.follow(callback);
    expect(final.search).toBe("?error=oauth_state&provider=github");
    expect(hasSession(victim.seen)).toBe(false);
  });

  it("denied consent lands on /login?error=oauth_denied with no session", async () => {
    standIn.state.signedInUserId = null;
    const b = browser();
    const { final } = await b.follow("/api/auth/github");
    expect(final.pathname + final.search).toBe("/login?error=oauth_denied&provider=github");
    expect(hasSession(b.seen)).toBe(false);
  });

  it("a bad code lands on /login?error=oauth_code with no session", async () => {
    githubUser();
    const b = browser();
    const { final } = await b.follow("/api/auth/github", (next) => {
      if (next.pathname.endsWith("/callback")) next.searchParams.set("code", "made-up-code");
    });
    expect(final.pathname + final.search).toBe("/login?error=oauth_code&provider=github");
    expect(hasSession(b.seen)).toBe(false);
  });

  it("no verified address lands on /login?error=oauth_email with no session", async () => {
    githubUser(false);
    const b = browser();
    const { final } = await b.follow("/api/auth/github");
    expect(final.search).toBe("?error=oauth_email&provider=github");
    expect(hasSession(b.seen)).toBe(false);
  });

  it("an unknown provider is an ordinary 404 in the envelope", async () => {
    const result = await call<ErrorBody>(server, "GET", "/api/auth/gitlab");
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe("NOT_FOUND");
  });
});

describe("Google sign-in over HTTP", () => {
  it("the PKCE flow signs in and lands on /dashboard", async () => {
    const user = { sub: `g-${nextId++}`, name: "Grace Web", email: uniqueEmail("google"), emailVerified: true };
    standIn.state.googleUsers.push(user);
    standIn.state.googleSignedInSub = user.sub;
    const b = browser();
    const { hops, final } = await b.follow("/api/auth/google");
    expect(new URL(hops[1]!.url).searchParams.get("code_challenge_method")).toBe("S256");
    expect(final.pathname).toBe("/dashboard");
    expect((await profileOf(b.cookieHeader())).body.email).toBe(user.email);
  });
});

describe("configuration and limits", () => {
  it("without client id and secret both routes go back to /login saying so", async () => {
    const bare = await startTestServer();
    try {
      for (const path of ["/api/auth/github", "/api/auth/google/callback?code=x&state=y"]) {
        const result = await call(bare, "GET", path);
        expect(result.status).toBe(302);
        expect(result.headers.get("location")).toMatch(/^\/login\?error=oauth_not_configured&provider=(github|google)$/);
        expect(result.setCookies.filter((c) => !c.includes("Max-Age=0"))).toEqual([]);
      }
    } finally {
      await bare.close();
    }
  });

  it("start and callback count against RATE_LIMIT_AUTH_PER_MINUTE", async () => {
    const limited = await startTestServer({ env: { ...oauthEnv(), RATE_LIMIT_AUTH_PER_MINUTE: "2" } });
    try {
      const ip = freshIp();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push((await call(limited, "GET", "/api/auth/github", { ip })).headers.get("location"));
      expect(answers[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\/oauth\/authorize\?/);
      expect(answers[1]).toMatch(/\/login\/oauth\/authorize\?/);
      expect(answers[2]).toBe("/login?error=oauth_rate_limited&provider=github");
    } finally {
      await limited.close();
    }
  });
});
