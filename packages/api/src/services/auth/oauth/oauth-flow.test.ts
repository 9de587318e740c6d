import { randomUUID } from "node:crypto";
import { generateCodeVerifier } from "arctic";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlRoutes, OAUTH_TEST_CONFIG, oauthEnvFor } from "../../../testing/github-stand-in/control-routes.js";
import { googleRoutes } from "../../../testing/github-stand-in/google-routes.js";
import { oauthRoutes } from "../../../testing/github-stand-in/oauth-routes.js";
import { startGitHubStandIn, type GitHubStandIn } from "../../../testing/github-stand-in/server.js";
import { createHarness, uniqueEmail, type Harness } from "../../../testing/harness.js";
import { hashToken } from "../tokens.js";
import { finishOAuth, startOAuth, type OAuthRedirect } from "./flow.js";
import type { OAuthProviderName } from "./providers.js";

// The sign-in flow as the route runs it, against the GitHub/Google stand-in
// over real HTTP and a real database: state and PKCE checks, linking only by
// a verified address, reuse of a link, and no session on any failure.

const config = OAUTH_TEST_CONFIG;

let standIn: GitHubStandIn;
let h: Harness;
beforeAll(async () => {
  standIn = await startGitHubStandIn(config, [...oauthRoutes, ...googleRoutes, ...controlRoutes]);
  h = await createHarness({ RATE_LIMIT_AUTH_PER_MINUTE: "1000", APP_URL: "http://localhost:3000", ...oauthEnvFor(standIn) });
});
afterAll(async () => {
  await h.close();
  await standIn.close();
});

const req = () => ({ ip: "203.0.113.50", requestId: randomUUID(), userAgent: "vitest" });
const cookieHeaderOf = (outcome: OAuthRedirect) => outcome.cookies.map((c) => `${c.name}=${encodeURIComponent(c.value)}`).join("; ");

let nextId = 1000;
function githubUser(emails: { email: string; primary?: boolean; verified: boolean }[]) {
  const id = nextId++;
  const user = { id, login: `octo${id}`, name: `Octo ${id}`, emails: emails.map((e) => ({ primary: false, ...e })) };
  standIn.state.users.push(user);
  return user;
}

/** Start → the stand-in's consent screen → back: the callback's query and the flow cookie. */
async function consent(provider: OAuthProviderName, redirectTo?: string) {
  const start = await startOAuth(h.deps, req(), provider, { redirectTo });
  const answer = await fetch(start.location, { redirect: "manual" });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get("location")!);
  const q = back.searchParams;
  return { start, back, query: { code: q.get("code"), state: q.get("state"), error: q.get("error") }, cookieHeader: cookieHeaderOf(start) };
}

async function signInAs(provider: OAuthProviderName, redirectTo?: string) {
  const { query, cookieHeader } = await consent(provider, redirectTo);
  return finishOAuth(h.deps, { ...req(), cookieHeader }, provider, query);
}

function sessionCookieOf(outcome: OAuthRedirect) {
  return outcome.cookies.find((c) => c.name === "autostack_session" && c.value !== "");
}

async function sessionUserId(outcome: OAuthRedirect) {
  const cookie = sessionCookieOf(outcome);
  expect(cookie, "a session cookie").toBeDefined();
  const session = await h.deps.db.session.findUnique({ where: { token: hashToken(cookie!.value) } });
  return session?.userId;
}

function expectFailure(outcome: OAuthRedirect, code: string, provider = "github") {
  expect(outcome.location).toBe(`/login?error=oauth_${code}&provider=${provider}`);
  expect(sessionCookieOf(outcome)).toBeUndefined();
}

describe("GitHub", () => {
  it("starts at GITHUB_URL/login/oauth/authorize with state, scopes and the default callback, in a short-lived HttpOnly Lax cookie", async () => {
    const start = await startOAuth(h.deps, req(), "github", {});
    const url = new URL(start.location);
    expect(`${url.origin}${url.pathname}`).toBe(`${standIn.url}/login/oauth/authorize`);
    expect(url.searchParams.get("scope")).toBe("read:user user:email");
    expect(url.searchParams.get("client_id")).toBe(config.oauthClientId);
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost:3000/api/auth/github/callback");
    expect(url.searchParams.get("code_challenge")).toBeNull();
    const state = url.searchParams.get("state")!;
    expect(state.length).toBeGreaterThanOrEqual(20);
    const [cookie] = start.cookies;
    expect(cookie).toMatchObject({ name: "autostack_oauth", options: { httpOnly: true, sameSite: "lax", path: "/api/auth", maxAge: 600, secure: false } });
    expect(JSON.parse(cookie!.value)).toMatchObject({ provider: "github", state, codeVerifier: null, redirectTo: "/dashboard" });
  });

  it("over https the flow cookie is __Host- prefixed, Secure and on Path=/ (no subdomain can plant one)", async () => {
    standIn.state.signedInUserId = githubUser([{ email: uniqueEmail("https"), primary: true, verified: true }]).id;
    const deps = { ...h.deps, env: { ...h.deps.env, httpsOnly: true } };
    const start = await startOAuth(deps, req(), "github", {});
    expect(start.cookies[0]).toMatchObject({ name: "__Host-autostack_oauth", options: { secure: true, path: "/", httpOnly: true, sameSite: "lax" } });
    const back = new URL((await fetch(start.location, { redirect: "manual" })).headers.get("location")!);
    const query = { code: back.searchParams.get("code"), state: back.searchParams.get("state") };
    // The same flow under the plain name (as a subdomain could set it) is not read.
    const planted = `autostack_oauth=${encodeURIComponent(start.cookies[0]!.value)}`;
    expectFailure(await finishOAuth(deps, { ...req(), cookieHeader: planted }, "github", query), "state");
    // Under its own name it completes.
    const outcome = await finishOAuth(deps, { ...req(), cookieHeader: cookieHeaderOf(start) }, "github", query);
    expect(outcome.cookies.find((c) => c.name === "__Host-autostack_session")).toBeDefined();
  });

  it("creates a passwordless account from the verified primary address, links the identity and starts a session", async () => {
    const email = uniqueEmail("octo");
    const gh = githubUser([
      { email: uniqueEmail("unverified"), verified: false },
      { email, primary: true, verified: true },
    ]);
    standIn.state.signedInUserId = gh.id;
    const outcome = await signInAs("github", "/deployments?page=2");
    expect(outcome.location).toBe("/deployments?page=2");
    expect(outcome.cookies.find((c) => c.name === "autostack_oauth")?.options.maxAge).toBe(0);
    const userId = await sessionUserId(outcome);
    const user = await h.deps.db.user.findUniqueOrThrow({ where: { id: userId! }, include: { oauthAccounts: true, preferences: true } });
    expect(user).toMatchObject({ email, name: gh.name, passwordHash: null, emailVerified: true });
    expect(user.preferences).not.toBeNull();
    expect(user.oauthAccounts.map((a) => [a.provider, a.providerUserId])).toEqual([["github", String(gh.id)]]);

    // The password login refuses the passwordless account like any wrong password.
    const api = await h.api();
    await expect(api.auth.login({ email, password: "any password at all", rememberMe: false })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("signing in again reuses the link: same user, no second account or link", async () => {
    const gh = githubUser([{ email: uniqueEmail("again"), primary: true, verified: true }]);
    standIn.state.signedInUserId = gh.id;
    const first = await sessionUserId(await signInAs("github"));
    // Even after the address changed at GitHub, the link decides.
    gh.emails = [{ email: uniqueEmail("changed"), primary: true, verified: true }];
    const second = await sessionUserId(await signInAs("github"));
    expect(second).toBe(first);
    expect(await h.deps.db.oAuthAccount.count({ where: { providerUserId: String(gh.id) } })).toBe(1);
    expect(await h.deps.db.user.count({ where: { email: gh.emails[0]!.email } })).toBe(0);
  });

  it("links to an existing account by a verified (even non-primary) address; one whose address was never proved is claimed", async () => {
    const email = uniqueEmail("existing");
    const browser = await h.browser();
    const { user } = await (await browser.caller()).auth.signup({ name: "Existing Person", email, password: "correct horse battery" });
    const gh = githubUser([
      { email: uniqueEmail("primary"), primary: true, verified: true },
      { email: email.toUpperCase(), verified: true },
    ]);
    standIn.state.signedInUserId = gh.id;
    expect(await sessionUserId(await signInAs("github"))).toBe(user.id);
    const row = await h.deps.db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.emailVerified).toBe(true);
    // Whoever registered the address with a password may not own it: the password and the earlier session end.
    expect(row.passwordHash).toBeNull();
    await expect((await browser.caller()).auth.session()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect((await (await h.browser()).caller()).auth.login({ email, password: "correct horse battery" })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("linking to an account whose address was proved keeps its password and sessions", async () => {
    const email = uniqueEmail("proved");
    const browser = await h.browser();
    const { user } = await (await browser.caller()).auth.signup({ name: "Proved Person", email, password: "correct horse battery" });
    await h.deps.db.user.update({ where: { id: user.id }, data: { emailVerified: true } });
    standIn.state.signedInUserId = githubUser([{ email, primary: true, verified: true }]).id;
    expect(await sessionUserId(await signInAs("github"))).toBe(user.id);
    expect((await h.deps.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).not.toBeNull();
    expect((await (await browser.caller()).auth.session()).user.id).toBe(user.id);
  });

  it("never links by an unverified address: an identity without a verified one is refused and nothing is stored", async () => {
    const email = uniqueEmail("victim");
    const browser = await h.browser();
    const { user } = await (await browser.caller()).auth.signup({ name: "Victim", email, password: "correct horse battery" });
    const gh = githubUser([{ email, primary: true, verified: false }]);
    standIn.state.signedInUserId = gh.id;
    const usersBefore = await h.deps.db.user.count();
    expectFailure(await signInAs("github"), "email");
    expect(await h.deps.db.oAuthAccount.count({ where: { userId: user.id } })).toBe(0);
    expect(await h.deps.db.oAuthAccount.count({ where: { providerUserId: String(gh.id) } })).toBe(0);
    expect(await h.deps.db.user.count()).toBe(usersBefore);
  });

  it("a state that differs from the cookie's, or no cookie at all, is refused without trading the code", async () => {
    const gh = githubUser([{ email: uniqueEmail("forged"), primary: true, verified: true }]);
    standIn.state.signedInUserId = gh.id;
    const { query, cookieHeader } = await consent("github");
    expectFailure(await finishOAuth(h.deps, { ...req(), cookieHeader }, "github", { ...query, state: "forged-state-forged-state" }), "state");
    expectFailure(await finishOAuth(h.deps, req(), "github", query), "state");
    // A flow started for Google does not complete a GitHub callback.
    const google = await consent("google");
    expectFailure(await finishOAuth(h.deps, { ...req(), cookieHeader: google.cookieHeader }, "github", { ...query, state: google.query.state }), "state");
    // The code was never spent: the honest callback still works.
    const outcome = await finishOAuth(h.deps, { ...req(), cookieHeader }, "github", query);
    expect(sessionCookieOf(outcome)).toBeDefined();
  });

  it("denied consent, a bad code and a spent code land on /login without a session", async () => {
    standIn.state.signedInUserId = null;
    const denied = await consent("github");
    expect(denied.query.error).toBe("access_denied");
    expectFailure(await finishOAuth(h.deps, { ...req(), cookieHeader: denied.cookieHeader }, "github", denied.query), "denied");

    const gh = githubUser([{ email: uniqueEmail("code"), primary: true, verified: true }]);
    standIn.state.signedInUserId = gh.id;
    const bad = await consent("github");
    expectFailure(await finishOAuth(h.deps, { ...req(), cookieHeader: bad.cookieHeader }, "github", { ...bad.query, code: "not-a-code" }), "code");

    const spent = await consent("github");
    expect(sessionCookieOf(await finishOAuth(h.deps, { ...req(), cookieHeader: spent.cookieHeader }, "github", spent.query))).toBeDefined();
    expectFailure(await finishOAuth(h.deps, { ...req(), cookieHeader: spent.cookieHeader }, "github", spent.query), "code");
  });

  it("keeps only a path on this site as the return path", async () => {
    for (const redirectTo of ["//evil.example/x", "https://evil.example", "/\\evil.example", "/ok\nSet-Cookie: x"]) {
      const start = await startOAuth(h.deps, req(), "github", { redirectTo });
      expect(JSON.parse(start.cookies[0]!.value)).toMatchObject({ redirectTo: "/dashboard" });
    }
  });
});

describe("Google (PKCE)", () => {
  function googleUser(emailVerified: boolean) {
    const user = { sub: `g-${randomUUID()}`, name: "Grace Hopper", email: uniqueEmail("grace"), emailVerified };
    standIn.state.googleUsers.push(user);
    standIn.state.googleSignedInSub = user.sub;
    return user;
  }

  it("sends an S256 challenge with openid profile email and signs in with the verifier", async () => {
    const g = googleUser(true);
    const { start, query, cookieHeader } = await consent("google");
    const url = new URL(start.location);
    expect(url.searchParams.get("scope")).toBe("openid profile email");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("redirect_uri")).toBe("http://localhost:3000/api/auth/google/callback");
    const outcome = await finishOAuth(h.deps, { ...req(), cookieHeader }, "google", query);
    expect(outcome.location).toBe("/dashboard");
    const user = await h.deps.db.user.findUniqueOrThrow({ where: { id: (await sessionUserId(outcome))! }, include: { oauthAccounts: true } });
    expect(user).toMatchObject({ email: g.email, name: "Grace Hopper", passwordHash: null });
    expect(user.oauthAccounts.map((a) => [a.provider, a.providerUserId])).toEqual([["google", g.sub]]);
  });

  it("a verifier that does not match the challenge is refused at the token endpoint", async () => {
    googleUser(true);
    const { start, query } = await consent("google");
    const flow = JSON.parse(start.cookies[0]!.value) as Record<string, unknown>;
    const tampered = `autostack_oauth=${encodeURIComponent(JSON.stringify({ ...flow, codeVerifier: generateCodeVerifier() }))}`;
    expectFailure(await finishOAuth(h.deps, { ...req(), cookieHeader: tampered }, "google", query), "code", "google");
  });

  it("email_verified false: refused, no account", async () => {
    const g = googleUser(false);
    expectFailure(await signInAs("google"), "email", "google");
    expect(await h.deps.db.user.count({ where: { email: g.email } })).toBe(0);
  });
});

describe("not configured or unreachable", () => {
  it("a provider without client id and secret sends the browser back to /login", async () => {
    const bare = await createHarness({});
    try {
      const start = await startOAuth(bare.deps, req(), "google", {});
      expect(start).toEqual({ location: "/login?error=oauth_not_configured&provider=google", cookies: [] });
    } finally {
      await bare.close();
    }
  });

  it("an API that cannot be reached is a provider error, not a crash", async () => {
    const gh = githubUser([{ email: uniqueEmail("down"), primary: true, verified: true }]);
    standIn.state.signedInUserId = gh.id;
    const { query, cookieHeader } = await consent("github");
    const deps = { ...h.deps, env: { ...h.deps.env, GITHUB_API_URL: "http://127.0.0.1:9/api/v3" } };
    expectFailure(await finishOAuth(deps, { ...req(), cookieHeader }, "github", query), "provider");
  });
});
