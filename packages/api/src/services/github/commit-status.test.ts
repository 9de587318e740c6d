import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppStandIn, type AppStandIn } from "../../testing/github-stand-in/app-fixture.js";
import { createHarness, type Harness } from "../../testing/harness.js";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp } from "../../testing/deployments.js";
import { markBuilding, markFailed, markSucceeded } from "../deployments/lifecycle.js";
import { siteUrl } from "../deployments/urls.js";
import { processGitHubDelivery } from "../github-webhooks/process.js";
import { receiveGitHubDelivery } from "../github-webhooks/receive.js";
import { pushPayload, signedDelivery, WEBHOOK_SECRET } from "../github-webhooks/webhook-fixtures.js";
import { GithubApiError } from "./api-errors.js";
import { reportCommitStatus } from "./commit-status.js";
import { linkProject, runGitHubJobs, waitingJobs, type LinkedProject } from "./follow-up-fixtures.js";
import { COMMIT_STATUS_TASK } from "./follow-ups.js";

// Commit statuses of deployments of GitHub commits, posted to the stand-in by
// the job the status change enqueued (run here as the worker runs it), with
// an installation token minted for the one repository.

const REPO_ID = 9300;
const sha = (n: number) => `c${n.toString(16).padStart(39, "0")}`;

describe("commit statuses", () => {
  let app: AppStandIn;
  let h: Harness;
  let linked: LinkedProject;

  beforeAll(async () => {
    app = await startAppStandIn({ userAuthorization: false });
    await app.addRepo({ id: REPO_ID, owner: "octo", name: "site" });
    app.addInstallation({ id: 77, account: { id: 1, login: "octo", type: "User" }, repositoryIds: [REPO_ID], userIds: [] });
    h = await createHarness({ ...app.env, ...DEPLOYMENT_TEST_ENV, APP_URL: "http://app.test:3000", APP_DOMAIN: "sites.test", GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET });
    const user = await signUp(h, "Status");
    linked = await linkProject(h, (userId) => queueDeployment(h, userId), { userId: user.id, githubUrl: app.standIn.url, repoId: REPO_ID, fullName: "octo/site", installationId: 77 });
  });
  afterAll(async () => {
    await h?.close();
    await app?.close();
  });

  async function push(commit: string): Promise<string> {
    const delivery = signedDelivery("push", pushPayload(REPO_ID, "main", commit));
    await receiveGitHubDelivery(h.deps, delivery);
    await processGitHubDelivery(h.deps, delivery.deliveryId);
    const row = await h.deps.db.deployment.findFirstOrThrow({ where: { projectId: linked.projectId, commitHash: commit }, select: { id: true } });
    return row.id;
  }
  const statusesOf = (commit: string) => app.standIn.state.statuses.filter((s) => s.sha === commit);

  it("reports pending when queued and success with the deployment's own URL, as the jobs run", async () => {
    const id = await push(sha(1));
    // The job went in with the deployment: its id and status, nothing else.
    expect(await waitingJobs(h.deps, COMMIT_STATUS_TASK)).toContainEqual({ deploymentId: id, status: "queued" });
    await runGitHubJobs(h.deps);
    expect(statusesOf(sha(1))).toEqual([{ repo: "octo/site", sha: sha(1), state: "pending", description: "Deployment queued", targetUrl: `http://app.test:3000/deployments/${id}`, context: "autostack" }]);

    expect(await markBuilding(h.deps.db, id, { workerId: "w1" })).toBe(true);
    expect(await markSucceeded(h.deps.db, h.deps.env, id, { artifactKey: id, bytes: 10, files: 1 })).toBe(true);
    await runGitHubJobs(h.deps);
    const { slug } = await h.deps.db.deployment.findUniqueOrThrow({ where: { id } });
    expect(statusesOf(sha(1)).at(-1)).toMatchObject({ state: "success", targetUrl: siteUrl(h.deps.env, slug), context: "autostack" });
    // Written with an installation token for the one repository.
    const posts = app.standIn.state.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/statuses/${sha(1)}`));
    expect(posts.every((r) => /^token ghs_/.test(r.authorization ?? ""))).toBe(true);
  });

  it("a job for an older state runs late and still reports the newer one", async () => {
    const id = await push(sha(2));
    // The pending job has not run when the build finishes: both jobs wait, the older first.
    await markBuilding(h.deps.db, id, { workerId: "w1" });
    await markSucceeded(h.deps.db, h.deps.env, id, { artifactKey: id, bytes: 10, files: 1 });
    const ran = await runGitHubJobs(h.deps);
    expect(ran.filter((job) => job.payload.deploymentId === id).map((job) => job.payload.status)).toEqual(["queued", "success"]);
    expect(statusesOf(sha(2)).map((s) => s.state)).toEqual(["success", "success"]);
  });

  it("reports failure with the error clipped to 140 characters, and error for a superseded deployment", async () => {
    const failing = await push(sha(3));
    const superseding = await push(sha(4));
    await markBuilding(h.deps.db, superseding, { workerId: "w1" });
    await markFailed(h.deps.db, superseding, `Build failed: ${"x".repeat(300)}`);
    await runGitHubJobs(h.deps);
    expect(statusesOf(sha(3)).at(-1)).toMatchObject({ state: "error", description: `Superseded by a newer push (${sha(4).slice(0, 7)})` });
    const failure = statusesOf(sha(4)).at(-1)!;
    expect(failure).toMatchObject({ state: "failure", targetUrl: `http://app.test:3000/deployments/${superseding}` });
    expect(failure.description).toHaveLength(140);
    expect(failure.description!.startsWith("Build failed: xxx")).toBe(true);
    expect(failing).not.toBe(superseding);
  });

  it("posts nothing for a deployment that is not of a GitHub commit", async () => {
    const user = await signUp(h, "Plain");
    const plain = await queueDeployment(h, user.id);
    expect((await waitingJobs(h.deps, COMMIT_STATUS_TASK)).filter((job) => job.deploymentId === plain.id)).toEqual([]);
    const before = app.standIn.state.statuses.length;
    expect(await reportCommitStatus(h.deps, plain.id)).toBe("skipped: not a deployment of a GitHub commit");
    expect(app.standIn.state.statuses).toHaveLength(before);
  });

  it("gives up quietly when the repository is gone, and throws (to be retried) when GitHub cannot be reached", async () => {
    const id = await push(sha(5));
    await runGitHubJobs(h.deps);
    const installation = app.standIn.state.installations.find((i) => i.id === 77)!;
    installation.repositoryIds = [];
    try {
      expect(await reportCommitStatus(h.deps, id)).toMatch(/^gave up: GitHub issued no installation token \(HTTP 422\)/);
    } finally {
      installation.repositoryIds = [REPO_ID];
    }
    const unreachable = { db: h.deps.db, env: { ...h.deps.env, GITHUB_API_URL: "http://127.0.0.1:9/api/v3" } };
    const error = await reportCommitStatus(unreachable, id).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(GithubApiError);
    for (const token of app.standIn.state.installationTokens.keys()) expect(String((error as Error).message)).not.toContain(token);
  });
});
