import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "@autostack/api/env";
import { completeSetup, createArtifactStorage, createDeployment, createSetupState, processGitHubDelivery, receiveGitHubDelivery, signWebhookBody } from "@autostack/api/services";
import { addPullRequestRef, startAppStandIn, type AppStandIn } from "@autostack/api/testing/github-stand-in";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { deploymentInput, workerEnv } from "../testing/worker-harness.js";
import { runBuild } from "../tasks/build.js";
import { cloneRepository } from "./clone.js";
import { noStepRunner as runner } from "../testing/no-step-runner.js";

// A pull request from a fork: its head commit is on no branch of the base
// repository, only at refs/pull/<n>/head (as GitHub keeps it). The preview
// the pull_request delivery queues is built from exactly that commit, cloned
// over git's smart HTTP from the stand-in with an installation token. The
// clone runs on the worker's host; no step runs in a container.

let app: AppStandIn;
let database: TestDatabase;
let env: Env;
let tmp: string;
let repo: Awaited<ReturnType<AppStandIn["addRepo"]>>;
let forkCommit: string;

beforeAll(async () => {
  [tmp, app, database] = await Promise.all([mkdtemp(path.join(tmpdir(), "autostack-pr-clone-")), startAppStandIn({ userAuthorization: false }), createTestDatabase(inject("adminUrl"))]);
  repo = await app.addRepo({ id: 9501, owner: "octo", name: "docs", files: { "index.html": "<h1>main</h1>\n" } });
  forkCommit = await addPullRequestRef(repo, { number: 12, files: { "index.html": "<h1>from the fork</h1>\n" }, message: "Fork's change" });
  env = workerEnv(database.url, { ...app.env, DATA_DIR: path.join(tmp, "data") });
});

afterAll(async () => {
  await database?.drop();
  await app?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A fork's pull_request delivery, signed, received and processed as the webhook task does. */
async function deliverForkPullRequest(number: number, sha: string): Promise<string | null> {
  const base = { id: 9501, full_name: "octo/docs", fork: false };
  const payload = {
    action: "opened",
    number,
    pull_request: { number, title: "From a fork", user: { login: "forker" }, head: { sha, ref: "patch-1", repo: { id: 777, full_name: "forker/docs", fork: true } }, base: { sha: repo.commit, ref: "main", repo: base } },
    repository: base,
    installation: { id: 81 },
  };
  const body = Buffer.from(JSON.stringify(payload));
  const deliveryId = crypto.randomUUID();
  await receiveGitHubDelivery({ db: database.db, env }, { event: "pull_request", deliveryId, signature: signWebhookBody(env.GITHUB_WEBHOOK_SECRET!, body), body });
  return processGitHubDelivery({ db: database.db, env }, deliveryId);
}

describe("previews of a fork's pull request", () => {
  it("builds exactly the head commit fetched from refs/pull/<n>/head", async () => {
    const { id: userId } = await database.db.user.create({ data: { name: "Docs", email: "docs@example.com" }, select: { id: true } });
    app.addInstallation({ id: 81, account: { id: 581, login: "octo", type: "User" }, repositoryIds: [9501], userIds: [] });
    await completeSetup({ db: database.db, env }, userId, { installationId: "81", state: createSetupState(env, userId) });
    await createDeployment({ db: database.db, env }, userId, deploymentInput("octo/docs"));

    expect(await deliverForkPullRequest(12, forkCommit)).toMatch(/^previewed #12 \(fork, without env vars\)/);
    const preview = await database.db.deployment.findFirstOrThrow({ where: { pullRequestNumber: 12 } });
    expect(preview).toMatchObject({ target: "preview", branch: "patch-1", commitHash: forkCommit });

    const storage = createArtifactStorage(env);
    expect(await runBuild({ db: database.db, env, storage, runner }, preview.id, "test-worker")).toBe("success");
    const built = await database.db.deployment.findUniqueOrThrow({ where: { id: preview.id } });
    expect(built).toMatchObject({ status: "success", commitHash: forkCommit, commitMessage: "Fork's change", errorMessage: null });
    const served = await storage.readFile(built.artifactKey!, "index.html", []);
    expect(served).not.toBeNull();
    const chunks: Buffer[] = [];
    for await (const chunk of served!.body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("<h1>from the fork</h1>\n");
    // A preview never takes production.
    const project = await database.db.project.findUniqueOrThrow({ where: { id: built.projectId } });
    expect(project.productionDeploymentId).not.toBe(preview.id);
  });

  it("a pull request's commit is on no branch: without the pull request's ref the clone fails", async () => {
    const token = "ghs_pr_clone_test_token_0123456789";
    app.standIn.state.installationTokens.set(token, { installationId: 81, expiresAt: Date.now() + 60_000, repositoryIds: [9501] });
    const gitEnv = { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: `http.${app.standIn.url}/.extraHeader`, GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}` };
    const options = { url: `${app.standIn.url}/octo/docs.git`, branch: "patch-1", allowHttp: true, gitEnv, commitHash: forkCommit };
    const viaRef = await cloneRepository({ ...options, dir: path.join(tmp, "via-ref"), pullRequestNumber: 12 });
    expect(viaRef).toMatchObject({ hash: forkCommit, message: "Fork's change" });
    await expect(cloneRepository({ ...options, dir: path.join(tmp, "via-branch") })).rejects.toThrow(/patch-1/);
    await expect(cloneRepository({ ...options, dir: path.join(tmp, "other-pr"), pullRequestNumber: 13 })).rejects.toThrow(/refs\/pull\/13\/head/);
  });
});
