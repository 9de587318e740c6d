import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp, type TestUser } from "../../testing/deployments.js";
import { createHarness, type Harness } from "../../testing/harness.js";
import { startBuild } from "./branch-queue.js";
import { markBuilding, markDeploying, markFailed, markSucceeded, recordCommit } from "./lifecycle.js";
import { failStuckDeployments } from "./stuck.js";

// One build per project and branch: a deployment whose branch is building
// waits (queued, its job back in a few seconds, one log line), whatever
// else builds; a dead worker's build is ended by the sweep and frees the branch.

let h: Harness;
let user: TestUser;
beforeAll(async () => {
  h = await createHarness({ ...DEPLOYMENT_TEST_ENV, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "1000" });
  user = await signUp(h);
});
afterAll(() => h.close());

const artifact = { artifactKey: "artifacts/x", bytes: 10, files: 1 };
const HASH = "abcdef0123456789abcdef0123456789abcdef01";
let repos = 0;

/** A new project (its own repository); `deploy(branch)` queues a deployment of it. */
function project() {
  const repository = `https://example.com/acme/queue-${++repos}.git`;
  return async (branch = "main") => (await queueDeployment(h, user.id, { repository, branch })).id;
}

const row = (id: string) => h.deps.db.deployment.findUniqueOrThrow({ where: { id }, include: { project: true } });
const job = async (id: string) =>
  (await h.deps.db.$queryRaw<{ run_at: Date; locked_at: Date | null; attempts: number }[]>`SELECT run_at, locked_at, attempts FROM graphile_worker.jobs WHERE key = ${`build:${id}`}`)[0];
const waitingLines = (id: string) => h.deps.db.deploymentLog.count({ where: { deploymentId: id, message: { startsWith: "Waiting for the build of" } } });

describe("startBuild", () => {
  it("makes a second deployment of the branch wait while the first builds, once told, then builds it after", async () => {
    const deploy = project();
    const first = await deploy();
    const second = await deploy();
    expect(await startBuild(h.deps.db, first, { workerId: "w1" })).toBe("building");
    await recordCommit(h.deps.db, first, { hash: HASH });

    const before = Date.now();
    expect(await startBuild(h.deps.db, second, { workerId: "w2" })).toBe("waiting");
    expect(await row(second)).toMatchObject({ status: "queued", workerId: null, startedAt: null, attempts: 1 });
    const waiting = await job(second);
    expect(waiting?.locked_at).toBeNull();
    expect(waiting!.run_at.getTime()).toBeGreaterThanOrEqual(before + 4000);
    const logs = await h.deps.db.deploymentLog.findMany({ where: { deploymentId: second } });
    expect(logs.map((l) => l.message)).toContain("Waiting for the build of abcdef0 to finish");

    // Still busy while uploading; the line is written once however often the job comes back.
    await markDeploying(h.deps.db, first);
    expect(await startBuild(h.deps.db, second, { workerId: "w2", waitMs: 0 })).toBe("waiting");
    expect(await waitingLines(second)).toBe(1);
    expect((await row(second)).attempts).toBe(1);

    expect(await markSucceeded(h.deps.db, h.deps.env, first, artifact)).toBe(true);
    expect(await startBuild(h.deps.db, second, { workerId: "w2" })).toBe("building");
    expect(await markSucceeded(h.deps.db, h.deps.env, second, artifact)).toBe(true);
    expect((await row(second)).project.productionDeploymentId).toBe(second);
    expect(await waitingLines(first)).toBe(0);
  });

  it("does not make a deployment of another branch or another project wait", async () => {
    const deploy = project();
    const main = await deploy("main");
    const dev = await deploy("dev");
    const elsewhere = await project()("main");
    expect(await startBuild(h.deps.db, main, { workerId: "w" })).toBe("building");
    expect(await startBuild(h.deps.db, dev, { workerId: "w" })).toBe("building");
    expect(await startBuild(h.deps.db, elsewhere, { workerId: "w" })).toBe("building");
    for (const id of [main, dev, elsewhere]) expect(await waitingLines(id)).toBe(0);
    for (const id of [main, dev, elsewhere]) await markFailed(h.deps.db, id, "done");
  });

  it("queues a pull request's previews among themselves, not behind the production builds of a branch of the same name", async () => {
    const deploy = project();
    const preview = async (pr: number) => {
      const id = await deploy("main");
      await h.deps.db.deployment.update({ where: { id }, data: { target: "preview", pullRequestNumber: pr } });
      return id;
    };
    const production = await deploy("main");
    const [fork7, fork7Again, fork8] = [await preview(7), await preview(7), await preview(8)];
    expect(await startBuild(h.deps.db, production, { workerId: "w" })).toBe("building");
    expect(await startBuild(h.deps.db, fork7, { workerId: "w" })).toBe("building");
    expect(await startBuild(h.deps.db, fork8, { workerId: "w" })).toBe("building");
    expect(await startBuild(h.deps.db, fork7Again, { workerId: "w" })).toBe("waiting");
    for (const id of [production, fork7, fork8]) await markFailed(h.deps.db, id, "done");
    expect(await startBuild(h.deps.db, fork7Again, { workerId: "w" })).toBe("building");
    await markFailed(h.deps.db, fork7Again, "done");
  });

  it("lets only one of two deployments of a branch started at the same moment build", async () => {
    for (let round = 0; round < 5; round++) {
      const deploy = project();
      const [a, b] = [await deploy(), await deploy()];
      const outcomes = await Promise.all([startBuild(h.deps.db, a, { workerId: "wa" }), startBuild(h.deps.db, b, { workerId: "wb" })]);
      expect(outcomes.sort()).toEqual(["building", "waiting"]);
    }
  });

  it("cancels a waiting deployment at once, and its job is gone", async () => {
    const deploy = project();
    const building = await deploy();
    const waiting = await deploy();
    await startBuild(h.deps.db, building, { workerId: "w" });
    expect(await startBuild(h.deps.db, waiting, { workerId: "w" })).toBe("waiting");
    expect(await user.caller.deployment.cancel({ id: waiting })).toMatchObject({ status: "cancelled" });
    expect(await job(waiting)).toBeUndefined();
    expect(await startBuild(h.deps.db, waiting, { workerId: "w" })).toBe("gone");
    expect((await row(building)).status).toBe("building");
    await markFailed(h.deps.db, building, "done");
  });

  it("lets the waiting deployment build once the sweep has dealt with a dead worker's build, without counting an attempt", async () => {
    const deploy = project();
    const stuck = await deploy();
    const waiting = await deploy();
    await markBuilding(h.deps.db, stuck, { workerId: "dead-branch-worker" });
    await h.deps.db.workerHeartbeat.create({ data: { workerId: "dead-branch-worker", hostname: "h", pid: 1, lastSeenAt: new Date(Date.now() - 120_000) } });
    for (let n = 0; n < 3; n++) expect(await startBuild(h.deps.db, waiting, { workerId: "w", waitMs: 0 })).toBe("waiting");

    const swept = await failStuckDeployments(h.deps.db, { heartbeatTimeoutMs: 30_000 });
    expect(swept.retried).toContain(stuck);
    // The waiting one is not stuck: it has its job, unlocked, and no attempt was spent.
    expect([...swept.retried, ...swept.failed, ...swept.cancelled]).not.toContain(waiting);
    expect(await job(waiting)).toMatchObject({ locked_at: null, attempts: 0 });
    expect((await row(waiting)).attempts).toBe(1);

    expect(await startBuild(h.deps.db, waiting, { workerId: "w" })).toBe("building");
    // The retried build now waits for it in turn.
    expect(await startBuild(h.deps.db, stuck, { workerId: "w" })).toBe("waiting");
    await markFailed(h.deps.db, waiting, "done");
    await markFailed(h.deps.db, stuck, "done");
  });
});
