import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toErrorEnvelope } from "../../errors.js";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp, type TestUser } from "../../testing/deployments.js";
import { startAppStandIn, type AppStandIn } from "../../testing/github-stand-in/app-fixture.js";
import { createHarness, TEST_SECRET, type Harness } from "../../testing/harness.js";
import { githubCloneAccess } from "../github/clone-access.js";
import { processGitHubDelivery } from "./process.js";
import { receiveGitHubDelivery } from "./receive.js";
import { pushPayload, signedDelivery, WEBHOOK_SECRET } from "./webhook-fixtures.js";

// installation and installation_repositories deliveries, signed, recorded and
// processed against a real database and the GitHub stand-in: uninstalling
// disconnects, suspending stops deployments until unsuspended, and a change of
// the installation's repositories reaches the cached lists — also those of a
// web process other than the worker that processed the delivery.

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("../../..", import.meta.url));

let app: AppStandIn;
let h: Harness;
const REPOS = "/api/v3/installation/repositories";
const sha = (n: number) => n.toString(16).padStart(40, "0");
let nextInstallation = 300;

beforeAll(async () => {
  app = await startAppStandIn();
  h = await createHarness({ ...DEPLOYMENT_TEST_ENV, ...app.env, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "1000" });
  await app.addRepo({ id: 9101, owner: "octo", name: "site" });
  await app.addRepo({ id: 9102, owner: "octo", name: "docs" });
  await app.addRepo({ id: 9103, owner: "octo", name: "blog" });
});
afterAll(async () => {
  await h?.close();
  await app?.close();
});

const requestsTo = (path: string) => app.standIn.state.requests.filter((r) => r.path === path).length;
const errorCode = (promise: Promise<unknown>) => promise.then(() => "OK", (e: unknown) => toErrorEnvelope(e).error.code);

/** A user connected through a new installation of the stand-in (with `repositoryIds`), and a project linked to repository 9101. */
async function connected(repositoryIds = [9101, 9102]): Promise<{ user: TestUser; installationId: number; projectId: string }> {
  const installationId = ++nextInstallation;
  app.addInstallation({ id: installationId, account: { id: installationId, login: "octo", type: "User" }, repositoryIds, userIds: [] });
  const user = await signUp(h, "Installer");
  await h.deps.db.githubConnection.create({ data: { userId: user.id, githubUsername: "octo", installationId: BigInt(installationId) } });
  const { projectId } = await h.deps.db.deployment.findUniqueOrThrow({ where: { id: (await queueDeployment(h, user.id)).id }, select: { projectId: true } });
  await h.deps.db.project.update({
    where: { id: projectId },
    data: { githubRepoId: "9101", githubInstallationId: BigInt(installationId), repository: `${app.standIn.url}/octo/site.git` },
  });
  return { user, installationId, projectId };
}

async function deliver(event: string, payload: unknown) {
  const delivery = signedDelivery(event, payload);
  const received = await receiveGitHubDelivery(h.deps, delivery);
  return { delivery, received, outcome: await processGitHubDelivery(h.deps, delivery.deliveryId) };
}

const installationEvent = (action: string, id: number, extra: Record<string, unknown> = {}) => ({
  action,
  installation: { id, account: { login: "octo", type: "User" }, ...extra },
  sender: { login: "octo" },
});

const repositoriesEvent = (action: "added" | "removed", id: number, repoIds: number[]) => ({
  ...installationEvent(action, id),
  repository_selection: "selected",
  [`repositories_${action}`]: repoIds.map((repoId) => ({ id: repoId, full_name: `octo/${repoId}` })),
});

const push = (installationId: number, n: number) => ({ ...pushPayload(9101, "main", sha(n)), installation: { id: installationId } });

describe("installation deleted (the App was uninstalled)", () => {
  it("disconnects every user of the installation, keeps their projects, and acts once", async () => {
    const first = await connected();
    const second = await signUp(h, "Colleague");
    await h.deps.db.githubConnection.create({ data: { userId: second.id, githubUsername: "octo", installationId: BigInt(first.installationId) } });
    expect((await first.user.caller.github.repos()).repositories).toHaveLength(2);

    const { outcome, delivery, received } = await deliver("installation", installationEvent("deleted", first.installationId));
    expect(received.status).toBe(202);
    expect(outcome).toBe("uninstalled: 2 connection(s) removed");
    for (const user of [first.user, second]) expect(await user.caller.github.connection()).toMatchObject({ connected: false, installationId: null });
    expect(await errorCode(first.user.caller.github.repos())).toBe("VALIDATION_ERROR");
    expect(await h.deps.db.project.count({ where: { id: first.projectId } })).toBe(1);
    await expect(githubCloneAccess(h.deps, first.projectId, `${app.standIn.url}/octo/site.git`)).rejects.toThrow(/^GitHub is not connected/);
    expect((await deliver("push", push(first.installationId, 1))).outcome).toMatch(/^ignored: no project deploys/);

    // A redelivery records nothing new and processes nothing twice.
    expect((await receiveGitHubDelivery(h.deps, delivery)).status).toBe(200);
    expect(await processGitHubDelivery(h.deps, delivery.deliveryId)).toBeNull();
    expect(await h.deps.db.githubWebhookDelivery.findUniqueOrThrow({ where: { id: delivery.deliveryId } })).toMatchObject({ outcome, payload: null, event: "installation" });
  });

  it("ignores an installation no connection uses, recording why", async () => {
    const bystander = await connected();
    for (const [event, payload] of [
      ["installation", installationEvent("deleted", 999_001)],
      ["installation", installationEvent("suspend", 999_001)],
      ["installation_repositories", repositoriesEvent("added", 999_001, [9103])],
    ] as const) {
      const { outcome, delivery } = await deliver(event, payload);
      expect(outcome).toBe("ignored: no connection uses installation 999001");
      expect((await h.deps.db.githubWebhookDelivery.findUniqueOrThrow({ where: { id: delivery.deliveryId } })).outcome).toBe(outcome);
    }
    expect((await deliver("installation", { action: "deleted" })).outcome).toBe("ignored: malformed installation payload");
    expect(await bystander.user.caller.github.connection()).toMatchObject({ connected: true, suspended: false });
  });
});

describe("installation suspend and unsuspend", () => {
  it("keeps the connection but deploys nothing while suspended, and deploys again once unsuspended", async () => {
    const { user, installationId, projectId } = await connected();
    const suspendedAt = "2026-12-08T01:00:00Z";
    expect((await deliver("installation", installationEvent("suspend", installationId, { suspended_at: suspendedAt }))).outcome).toBe("suspended: 1 connection(s) marked");
    expect(await user.caller.github.connection()).toMatchObject({ connected: true, suspended: true, installationId: String(installationId) });
    expect((await h.deps.db.githubConnection.findUniqueOrThrow({ where: { userId: user.id } })).suspendedAt).toEqual(new Date(suspendedAt));
    expect((await deliver("push", push(installationId, 2))).outcome).toMatch(/^ignored: no project deploys/);
    await expect(githubCloneAccess(h.deps, projectId, `${app.standIn.url}/octo/site.git`)).rejects.toThrow("The GitHub App's installation is suspended");
    expect(await errorCode(user.caller.github.repos())).toBe("VALIDATION_ERROR");
    expect(await errorCode(user.caller.deployment.create({ repository: "octo/site", branch: "main" }))).toBe("VALIDATION_ERROR");

    expect((await deliver("installation", installationEvent("unsuspend", installationId))).outcome).toBe("unsuspended: 1 connection(s) cleared");
    expect(await user.caller.github.connection()).toMatchObject({ connected: true, suspended: false });
    expect((await deliver("push", push(installationId, 3))).outcome).toMatch(/^deployed: project /);
    expect(await h.deps.db.deployment.count({ where: { projectId, commitHash: sha(3) } })).toBe(1);
    expect(await githubCloneAccess(h.deps, projectId, `${app.standIn.url}/octo/site.git`)).not.toBeNull();
  });
});

describe("repository lists", () => {
  it("are fetched again after repositories are added or removed, or permissions change", async () => {
    const { user, installationId, projectId } = await connected([9101]);
    const names = async () => (await user.caller.github.repos()).repositories.map((r) => r.fullName).sort();
    const before = requestsTo(REPOS);
    expect(await names()).toEqual(["octo/site"]);
    expect(await names()).toEqual(["octo/site"]);
    expect(requestsTo(REPOS)).toBe(before + 1);

    app.addInstallation({ id: installationId, account: { id: installationId, login: "octo", type: "User" }, repositoryIds: [9101, 9103], userIds: [] });
    expect((await deliver("installation_repositories", repositoriesEvent("added", installationId, [9103]))).outcome).toBe(
      "repositories added: repository lists of 1 connection(s) refreshed",
    );
    expect(await names()).toEqual(["octo/blog", "octo/site"]);
    expect(requestsTo(REPOS)).toBe(before + 2);

    app.addInstallation({ id: installationId, account: { id: installationId, login: "octo", type: "User" }, repositoryIds: [9103], userIds: [] });
    await deliver("installation_repositories", repositoriesEvent("removed", installationId, [9101]));
    expect(await names()).toEqual(["octo/blog"]);
    expect(await names()).toEqual(["octo/blog"]);
    expect(requestsTo(REPOS)).toBe(before + 3);
    // The project of the removed repository stays as it was (GitHub sends it no more pushes).
    expect(await h.deps.db.project.findUniqueOrThrow({ where: { id: projectId } })).toMatchObject({ githubRepoId: "9101", githubInstallationId: BigInt(installationId) });

    expect((await deliver("installation", installationEvent("new_permissions_accepted", installationId))).outcome).toMatch(/^new_permissions_accepted: /);
    await names();
    expect(requestsTo(REPOS)).toBe(before + 4);
  });

  it("of a web process are refreshed by a worker in another process, through the database", async () => {
    const { user, installationId } = await connected([9101]);
    const before = requestsTo(REPOS);
    await user.caller.github.repos();
    app.addInstallation({ id: installationId, account: { id: installationId, login: "octo", type: "User" }, repositoryIds: [9101, 9102], userIds: [] });
    const delivery = signedDelivery("installation_repositories", repositoriesEvent("added", installationId, [9102]));
    await receiveGitHubDelivery(h.deps, delivery);
    // The worker: its own process, its own memory.
    const childEnv = { ...process.env, ...DEPLOYMENT_TEST_ENV, ...app.env, NODE_ENV: "test", LOG_LEVEL: "silent", JWT_SECRET: TEST_SECRET, DATABASE_URL: h.database.url };
    const { stdout } = await run("node_modules/.bin/tsx", ["--conditions=source", "src/testing/process-delivery-cli.ts", delivery.deliveryId], { cwd: packageDir, env: childEnv });
    expect(stdout.trim()).toBe("repositories added: repository lists of 1 connection(s) refreshed");
    expect((await user.caller.github.repos()).repositories.map((r) => r.fullName).sort()).toEqual(["octo/docs", "octo/site"]);
    expect(requestsTo(REPOS)).toBe(before + 2);
  }, 60_000);
});
