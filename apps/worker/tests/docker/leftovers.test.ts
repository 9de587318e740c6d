import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { DEPLOYMENT_LABEL, INSTALLATION_LABEL, MANAGED_LABEL, WORKER_LABEL } from "../../src/builder/runners/docker/container-spec.js";
import { installationId } from "../../src/builder/installation.js";
import { removeBuildLeftovers } from "../../src/tasks/recover-stuck-builds.js";
import type {} from "../../vitest.global-setup.js";
import { builderImage, docker, dockerUnavailable } from "./helpers.js";

// ADR 0014's sweep of leftovers, on a real engine: a running build container
// whose deployment row was deleted is force-removed — also when its worker's
// row is gone, if it carries this installation's label — while the container
// of a deployment that is building on a live worker, and one of another
// installation on the engine, keep running.

const WORKER = "leftovers-live-worker";
const LATER = 3 * 60_000; // past the grace period a just-created container gets

describe.skipIf(dockerUnavailable !== "")("the leftover sweep on a real engine", () => {
  let database: TestDatabase;
  let dataDir: string;
  const containers: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(inject("adminUrl"));
    dataDir = await mkdtemp(path.join(tmpdir(), "autostack-leftovers-docker-"));
  });

  afterAll(async () => {
    for (const id of containers) await docker.getContainer(id).remove({ force: true }).catch(() => undefined);
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function deployment(slug: string, status: string): Promise<string> {
    const db = database.db;
    const user = await db.user.create({ data: { name: "Owner", email: `${slug}@example.com` } });
    const project = await db.project.create({ data: { userId: user.id, name: "app", repository: "https://example.com/app.git", slug } });
    const row = await db.deployment.create({
      data: { userId: user.id, projectId: project.id, slug: `${slug}-0001`, repository: project.repository, buildCommand: "true", outputDir: ".", status, workerId: WORKER },
    });
    return row.id;
  }

  /** A running container labelled as the worker labels a build step's. */
  async function buildContainer(deploymentId: string, labels: Record<string, string> = {}): Promise<string> {
    const container = await docker.createContainer({
      Image: builderImage,
      Cmd: ["sleep", "300"],
      Labels: { [MANAGED_LABEL]: "true", [DEPLOYMENT_LABEL]: deploymentId, [WORKER_LABEL]: WORKER, ...labels },
      HostConfig: { NetworkMode: "none" },
    });
    containers.push(container.id);
    await container.start();
    return container.id;
  }

  const exists = (id: string) =>
    docker
      .getContainer(id)
      .inspect()
      .then(
        () => true,
        (error: { statusCode?: number }) => {
          if (error.statusCode === 404) return false;
          throw error;
        },
      );

  it("removes the container of a deleted deployment and keeps the one of a building deployment", async () => {
    await database.db.workerHeartbeat.create({ data: { workerId: WORKER, hostname: "test", pid: 1 } });
    const building = await deployment("leftovers-building", "building");
    const deleted = await deployment("leftovers-deleted", "building");
    const keep = await buildContainer(building);
    const orphan = await buildContainer(deleted);
    await database.db.deployment.delete({ where: { id: deleted } });

    const lines: { message: string; meta: Record<string, string | null> }[] = [];
    const errors: unknown[] = [];
    const result = await removeBuildLeftovers(database.db, {
      dataDir,
      docker,
      now: new Date(Date.now() + LATER),
      onRemoved: (message, meta) => lines.push({ message, meta }),
      onError: (_message, error) => errors.push(error),
    });

    expect(errors).toEqual([]);
    expect(result.containers).toEqual([{ id: orphan, deploymentId: deleted, workerId: WORKER }]);
    expect(lines).toEqual([{ message: "removed a leftover build container", meta: { containerId: orphan, deploymentId: deleted } }]);
    expect(await exists(orphan)).toBe(false);
    expect(await exists(keep)).toBe(true);
    expect((await docker.getContainer(keep).inspect()).State.Running).toBe(true);
  });

  it("removes this installation's container of a deleted deployment whose worker row is gone, never another installation's", async () => {
    const ours = { [INSTALLATION_LABEL]: (await installationId(database.db))! };
    const gone = await deployment("leftovers-gone-worker", "building");
    const theirs = await deployment("leftovers-theirs", "building");
    const orphan = await buildContainer(gone, { ...ours, [WORKER_LABEL]: "worker-whose-row-was-deleted" });
    // Another instance on this engine: the worker id is one this database knows, yet the container is not ours.
    const foreign = await buildContainer(theirs, { [INSTALLATION_LABEL]: "another-installation" });
    await database.db.deployment.deleteMany({ where: { id: { in: [gone, theirs] } } });

    const errors: unknown[] = [];
    const result = await removeBuildLeftovers(database.db, {
      dataDir,
      docker,
      now: new Date(Date.now() + LATER),
      onRemoved: () => undefined,
      onError: (_message, error) => errors.push(error),
    });

    expect(errors).toEqual([]);
    expect(result.containers).toEqual([{ id: orphan, deploymentId: gone, workerId: "worker-whose-row-was-deleted" }]);
    expect(await exists(orphan)).toBe(false);
    expect((await docker.getContainer(foreign).inspect()).State.Running).toBe(true);
  });
});
