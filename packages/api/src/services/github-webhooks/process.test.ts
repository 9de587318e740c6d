import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../../testing/harness.js";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp, type TestUser } from "../../testing/deployments.js";
import { openEnvVars } from "../deployments/env-vars.js";
import { processGitHubDelivery } from "./process.js";
import { receiveGitHubDelivery } from "./receive.js";
import { appEnv, pushPayload, signedDelivery } from "./webhook-fixtures.js";

// Push to deploy, from a recorded delivery to queued deployments, against a
// real database: exactly the pushed commit, the project's saved settings,
// superseded queue entries, and never twice.

const sha = (n: number) => n.toString(16).padStart(40, "0");

describe("processing a push delivery", () => {
  let h: Harness;
  let owner: TestUser;
  let projectId: string;
  let repoId = 500;

  beforeAll(async () => {
    h = await createHarness({ ...appEnv, ...DEPLOYMENT_TEST_ENV, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "6" });
  });
  afterAll(() => h?.close());

  /** A user whose project (branch main, saved settings and env vars) is linked to a new GitHub repository id. */
  async function linkedProject(): Promise<{ user: TestUser; projectId: string; repoId: number; firstDeploymentId: string }> {
    const user = await signUp(h, "Pusher");
    const first = await queueDeployment(h, user.id, { buildCommand: "npm run build:site", outputDir: "public", envVars: [{ key: "API_KEY", value: "push-secret-1" }] });
    repoId += 1;
    const { projectId } = await h.deps.db.deployment.findUniqueOrThrow({ where: { id: first.id }, select: { projectId: true } });
    await h.deps.db.project.update({ where: { id: projectId }, data: { githubRepoId: String(repoId) } });
    await h.deps.db.githubConnection.create({ data: { userId: user.id, githubUsername: "mona", installationId: 77n } });
    return { user, projectId, repoId, firstDeploymentId: first.id };
  }

  async function deliver(event: string, payload: unknown) {
    const delivery = signedDelivery(event, payload);
    await receiveGitHubDelivery(h.deps, delivery);
    return { delivery, outcome: await processGitHubDelivery(h.deps, delivery.deliveryId) };
  }

  const deploymentsOf = (id: string) => h.deps.db.deployment.findMany({ where: { projectId: id }, orderBy: { createdAt: "asc" } });

  beforeAll(async () => {
    ({ user: owner, projectId } = await linkedProject());
  });

  it("queues a deployment of exactly the pushed commit with the project's settings, and supersedes the queued one", async () => {
    const { outcome, delivery } = await deliver("push", pushPayload(repoId, "main", sha(1), "Add the pricing page"));
    expect(outcome).toMatch(/^deployed: project .*: deployment .*, 1 superseded$/);
    const [first, pushed] = await deploymentsOf(projectId);
    expect(first).toMatchObject({ status: "cancelled", errorMessage: "Superseded by a newer push (0000000)" });
    expect(pushed).toMatchObject({
      status: "queued",
      userId: owner.id,
      branch: "main",
      commitHash: sha(1),
      commitMessage: "Add the pricing page",
      author: "Mona Lisa",
      buildCommand: "npm run build:site",
      outputDir: "public",
    });
    expect(openEnvVars(h.deps.env, pushed!.envVarsEncrypted, { deploymentId: pushed!.id })).toEqual([{ key: "API_KEY", value: "push-secret-1" }]);
    // Processed once: the row keeps the outcome, not the payload; a second run does nothing.
    expect(await h.deps.db.githubWebhookDelivery.findUnique({ where: { id: delivery.deliveryId } })).toMatchObject({ payload: null, outcome });
    expect(await processGitHubDelivery(h.deps, delivery.deliveryId)).toBeNull();
    expect(await deploymentsOf(projectId)).toHaveLength(2);
  });

  it("a redelivery of a push creates no second deployment", async () => {
    const delivery = signedDelivery("push", pushPayload(repoId, "main", sha(2)));
    await receiveGitHubDelivery(h.deps, delivery);
    await receiveGitHubDelivery(h.deps, delivery);
    await processGitHubDelivery(h.deps, delivery.deliveryId);
    await processGitHubDelivery(h.deps, delivery.deliveryId);
    expect((await deploymentsOf(projectId)).filter((d) => d.commitHash === sha(2))).toHaveLength(1);
  });

  it("ignores tags, deleted branches, other branches and repositories no project deploys", async () => {
    const before = (await deploymentsOf(projectId)).length;
    const cases: [unknown, RegExp][] = [
      [{ ...pushPayload(repoId, "main", sha(3)), ref: "refs/tags/v1.0.0" }, /^ignored: not a branch/],
      [{ ...pushPayload(repoId, "main", "0".repeat(40)), deleted: true, head_commit: null }, /^ignored: the branch was deleted/],
      [pushPayload(repoId, "feature/x", sha(4)), /^ignored: no project deploys octo\/site@feature\/x/],
      [pushPayload(999_999, "main", sha(5)), /^ignored: no project deploys/],
      [{ ref: "refs/heads/main", after: "not-a-sha" }, /^ignored: malformed push payload/],
    ];
    for (const [payload, expected] of cases) expect((await deliver("push", payload)).outcome).toMatch(expected);
    expect(await deploymentsOf(projectId)).toHaveLength(before);
  });

  it("deploys nothing for a user who disconnected GitHub or whose connection is another installation", async () => {
    const other = await linkedProject();
    await h.deps.db.githubConnection.update({ where: { userId: other.user.id }, data: { installationId: 78n } });
    expect((await deliver("push", pushPayload(other.repoId, "main", sha(7)))).outcome).toMatch(/^ignored: no project deploys/);
    await h.deps.db.githubConnection.delete({ where: { userId: other.user.id } });
    expect((await deliver("push", pushPayload(other.repoId, "main", sha(6)))).outcome).toMatch(/^ignored: no project deploys/);
    expect(await deploymentsOf(other.projectId)).toHaveLength(1);
  });

  it("over the owner's hourly quota skips the push and leaves what is queued alone", async () => {
    const busy = await linkedProject();
    // The limit is 6 an hour: the first deployment and four pushes leave one.
    for (let n = 10; n < 14; n++) await deliver("push", pushPayload(busy.repoId, "main", sha(n)));
    const fifth = await deliver("push", pushPayload(busy.repoId, "main", sha(14)));
    expect(fifth.outcome).toMatch(/deployment .*1 superseded$/);
    const refused = await deliver("push", pushPayload(busy.repoId, "main", sha(15)));
    expect(refused.outcome).toMatch(/skipped \(You can start at most 6 deployments per hour\)/);
    const queued = (await deploymentsOf(busy.projectId)).filter((d) => d.status === "queued");
    expect(queued.map((d) => d.commitHash)).toEqual([sha(14)]);
  });
});
