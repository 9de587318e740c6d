import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenApiFetchHandler } from "trpc-to-openapi";
import { createContext, createCookieCollector } from "../context.js";
import { toErrorEnvelope } from "../errors.js";
import { appRouter } from "../root.js";
import { completeSetup } from "../services/github/connection.js";
import { DEPLOYMENT_TEST_ENV, signUp, type TestUser } from "../testing/deployments.js";
import { startAppStandIn, type AppStandIn } from "../testing/github-stand-in/app-fixture.js";
import { issueAppAuthorizationCode } from "../testing/github-stand-in/app-routes.js";
import { createHarness, type Harness } from "../testing/harness.js";

// The GitHub App connection end to end against the stand-in: the connect URL
// and its signed state, the Setup URL's checks, repositories and branches
// (cached per user), and deploying owner/name.

let app: AppStandIn;
let h: Harness;
const GH_USER = { id: 501, login: "octocat", name: "Octo Cat", emails: [] };
const INTRUDER = { id: 502, login: "mallory", name: "Mallory", emails: [] };

beforeAll(async () => {
  app = await startAppStandIn();
  h = await createHarness({ ...DEPLOYMENT_TEST_ENV, ...app.env });
  app.standIn.state.users.push(GH_USER, INTRUDER);
  await app.addRepo({ id: 9001, owner: "octocat", name: "site", branches: ["feature/x"] });
  await app.addRepo({ id: 9002, owner: "octocat", name: "docs" });
  await app.addRepo({ id: 9003, owner: "someone-else", name: "secret" });
  app.addInstallation({ id: 71, account: { id: 501, login: "octocat", type: "User" }, repositoryIds: [9001, 9002], userIds: [501] });
  app.addInstallation({ id: 72, account: { id: 777, login: "someone-else", type: "Organization" }, repositoryIds: [9003], userIds: [777] });
});
afterAll(async () => {
  await h.close();
  await app.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "OK",
    (e: unknown) => toErrorEnvelope(e).error.code,
  );
}

async function stateFor(user: TestUser): Promise<string> {
  const { url } = await user.caller.github.connect();
  return new URL(url).searchParams.get("state")!;
}

async function connect(user: TestUser, installationId = 71, githubUserId = GH_USER.id): Promise<void> {
  const code = issueAppAuthorizationCode(app.standIn.state, githubUserId);
  await completeSetup(h.deps, user.id, { installationId: String(installationId), state: await stateFor(user), code });
}

async function rest(user: TestUser, method: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const authorization = `Bearer ${user.accessToken}`;
  const response = await createOpenApiFetchHandler({
    endpoint: "/api",
    router: appRouter,
    req: new Request(`http://localhost/api${path}`, { method, headers: { authorization } }),
    createContext: () => createContext(h.deps, { ip: "198.51.100.9", requestId: randomUUID(), source: "api", authorizationHeader: authorization }, createCookieCollector()),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const requestsTo = (path: string) => app.standIn.state.requests.filter((r) => r.path === path).length;

describe("connect and setup", () => {
  it("points at the App's installation page with a state bound to the user", async () => {
    const user = await signUp(h);
    const { url } = await user.caller.github.connect();
    expect(url.startsWith(`${app.standIn.url}/apps/autostack-test/installations/new?state=`)).toBe(true);
    expect(await user.caller.github.connection()).toMatchObject({ connected: false, username: null, available: true });
  });

  it("stores the installation for a good state and a user who sees it, with the user token sealed", async () => {
    const user = await signUp(h);
    await connect(user);
    expect(await user.caller.github.connection()).toMatchObject({ connected: true, username: "octocat", installationId: "71", account: { login: "octocat", type: "User" } });
    expect(await user.caller.github.connectionStatus()).toEqual({ connected: true, username: "octocat" });
    const row = await h.database.db.githubConnection.findUniqueOrThrow({ where: { userId: user.id } });
    expect(row.githubUserId).toBe(501n);
    const issued = [...app.standIn.state.userTokens.keys()];
    expect(row.githubAccessToken).toBeTruthy();
    const stored = JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
    for (const token of issued) expect(stored).not.toContain(token);
    expect((await user.caller.user.profile()).githubConnected).toBe(true);
  });

  it("refuses a forged state, another user's state and an expired-looking one, storing nothing", async () => {
    const user = await signUp(h);
    const other = await signUp(h, "Other");
    const othersState = await stateFor(other);
    const forged = `${user.id}.${Date.now() + 600_000}.nonce.${"A".repeat(43)}`;
    for (const state of [othersState, forged, "", "a.b.c.d"]) {
      const code = issueAppAuthorizationCode(app.standIn.state, GH_USER.id);
      expect(await codeOf(completeSetup(h.deps, user.id, { installationId: "71", state, code }))).toBe("FORBIDDEN");
    }
    expect(await h.database.db.githubConnection.count({ where: { userId: { in: [user.id, other.id] } } })).toBe(0);
  });

  it("refuses an installation the authorizing GitHub user cannot see", async () => {
    const user = await signUp(h);
    expect(await codeOf(connect(user, 72, GH_USER.id))).toBe("FORBIDDEN");
    expect(await codeOf(connect(user, 71, INTRUDER.id))).toBe("FORBIDDEN");
    expect((await user.caller.github.connection()).connected).toBe(false);
  });

  it("answers 404 for an installation GitHub does not know", async () => {
    const user = await signUp(h);
    expect(await codeOf(connect(user, 99))).toBe("NOT_FOUND");
  });
});

describe("repositories and branches", () => {
  it("lists the installation's repositories, once per five minutes, and forgets them on disconnect", async () => {
    const user = await signUp(h);
    await connect(user);
    const before = requestsTo("/api/v3/installation/repositories");
    const { repositories } = await user.caller.github.repos();
    expect(repositories.map((r) => r.fullName).sort()).toEqual(["octocat/docs", "octocat/site"]);
    expect(repositories.find((r) => r.name === "site")).toMatchObject({ id: "9001", private: true, defaultBranch: "main" });
    expect(requestsTo("/api/v3/installation/repositories")).toBe(before + 1);
    await user.caller.github.repos();
    expect(requestsTo("/api/v3/installation/repositories")).toBe(before + 1);

    expect(await user.caller.github.disconnect()).toMatchObject({ success: true });
    expect(await codeOf(user.caller.github.repos())).toBe("VALIDATION_ERROR");
    await connect(user);
    await user.caller.github.repos();
    expect(requestsTo("/api/v3/installation/repositories")).toBe(before + 2);
  });

  it("lists branches at the REST path with the URL-encoded full name; 404 outside the installation", async () => {
    const user = await signUp(h);
    await connect(user);
    const ok = await rest(user, "GET", "/github/repos/octocat%2Fsite/branches");
    expect(ok.status).toBe(200);
    expect((ok.body.branches as { name: string }[]).map((b) => b.name).sort()).toEqual(["feature/x", "main"]);
    const outside = await rest(user, "GET", "/github/repos/someone-else%2Fsecret/branches");
    expect(outside.status).toBe(404);
    expect(JSON.stringify(outside.body)).toContain("REPOSITORY_NOT_FOUND");
    expect(await codeOf(user.caller.github.branches({ repo: "octocat/nope" }))).toBe("REPOSITORY_NOT_FOUND");
  });

  it("needs a connection", async () => {
    const user = await signUp(h);
    expect(await codeOf(user.caller.github.repos())).toBe("VALIDATION_ERROR");
    expect((await rest(user, "GET", "/github/connection-status")).body).toEqual({ connected: false, username: null });
  });
});

describe("deploying owner/name", () => {
  it("creates the project with the repository id and installation, stored as its clone URL", async () => {
    const user = await signUp(h);
    await connect(user);
    const deployment = await user.caller.deployment.create({ repository: "octocat/site", branch: "main" });
    const { project } = await h.database.db.deployment.findUniqueOrThrow({ where: { id: deployment.id }, include: { project: true } });
    expect(project).toMatchObject({ githubRepoId: "9001", githubInstallationId: 71n, repository: `${app.standIn.url}/octocat/site.git`, name: "site" });
    const jobs = await h.database.db.$queryRawUnsafe<{ payload: string }[]>("SELECT payload::text AS payload, key FROM graphile_worker._private_jobs");
    expect(jobs.some((job) => job.payload.includes(deployment.id))).toBe(true);
    for (const token of app.standIn.state.installationTokens.keys()) expect(JSON.stringify(jobs)).not.toContain(token);
  });

  it("redeploys a GitHub repository (its GITHUB_URL trusted as on create, even over http on loopback)", async () => {
    const user = await signUp(h);
    await connect(user);
    const first = await user.caller.deployment.create({ repository: "octocat/site", branch: "main" });
    const again = await user.caller.deployment.redeploy({ id: first.id });
    const copy = await h.database.db.deployment.findUniqueOrThrow({ where: { id: again.id } });
    expect(copy).toMatchObject({ repository: `${app.standIn.url}/octocat/site.git`, status: "queued" });
  });

  it("refuses a repository outside the installation (404) and an unconnected user (422)", async () => {
    const user = await signUp(h);
    expect(await codeOf(user.caller.deployment.create({ repository: "octocat/site", branch: "main" }))).toBe("VALIDATION_ERROR");
    await connect(user);
    expect(await codeOf(user.caller.deployment.create({ repository: "someone-else/secret", branch: "main" }))).toBe("REPOSITORY_NOT_FOUND");
    expect(await h.database.db.project.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("without a GitHub App", () => {
  it("says the App is not configured, and that nobody is connected", async () => {
    const plain = await createHarness(DEPLOYMENT_TEST_ENV);
    try {
      const user = await signUp(plain);
      expect(await codeOf(user.caller.github.connect())).toBe("GITHUB_NOT_CONFIGURED");
      expect(await user.caller.github.connection()).toMatchObject({ connected: false, available: false });
      expect(await codeOf(user.caller.deployment.create({ repository: "octocat/site", branch: "main" }))).toBe("VALIDATION_ERROR");
    } finally {
      await plain.close();
    }
  });
});

describe("without user authorization", () => {
  it("trusts the signed state and the installation the App fetched", async () => {
    const bare = await startAppStandIn({ userAuthorization: false });
    const h2 = await createHarness({ ...DEPLOYMENT_TEST_ENV, ...bare.env });
    try {
      bare.addInstallation({ id: 81, account: { id: 601, login: "solo", type: "User" }, repositoryIds: [], userIds: [] });
      const user = await signUp(h2);
      const { url } = await user.caller.github.connect();
      const state = new URL(url).searchParams.get("state")!;
      await completeSetup(h2.deps, user.id, { installationId: "81", state, code: "ignored-without-client-credentials" });
      expect(await user.caller.github.connection()).toMatchObject({ connected: true, username: "solo", installationId: "81" });
      const row = await h2.database.db.githubConnection.findUniqueOrThrow({ where: { userId: user.id } });
      expect(row.githubAccessToken).toBeNull();

      // A spoofed installation_id: one another user already holds, or one untouched since long before this request.
      const second = await signUp(h2, "Second");
      const secondState = new URL((await second.caller.github.connect()).url).searchParams.get("state")!;
      expect(await codeOf(completeSetup(h2.deps, second.id, { installationId: "81", state: secondState }))).toBe("FORBIDDEN");
      bare.addInstallation({ id: 82, account: { id: 602, login: "old", type: "User" }, repositoryIds: [], userIds: [], updatedAt: "2020-01-01T00:00:00Z" });
      expect(await codeOf(completeSetup(h2.deps, second.id, { installationId: "82", state: secondState }))).toBe("FORBIDDEN");
      expect((await second.caller.github.connection()).connected).toBe(false);
    } finally {
      await h2.close();
      await bare.close();
    }
  });

  it("the stand-in refuses the App's JWT signed with another key", async () => {
    const other = await startAppStandIn();
    const h3 = await createHarness({ ...DEPLOYMENT_TEST_ENV, ...app.env, GITHUB_URL: other.standIn.url, GITHUB_API_URL: other.standIn.apiUrl });
    try {
      other.addInstallation({ id: 71, account: { id: 501, login: "octocat", type: "User" }, repositoryIds: [], userIds: [] });
      const user = await signUp(h3);
      const { url } = await user.caller.github.connect();
      const state = new URL(url).searchParams.get("state")!;
      expect(await codeOf(completeSetup(h3.deps, user.id, { installationId: "71", state }))).toBe("GITHUB_API_ERROR");
    } finally {
      await h3.close();
      await other.close();
    }
  });
});
