import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRoutes } from "./app-routes.js";
import { controlRoutes, OAUTH_TEST_CONFIG } from "./control-routes.js";
import { gitRoutes } from "./git-routes.js";
import { oauthRoutes } from "./oauth-routes.js";
import { startGitHubStandIn, type GitHubStandIn } from "./server.js";

// The stand-in arranged over HTTP, as the Playwright platform's specs do
// (another process): repositories, installations, the App's install page
// back to the Setup URL, and what the stand-in saw.

const run = promisify(execFile);
const SETUP_URL = "http://localhost:3999/api/github/setup";

let standIn: GitHubStandIn;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autostack-control-routes-"));
  const config = { ...OAUTH_TEST_CONFIG, appClientId: "Iv1.app", appClientSecret: "app-secret", appSetupUrl: SETUP_URL, fixtureRoot: root };
  standIn = await startGitHubStandIn(config, [...appRoutes, ...gitRoutes, ...oauthRoutes, ...controlRoutes]);
});
afterAll(async () => {
  await standIn?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const control = (method: string, route: string, body?: unknown) =>
  fetch(`${standIn.url}/_stand-in${route}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe("POST /_stand-in/repos", () => {
  it("creates a bare repository with the files and branches asked for, under the fixture root", async () => {
    const response = await control("POST", "/repos", { id: 1, owner: "octo", name: "site", files: { "index.html": "<h1>hi</h1>\n" }, branches: ["staging"], defaultBranch: "trunk" });
    expect(response.status).toBe(201);
    const { commit } = (await response.json()) as { commit: string };
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    const repo = standIn.state.repos.find((r) => r.id === 1)!;
    expect(repo).toMatchObject({ owner: "octo", name: "site", defaultBranch: "trunk", private: true });
    expect(repo.gitDir.startsWith(root + path.sep)).toBe(true);
    const { stdout } = await run("git", ["for-each-ref", "--format=%(refname:short)", "refs/heads"], { cwd: repo.gitDir });
    expect(stdout.trim().split("\n")).toEqual(["staging", "trunk"]);
    expect((await run("git", ["show", "trunk:index.html"], { cwd: repo.gitDir })).stdout).toBe("<h1>hi</h1>\n");
  });

  it("refuses a body without id, owner and name, or with a name that is not a plain segment", async () => {
    expect((await control("POST", "/repos", { owner: "octo", name: "x" })).status).toBe(400);
    expect((await control("POST", "/repos", { id: 2, owner: "octo", name: "../escape" })).status).toBe(400);
    expect((await control("POST", "/repos", { id: 2, owner: "octo", name: "x", files: { a: 1 } })).status).toBe(400);
    expect(standIn.state.repos.map((r) => r.id)).toEqual([1]);
    expect((await readdir(root)).length).toBe(1);
  });
});

describe("POST /_stand-in/installations and the install page", () => {
  it("sends the signed-in user back to the Setup URL with their installation, the state and a code", async () => {
    expect((await control("POST", "/github/users", { id: 77, login: "octo", name: "Octo", emails: [] })).status).toBe(204);
    expect((await control("PUT", "/github/signed-in", { userId: 77 })).status).toBe(204);
    const before = new Date().toISOString();
    expect((await control("POST", "/installations", { id: 900, account: { id: 77, login: "octo", type: "User" }, repositoryIds: [1], userIds: [77] })).status).toBe(204);
    expect(standIn.state.installations[0]!.updatedAt! >= before).toBe(true);

    const response = await fetch(`${standIn.url}/apps/${OAUTH_TEST_CONFIG.appSlug}/installations/new?state=signed.state`, { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(SETUP_URL);
    expect(location.searchParams.get("installation_id")).toBe("900");
    expect(location.searchParams.get("setup_action")).toBe("install");
    expect(location.searchParams.get("state")).toBe("signed.state");
    const code = location.searchParams.get("code")!;
    expect(standIn.state.oauthCodes.get(code)).toMatchObject({ subject: "77", clientId: "Iv1.app" });
  });

  it("has nothing to install for nobody signed in, or for another App", async () => {
    expect((await control("PUT", "/github/signed-in", { userId: null })).status).toBe(204);
    expect((await fetch(`${standIn.url}/apps/${OAUTH_TEST_CONFIG.appSlug}/installations/new?state=s`, { redirect: "manual" })).status).toBe(403);
    expect((await fetch(`${standIn.url}/apps/another-app/installations/new?state=s`, { redirect: "manual" })).status).toBe(404);
  });

  it("refuses an installation without its account, repositories or users", async () => {
    expect((await control("POST", "/installations", { id: 901, repositoryIds: [1], userIds: [] })).status).toBe(400);
    expect((await control("POST", "/installations", { id: 901, account: { id: 1, login: "x", type: "User" }, repositoryIds: ["1"], userIds: [] })).status).toBe(400);
    expect(standIn.state.installations.map((i) => i.id)).toEqual([900]);
  });
});

describe("GET /_stand-in/requests", () => {
  it("lists the requests under a path with the Authorization scheme only", async () => {
    await fetch(`${standIn.url}/api/v3/installation/repositories`, { headers: { authorization: "token ghs_secret-value" } });
    const response = await control("GET", `/requests?path=${encodeURIComponent("/api/v3/installation/")}`);
    const seen = (await response.json()) as { method: string; path: string; authorization: string | null }[];
    expect(seen).toEqual([{ method: "GET", path: "/api/v3/installation/repositories", authorization: "token" }]);
    expect(JSON.stringify(seen)).not.toContain("secret-value");
  });
});
