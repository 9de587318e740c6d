import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createArtifactStorage, markFailed, markSucceeded } from "@autostack/api/services";
import { startAppStandIn, type AppStandIn } from "@autostack/api/testing/github-stand-in";
import { createWorkerHarness, waitFor, type WorkerHarness } from "../testing/worker-harness.js";

// The GitHub follow-up tasks run by a real worker: a deployment of a GitHub
// commit reaches its final status through the lifecycle (which enqueues the
// commit status job in the same transaction) and the worker posts it to the
// stand-in, retrying while GitHub answers 5xx; malformed payloads are not
// retried; a closed pull request's artifacts are removed by their job.

const REPO_ID = 9601;
let app: AppStandIn;
let h: WorkerHarness;
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-follow-ups-"));
  app = await startAppStandIn({ userAuthorization: false });
  await app.addRepo({ id: REPO_ID, owner: "octo", name: "blog" });
  app.addInstallation({ id: 91, account: { id: 591, login: "octo", type: "User" }, repositoryIds: [REPO_ID], userIds: [] });
  h = await createWorkerHarness({ ...app.env, APP_URL: "https://app.autostack.test", APP_DOMAIN: "sites.autostack.test", DATA_DIR: tmp });
});

afterAll(async () => {
  await h?.close();
  await app?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A building deployment of a commit of the linked repository (a placeholder build job keeps the stuck-build sweep away). */
async function seedBuilding(commit: string): Promise<string> {
  const user = await h.db.user.create({ data: { name: "Owner", email: `owner-${randomUUID().slice(0, 8)}@example.com` } });
  await h.db.githubConnection.create({ data: { userId: user.id, installationId: 91n } });
  const repository = `${app.standIn.url}/octo/blog.git`;
  const slug = `blog-${randomUUID().slice(0, 8)}`;
  const project = await h.db.project.create({ data: { userId: user.id, name: "blog", repository, slug, githubRepoId: String(REPO_ID), githubInstallationId: 91n } });
  const id = randomUUID();
  await h.db.$executeRaw`SELECT graphile_worker.add_job('build', json_build_object('deploymentId', ${id}::text), job_key := ${`build:${id}`}::text, run_at := now() + interval '1 hour')`;
  await h.db.deployment.create({
    data: { id, projectId: project.id, userId: user.id, status: "building", branch: "main", commitHash: commit, slug: `${slug}-abc123`, repository, buildCommand: "", outputDir: ".", workerId: h.worker.workerId, startedAt: new Date() },
  });
  return id;
}

const followUps = async () => (await h.jobs()).filter((job) => job.task !== "build");

describe("GitHub follow-up tasks", () => {
  it("posts the final commit status of a deployment as the worker runs the job", async () => {
    const commit = "a".repeat(40);
    const id = await seedBuilding(commit);
    expect(await markSucceeded(h.db, h.env, id, { artifactKey: id, bytes: 1, files: 1 })).toBe(true);
    const status = await waitFor(() => app.standIn.state.statuses.find((s) => s.sha === commit), { what: "the commit status" });
    expect(status).toMatchObject({ repo: "octo/blog", state: "success", context: "autostack" });
    expect(status.targetUrl).toMatch(/^https:\/\/blog-[0-9a-f]{8}-abc123\.sites\.autostack\.test$/);
    await waitFor(async () => (await followUps()).length === 0, { what: "the job to complete" });
  });

  it("retries while GitHub answers 5xx, without a token in the job's error", async () => {
    const commit = "b".repeat(40);
    const id = await seedBuilding(commit);
    app.standIn.state.failWrites = 1;
    expect(await markFailed(h.db, id, "Build failed: exit code 1")).toBe(true);
    const failed = await waitFor(async () => (await followUps()).find((job) => job.task === "github-commit-status" && job.attempts === 1 && job.lastError), { what: "a failed first attempt" });
    expect(failed.lastError).toMatch(/HTTP 502/);
    for (const token of app.standIn.state.installationTokens.keys()) expect(failed.lastError).not.toContain(token);
    const status = await waitFor(() => app.standIn.state.statuses.find((s) => s.sha === commit), { timeoutMs: 15_000, what: "the retried commit status" });
    expect(status).toMatchObject({ state: "failure", description: "Build failed: exit code 1", targetUrl: `https://app.autostack.test/deployments/${id}` });
  });

  it("does not retry a malformed payload", async () => {
    await h.addRawJob("github-commit-status", { deploymentId: "not-a-uuid" });
    await h.addRawJob("github-pr-comment", { projectId: randomUUID(), pullRequestNumber: -1 });
    await h.addRawJob("remove-preview-artifacts", { artifactKeys: ["../etc"] });
    const jobs = await waitFor(async () => {
      const found = await followUps();
      return found.length === 3 && found.every((job) => job.lastError && job.attempts === job.maxAttempts) ? found : null;
    }, { what: "three permanently failed jobs" });
    expect(jobs.map((job) => job.lastError)).toEqual([expect.stringMatching(/Malformed github-commit-status payload/), expect.stringMatching(/Malformed github-pr-comment payload/), expect.stringMatching(/Malformed remove-preview-artifacts payload/)]);
  });

  it("removes a closed pull request's preview artifacts", async () => {
    const storage = createArtifactStorage(h.env);
    const key = randomUUID();
    const dir = await mkdtemp(path.join(tmp, "out-"));
    await writeFile(path.join(dir, "index.html"), "<h1>preview</h1>");
    await storage.uploadDirectory(key, dir);
    expect(await storage.readFile(key, "index.html", [])).not.toBeNull();
    await h.addRawJob("remove-preview-artifacts", { artifactKeys: [key] });
    await waitFor(async () => (await storage.readFile(key, "index.html", [])) === null, { what: "the artifact to be removed" });
  });
});
