import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppStandIn, type AppStandIn } from "../../testing/github-stand-in/app-fixture.js";
import { createHarness, type Harness } from "../../testing/harness.js";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp } from "../../testing/deployments.js";
import { createLocalArtifactStorage } from "../artifacts/local-storage.js";
import type { ArtifactStorage } from "../artifacts/storage.js";
import { openEnvVars } from "../deployments/env-vars.js";
import { getDeployment } from "../deployments/get.js";
import { markBuilding, markSucceeded } from "../deployments/lifecycle.js";
import { siteUrl } from "../deployments/urls.js";
import { linkProject, runGitHubJobs, waitingJobs, type LinkedProject } from "../github/follow-up-fixtures.js";
import { resolveSite } from "../sites/resolve.js";
import { artifactKeysOf, PREVIEW_ARTIFACTS_TASK, removePreviewArtifacts } from "./preview-artifacts.js";
import { processGitHubDelivery } from "./process.js";
import { pullRequestPayload, type PullRequestFixture } from "./pull-request-fixtures.js";
import { receiveGitHubDelivery } from "./receive.js";
import { pushPayload, signedDelivery, WEBHOOK_SECRET } from "./webhook-fixtures.js";

// Pull request previews from a signed delivery to GitHub's comment and
// statuses, against a real database and the stand-in: a preview of the head
// commit that never becomes production, one comment edited as it goes, forks
// without env vars, and a closed pull request's previews removed.

const REPO_ID = 9400;
const sha = (n: number) => `d${n.toString(16).padStart(39, "0")}`;

describe("pull request previews", () => {
  let app: AppStandIn;
  let h: Harness;
  let linked: LinkedProject;
  let tmp: string;
  let storage: ArtifactStorage;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "autostack-previews-"));
    storage = createLocalArtifactStorage(path.join(tmp, "artifacts"));
    app = await startAppStandIn({ userAuthorization: false });
    await app.addRepo({ id: REPO_ID, owner: "octo", name: "site" });
    app.addInstallation({ id: 77, account: { id: 1, login: "octo", type: "User" }, repositoryIds: [REPO_ID], userIds: [] });
    h = await createHarness({ ...app.env, ...DEPLOYMENT_TEST_ENV, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, APP_URL: "http://app.test:3000", APP_DOMAIN: "sites.test" });
    const user = await signUp(h, "Previewer");
    linked = await linkProject(h, (userId) => queueDeployment(h, userId, { envVars: [{ key: "API_KEY", value: "preview-secret-1" }] }), {
      userId: user.id,
      githubUrl: app.standIn.url,
      repoId: REPO_ID,
      fullName: "octo/site",
      installationId: 77,
    });
    // Production: the project's first deployment.
    await succeed(linked.firstDeploymentId);
  });
  afterAll(async () => {
    await h?.close();
    await app?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** As the worker does: an uploaded artifact, then success. */
  async function succeed(id: string): Promise<void> {
    const dir = await mkdtemp(path.join(tmp, "out-"));
    await writeFile(path.join(dir, "index.html"), `<h1>${id}</h1>`);
    await storage.uploadDirectory(id, dir);
    expect(await markBuilding(h.deps.db, id, { workerId: "w1" })).toBe(true);
    expect(await markSucceeded(h.deps.db, h.deps.env, id, { artifactKey: id, bytes: 20, files: 1 })).toBe(true);
  }

  async function deliver(fixture: Omit<PullRequestFixture, "repoId">) {
    const delivery = signedDelivery("pull_request", pullRequestPayload({ repoId: REPO_ID, ...fixture }));
    await receiveGitHubDelivery(h.deps, delivery);
    return { delivery, outcome: await processGitHubDelivery(h.deps, delivery.deliveryId) };
  }

  const previewsOf = (number: number) => h.deps.db.deployment.findMany({ where: { projectId: linked.projectId, pullRequestNumber: number }, orderBy: { createdAt: "asc" } });
  const commentsOf = (number: number) => app.standIn.state.comments.filter((c) => c.issueNumber === number);
  const production = async () => (await h.deps.db.project.findUniqueOrThrow({ where: { id: linked.projectId } })).productionDeploymentId;

  it("opened: a preview of the head commit with the project's settings, its own URL, and never production", async () => {
    const { outcome } = await deliver({ action: "opened", number: 7, sha: sha(1) });
    expect(outcome).toMatch(/^previewed #7: project .*: preview /);
    const [preview] = await previewsOf(7);
    expect(preview).toMatchObject({ target: "preview", pullRequestNumber: 7, status: "queued", commitHash: sha(1), branch: "feature/preview", repository: `${app.standIn.url}/octo/site.git` });
    expect(openEnvVars(h.deps.env, preview!.envVarsEncrypted, { deploymentId: preview!.id })).toEqual([{ key: "API_KEY", value: "preview-secret-1" }]);
    await runGitHubJobs(h.deps);
    expect(commentsOf(7)).toHaveLength(1);
    expect(commentsOf(7)[0]!.body).toContain("Building");
    expect(app.standIn.state.statuses.filter((s) => s.sha === sha(1))).toEqual([expect.objectContaining({ state: "pending", context: "autostack/preview" })]);

    await succeed(preview!.id);
    expect(await production()).toBe(linked.firstDeploymentId);
    await runGitHubJobs(h.deps);
    const comment = commentsOf(7)[0]!;
    expect(comment.updatedCount).toBe(1);
    expect(comment.body).toContain("Ready");
    expect(comment.body).toContain(siteUrl(h.deps.env, preview!.slug));
    expect(app.standIn.state.statuses.filter((s) => s.sha === sha(1)).at(-1)).toMatchObject({ state: "success", targetUrl: siteUrl(h.deps.env, preview!.slug) });
    expect(await resolveSite(h.deps.db, preview!.slug)).toMatchObject({ artifactKey: preview!.id });
    expect(await getDeployment(h.deps, linked.userId, preview!.id)).toMatchObject({ target: "preview", pullRequest: 7, isProduction: false, status: "success" });
  });

  it("synchronize: the queued older preview is superseded and the same comment is edited", async () => {
    await deliver({ action: "synchronize", number: 7, sha: sha(2) });
    const { outcome } = await deliver({ action: "synchronize", number: 7, sha: sha(3) });
    expect(outcome).toMatch(/1 superseded$/);
    const previews = await previewsOf(7);
    expect(previews.map((p) => [p.commitHash, p.status])).toEqual([
      [sha(1), "success"],
      [sha(2), "cancelled"],
      [sha(3), "queued"],
    ]);
    await runGitHubJobs(h.deps);
    expect(commentsOf(7)).toHaveLength(1);
    expect(commentsOf(7)[0]!.updatedCount).toBeGreaterThanOrEqual(2);
    expect(commentsOf(7)[0]!.body).toContain(sha(3).slice(0, 7));
    expect(await production()).toBe(linked.firstDeploymentId);
  });

  it("a push to the branch supersedes no preview, and a redelivery creates nothing", async () => {
    const { delivery } = await deliver({ action: "synchronize", number: 8, sha: sha(4), ref: "main" });
    const before = await h.deps.db.deployment.count({ where: { projectId: linked.projectId } });
    await receiveGitHubDelivery(h.deps, delivery);
    expect(await processGitHubDelivery(h.deps, delivery.deliveryId)).toBeNull();
    expect(await h.deps.db.deployment.count({ where: { projectId: linked.projectId } })).toBe(before);
    const push = signedDelivery("push", pushPayload(REPO_ID, "main", sha(10)));
    await receiveGitHubDelivery(h.deps, push);
    expect(await processGitHubDelivery(h.deps, push.deliveryId)).toMatch(/^deployed: project [^,]*$/);
    expect((await previewsOf(8)).map((p) => p.status)).toEqual(["queued"]);
  });

  it("a fork's pull request builds without the project's env vars, and the comment says so", async () => {
    const { outcome } = await deliver({ action: "opened", number: 9, sha: sha(5), fork: true });
    expect(outcome).toMatch(/^previewed #9 \(fork, without env vars\)/);
    const [preview] = await previewsOf(9);
    expect(openEnvVars(h.deps.env, preview!.envVarsEncrypted, { deploymentId: preview!.id })).toEqual([]);
    await runGitHubJobs(h.deps);
    expect(commentsOf(9)).toHaveLength(1);
    expect(commentsOf(9)[0]!.body).toMatch(/fork.*without the project's environment variables/);
    expect(commentsOf(7)[0]!.body).not.toContain("environment variables");
  });

  it("closed: previews cancelled, artifacts removed (their URL answers nothing), the comment edited", async () => {
    const previews = await previewsOf(7);
    const ready = previews.find((p) => p.status === "success")!;
    const edits = commentsOf(7)[0]!.updatedCount;
    const { outcome } = await deliver({ action: "closed", number: 7, sha: sha(3) });
    expect(outcome).toMatch(/^closed: project .*: 1 cancelled, 1 removed$/);
    const after = await previewsOf(7);
    expect(after.map((p) => [p.status, p.artifactKey])).toEqual([
      ["success", null],
      ["cancelled", null],
      ["cancelled", null],
    ]);
    expect(await resolveSite(h.deps.db, ready.slug)).toBeNull();
    // The files go with the job the close added.
    const [job] = await waitingJobs(h.deps, PREVIEW_ARTIFACTS_TASK);
    expect(artifactKeysOf(job)).toEqual([ready.id]);
    expect(await storage.readFile(ready.id, "index.html", [])).not.toBeNull();
    await removePreviewArtifacts(storage, artifactKeysOf(job)!);
    expect(await storage.readFile(ready.id, "index.html", [])).toBeNull();

    await runGitHubJobs(h.deps);
    expect(commentsOf(7)).toHaveLength(1);
    expect(commentsOf(7)[0]!.updatedCount).toBeGreaterThan(edits);
    expect(commentsOf(7)[0]!.body).toContain("preview deployments were removed");
    expect(await production()).toBe(linked.firstDeploymentId);
  });

  it("closed while a preview builds: the build is asked to stop", async () => {
    const [building] = await previewsOf(8);
    expect(await markBuilding(h.deps.db, building!.id, { workerId: "w2" })).toBe(true);
    expect((await deliver({ action: "closed", number: 8, sha: sha(4), ref: "main" })).outcome).toMatch(/: 1 cancelled, 0 removed$/);
    const [after] = await previewsOf(8);
    expect(after).toMatchObject({ status: "building" });
    expect(after!.cancelRequestedAt).toBeInstanceOf(Date);
    // The worker's success is refused now; production stays where it was.
    expect(await markSucceeded(h.deps.db, h.deps.env, building!.id, { artifactKey: building!.id, bytes: 1, files: 1 })).toBe(false);
    expect(await production()).toBe(linked.firstDeploymentId);
  });

  it("a suspended installation previews nothing, but a closed pull request's previews still go", async () => {
    expect((await deliver({ action: "opened", number: 31, sha: sha(31) })).outcome).toMatch(/^previewed #31/);
    await h.deps.db.githubConnection.updateMany({ where: { installationId: 77 }, data: { suspendedAt: new Date() } });
    try {
      expect((await deliver({ action: "synchronize", number: 31, sha: sha(32) })).outcome).toMatch(/^ignored: no project deploys/);
      expect(await previewsOf(31)).toHaveLength(1);
      expect((await deliver({ action: "closed", number: 31, sha: sha(32) })).outcome).toMatch(/^closed: /);
      expect((await previewsOf(31)).map((d) => d.status)).toEqual(["cancelled"]);
    } finally {
      await h.deps.db.githubConnection.updateMany({ where: { installationId: 77 }, data: { suspendedAt: null } });
    }
  });

  it("ignores other actions and repositories no project deploys", async () => {
    expect((await deliver({ action: "edited", number: 7, sha: sha(6) })).outcome).toMatch(/^ignored: pull_request edited/);
    const other = signedDelivery("pull_request", pullRequestPayload({ action: "opened", repoId: 999_999, number: 1, sha: sha(7) }));
    await receiveGitHubDelivery(h.deps, other);
    expect(await processGitHubDelivery(h.deps, other.deliveryId)).toMatch(/^ignored: no project deploys/);
  });
});
