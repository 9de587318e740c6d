import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { DEPLOYMENT_LABEL, INSTALLATION_LABEL, MANAGED_LABEL, WORKER_LABEL } from "./runners/docker/container-spec.js";
import { installationId } from "./installation.js";
import { findLeftoverContainers, findOrphanContainers, removeLeftoverContainers, removeOrphanContainers } from "./orphans.js";

// Which build containers a sweep removes, against a fake engine and a real
// database: only this installation's, only those of dead workers (or, without
// a worker label, of finished deployments). Never one labelled with another
// installation's id, whatever else it says.

const TIMEOUT = { heartbeatTimeoutMs: 30_000 };
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

let database: TestDatabase;
const ids: Record<string, string> = {};
/** The labels of a container this installation made, and of one another installation on the engine made. */
let ours: Record<string, string>;
const theirs = { [INSTALLATION_LABEL]: "0123456789abcdef01234567" };

beforeAll(async () => {
  database = await createTestDatabase(inject("adminUrl"));
  const db = database.db;
  const user = await db.user.create({ data: { name: "Owner", email: "orphans@example.com" } });
  const project = await db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug: "orphans" } });
  for (const [name, status] of [["active", "building"], ["finished", "failed"]] as const) {
    const row = await db.deployment.create({
      data: { userId: user.id, projectId: project.id, slug: `orphans-${name}`, repository: project.repository, buildCommand: "true", outputDir: ".", status },
    });
    ids[name] = row.id;
  }
  ours = { [INSTALLATION_LABEL]: (await installationId(db))! };
  await db.workerHeartbeat.createMany({
    data: [
      { workerId: "alive", hostname: "h", pid: 1, lastSeenAt: new Date() },
      { workerId: "dead", hostname: "h", pid: 2, lastSeenAt: minutesAgo(2) },
    ],
  });
});
afterAll(() => database?.drop());

function container(id: string, labels: Record<string, string>, createdMinutesAgo: number): Docker.ContainerInfo {
  return { Id: id, Labels: { [MANAGED_LABEL]: "true", ...labels }, Created: Math.floor(minutesAgo(createdMinutesAgo).getTime() / 1000) } as unknown as Docker.ContainerInfo;
}

function fakeEngine(containers: Docker.ContainerInfo[]) {
  const removed: string[] = [];
  const engine = {
    listContainers: async (options: { filters: { label: string[] } }) => {
      expect(options.filters.label).toEqual([`${MANAGED_LABEL}=true`]);
      return containers;
    },
    getContainer: (id: string) => ({
      remove: async () => {
        if (id === "gone-meanwhile") throw Object.assign(new Error("no such container"), { statusCode: 404 });
        removed.push(id);
      },
    }),
  };
  return { docker: engine as unknown as Docker, removed };
}

describe("orphaned build containers", () => {
  it("are those of dead workers of this installation, and of finished deployments without a worker label", async () => {
    const { docker } = fakeEngine([
      container("of-dead-worker", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "dead" }, 1),
      container("of-live-worker", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "alive" }, 60),
      // No heartbeat row: a worker that has just started, or one whose stale row a sweep deleted.
      container("of-new-worker", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "not-beaten-yet" }, 0),
      container("of-vanished-worker", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "row-deleted" }, 5),
      container("unlabelled-finished", { [DEPLOYMENT_LABEL]: ids.finished! }, 5),
      container("unlabelled-active", { [DEPLOYMENT_LABEL]: ids.active! }, 5),
      // Another installation (or test database) on the same engine.
      container("other-installation", { [DEPLOYMENT_LABEL]: "00000000-0000-4000-8000-000000000000", [WORKER_LABEL]: "dead" }, 5),
      container("no-deployment", { [WORKER_LABEL]: "dead" }, 5),
      container("bad-label", { [DEPLOYMENT_LABEL]: "not-a-uuid", [WORKER_LABEL]: "dead" }, 5),
      container("ours-of-dead-worker", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "dead", ...ours }, 1),
      container("theirs-of-dead-worker", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "dead", ...theirs }, 5),
      container("theirs-finished", { [DEPLOYMENT_LABEL]: ids.finished!, ...theirs }, 5),
    ]);
    const orphans = await findOrphanContainers(docker, database.db, TIMEOUT);
    expect(orphans.map((o) => o.id).sort()).toEqual(["of-dead-worker", "of-vanished-worker", "ours-of-dead-worker", "unlabelled-finished"]);
    expect(orphans.find((o) => o.id === "of-dead-worker")).toEqual({ id: "of-dead-worker", deploymentId: ids.active, workerId: "dead" });
  });

  it("are force-removed; one already gone is no error", async () => {
    const { docker, removed } = fakeEngine([
      container("of-dead-worker", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "dead" }, 1),
      container("gone-meanwhile", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "dead" }, 1),
    ]);
    const result = await removeOrphanContainers(docker, database.db, TIMEOUT);
    expect(result.map((o) => o.id)).toEqual(["of-dead-worker"]);
    expect(removed).toEqual(["of-dead-worker"]);
  });

  it("include those of deployments final for longer than the grace period, or deleted, but never of an active one", async () => {
    const db = database.db;
    const project = await db.project.findFirstOrThrow({ where: { slug: "orphans" } });
    const make = async (name: string, status: string, completedAt: Date | null) =>
      (
        await db.deployment.create({
          data: { userId: project.userId, projectId: project.id, slug: `orphans-${name}`, repository: project.repository, buildCommand: "true", outputDir: ".", status, completedAt },
        })
      ).id;
    const longDone = await make("long-done", "success", minutesAgo(5));
    const justDone = await make("just-done", "cancelled", minutesAgo(0.5));
    const deleted = "11111111-1111-4111-8111-111111111111";
    const { docker, removed } = fakeEngine([
      container("final-long-ago", { [DEPLOYMENT_LABEL]: longDone, [WORKER_LABEL]: "alive" }, 10),
      // Its worker removes a step's container right after the step: not raced.
      container("final-just-now", { [DEPLOYMENT_LABEL]: justDone, [WORKER_LABEL]: "alive" }, 10),
      container("building-live", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "alive" }, 60),
      container("building-unlabelled", { [DEPLOYMENT_LABEL]: ids.active! }, 60),
      container("deleted-known-worker", { [DEPLOYMENT_LABEL]: deleted, [WORKER_LABEL]: "alive" }, 10),
      container("deleted-dead-worker", { [DEPLOYMENT_LABEL]: deleted, [WORKER_LABEL]: "dead" }, 10),
      container("deleted-just-created", { [DEPLOYMENT_LABEL]: deleted, [WORKER_LABEL]: "alive" }, 0),
      // A missing row with a worker this database never saw: another installation's.
      container("other-installation", { [DEPLOYMENT_LABEL]: deleted, [WORKER_LABEL]: "someone-elses" }, 10),
      container("deleted-unlabelled", { [DEPLOYMENT_LABEL]: deleted }, 10),
      // Labelled as ours: its worker's row may be long gone (or it never had a worker label).
      container("ours-deleted-worker-gone", { [DEPLOYMENT_LABEL]: deleted, [WORKER_LABEL]: "gone-long-ago", ...ours }, 10),
      container("ours-deleted-no-worker", { [DEPLOYMENT_LABEL]: deleted, ...ours }, 10),
      container("ours-deleted-just-created", { [DEPLOYMENT_LABEL]: deleted, [WORKER_LABEL]: "gone-long-ago", ...ours }, 0),
      container("ours-building", { [DEPLOYMENT_LABEL]: ids.active!, [WORKER_LABEL]: "gone-long-ago", ...ours }, 60),
      // Another installation's, even with a worker id this database knows, or a deployment id it has.
      container("theirs-deleted-known-worker", { [DEPLOYMENT_LABEL]: deleted, [WORKER_LABEL]: "alive", ...theirs }, 10),
      container("theirs-final-long-ago", { [DEPLOYMENT_LABEL]: longDone, [WORKER_LABEL]: "alive", ...theirs }, 10),
    ]);
    const expected = ["deleted-dead-worker", "deleted-known-worker", "final-long-ago", "ours-deleted-no-worker", "ours-deleted-worker-gone"];
    const grace = { graceMs: 2 * 60_000 };
    const leftovers = await findLeftoverContainers(docker, db, grace);
    expect(leftovers.map((c) => c.id).sort()).toEqual(expected);
    const result = await removeLeftoverContainers(docker, db, grace);
    expect(result.map((c) => c.id).sort()).toEqual(expected);
    expect(removed.sort()).toEqual(expected);
  });
});
