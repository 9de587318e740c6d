import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "@autostack/api/env";
import { completeSetup, createArtifactStorage, createDeployment, createSetupState } from "@autostack/api/services";
import { startAppStandIn, type AppStandIn } from "@autostack/api/testing/github-stand-in";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { deploymentInput, workerEnv } from "../testing/worker-harness.js";
import { runBuild } from "../tasks/build.js";
import { cloneRepository } from "./clone.js";
import type { StepRunner } from "./step.js";

// A repository of a user's GitHub App installation, cloned for real over
// git's smart HTTP from the stand-in (`git http-backend`), with an
// installation token the worker mints at clone time. The clone runs on the
// worker's host (clone.ts), so this is a unit test; the container steps are
// not under test (nothing to install or build). The token must appear in no
// log line, error message or job row; the stand-in refuses clones without it.

let app: AppStandIn;
let database: TestDatabase;
let env: Env;
let tmp: string;
let commit: string;

/** The runner is ready but nothing may run in it: the fixture has no install or build step. */
const runner: StepRunner = {
  kind: "docker",
  check: async () => ({ ready: true, notes: [], toolchains: { node: [], tools: {} } }),
  run: () => Promise.reject(new Error("no step may run")),
};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-github-clone-"));
  app = await startAppStandIn({ userAuthorization: false });
  commit = (await app.addRepo({ id: 9001, owner: "octocat", name: "site", files: { "index.html": "<h1>from the App</h1>\n" } })).commit;
  database = await createTestDatabase(inject("adminUrl"));
  env = workerEnv(database.url, { ...app.env, DATA_DIR: path.join(tmp, "data"), RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100" });
});

afterAll(async () => {
  await database?.drop();
  await app?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

let installations = 70;

/** A user with an installation of their own (without user authorization, one installation connects one user). */
async function connectedUser(name: string): Promise<string> {
  const { id } = await database.db.user.create({ data: { name, email: `${name}@example.com` }, select: { id: true } });
  const installationId = ++installations;
  app.addInstallation({ id: installationId, account: { id: 500 + installationId, login: name, type: "User" }, repositoryIds: [9001], userIds: [] });
  await completeSetup({ db: database.db, env }, id, { installationId: String(installationId), state: createSetupState(env, id) });
  return id;
}

async function build(userId: string, branch = "main") {
  const created = await createDeployment({ db: database.db, env }, userId, deploymentInput("octocat/site", { branch }));
  const outcome = await runBuild({ db: database.db, env, storage: createArtifactStorage(env), runner }, created.id, "test-worker");
  return { id: created.id, outcome };
}

/** Every place a token could leak to: the deployment's log lines, its error, job rows, project rows. */
async function everythingStored(deploymentId: string): Promise<string> {
  const logs = await database.db.deploymentLog.findMany({ where: { deploymentId }, select: { message: true } });
  const row = await database.db.deployment.findUniqueOrThrow({ where: { id: deploymentId }, select: { errorMessage: true, repository: true } });
  const jobs = await database.db.$queryRawUnsafe<{ row: string }[]>("SELECT row_to_json(j)::text AS row FROM graphile_worker._private_jobs j");
  const projects = await database.db.$queryRawUnsafe<{ row: string }[]>("SELECT row_to_json(p)::text AS row FROM projects p");
  return JSON.stringify({ logs, row, jobs, projects });
}

function secrets(): string[] {
  const tokens = [...app.standIn.state.installationTokens.keys()];
  return tokens.flatMap((token) => [token, Buffer.from(`x-access-token:${token}`).toString("base64")]);
}

describe("cloning a GitHub App repository", () => {
  it("clones owner/name over smart HTTP with a minted installation token that is stored nowhere", async () => {
    const userId = await connectedUser("cloner");
    const { id, outcome } = await build(userId);
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row.errorMessage).toBeNull();
    expect(outcome).toBe("success");
    expect(row.commitHash).toBe(commit);
    // The token was minted for this one repository and sent as HTTP Basic to git's endpoints.
    const minted = [...app.standIn.state.installationTokens.values()];
    // (The other one listed the installation's repositories when the deployment was created.)
    expect(minted).toContainEqual(expect.objectContaining({ installationId: 71, repositoryIds: [9001] }));
    const gitRequests = app.standIn.state.requests.filter((r) => r.path.startsWith("/octocat/site.git/"));
    expect(gitRequests.some((r) => r.authorization?.startsWith("Basic "))).toBe(true);
    const stored = await everythingStored(id);
    expect(secrets().length).toBeGreaterThanOrEqual(2); // each token raw and as the Basic header
    for (const secret of secrets()) expect(stored).not.toContain(secret);
  });

  it("fails a clone of a missing branch without echoing the token", async () => {
    const userId = await connectedUser("missing-branch");
    const { id, outcome } = await build(userId, "no-such-branch");
    expect(outcome).toBe("failed");
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(row.errorMessage).toMatch(/^Clone failed: git clone failed: .*no-such-branch/);
    const stored = await everythingStored(id);
    for (const secret of secrets()) expect(stored).not.toContain(secret);
  });

  it("refuses to clone for a user who disconnected GitHub", async () => {
    const userId = await connectedUser("left");
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput("octocat/site"));
    await database.db.githubConnection.deleteMany({ where: { userId } });
    const outcome = await runBuild({ db: database.db, env, storage: createArtifactStorage(env), runner }, created.id, "test-worker");
    expect(outcome).toBe("failed");
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.errorMessage).toBe("Clone refused: GitHub is not connected: connect it again in Settings → GitHub to deploy this repository");
  });
});

describe("the stand-in's git endpoint", () => {
  const clone = (gitEnv?: Record<string, string>) =>
    cloneRepository({ url: `${app.standIn.url}/octocat/site.git`, branch: "main", dir: path.join(tmp, `refused-${Math.random()}`), allowHttp: true, ...(gitEnv ? { gitEnv } : {}) });
  const basic = (token: string) => ({
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: `http.${app.standIn.url}/.extraHeader`,
    GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`,
  });

  it("refuses a clone without a token with a clean message", async () => {
    const error = await clone().then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^git clone failed: fatal: could not read Username/);
  });

  it("refuses an invalid token without repeating it", async () => {
    const error = await clone(basic("ghs_forged0123456789")).then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^git clone failed: fatal: /);
    expect(error?.message).not.toContain("ghs_forged0123456789");
    expect(error?.message).not.toContain(Buffer.from("x-access-token:ghs_forged0123456789").toString("base64"));
  });
});
