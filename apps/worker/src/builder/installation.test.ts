import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createArtifactStorage, createDeployment } from "@autostack/api/services";
import { createDatabase } from "@autostack/db";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { fixtureRepo } from "../../tests/fixtures.js";
import { runBuild } from "../tasks/build.js";
import { deploymentInput, workerEnv } from "../testing/worker-harness.js";
import { DEPLOYMENT_LABEL, INSTALLATION_LABEL, WORKER_LABEL } from "./runners/docker/container-spec.js";
import { installationId } from "./installation.js";
import { dockerRunner } from "./runners/create-runner.js";

// The installation id is the database's, and every build container carries
// it: the sweep (orphans.ts) tells this installation's containers apart by it.

let first: TestDatabase;
let second: TestDatabase;
let tmp: string;

beforeAll(async () => {
  [first, second] = await Promise.all([createTestDatabase(inject("adminUrl")), createTestDatabase(inject("adminUrl"))]);
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-installation-"));
});
afterAll(async () => {
  await Promise.all([first?.drop(), second?.drop()]);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe("the installation id", () => {
  it("is the same for every client of one database, and differs between databases of one server", async () => {
    const id = await installationId(first.db);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    const anotherClient = createDatabase(first.url);
    try {
      expect(await installationId(anotherClient)).toBe(id);
    } finally {
      await anotherClient.$disconnect();
    }
    expect(await installationId(second.db)).not.toBe(id);
  });

  it("labels every build container, with its deployment and worker", async () => {
    const env = workerEnv(first.url, { DATA_DIR: path.join(tmp, "data"), ALLOW_LOCAL_REPOS: "true", BUILD_NETWORK: "none", RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100" });
    const user = await first.db.user.create({ data: { name: "Builder", email: "installation@example.com" } });
    const repository = await fixtureRepo(tmp, "site", { "index.html": "<h1>hi</h1>" });
    const created = await createDeployment({ db: first.db, env }, user.id, deploymentInput(repository, { buildCommand: "make site" }));
    // An engine that has the image and records the container it is asked to create, then refuses.
    const specs: Docker.ContainerCreateOptions[] = [];
    const engine = {
      ping: async () => "OK",
      getImage: () => ({ inspect: async () => ({ Config: { Labels: {} } }) }),
      createContainer: async (spec: Docker.ContainerCreateOptions) => {
        specs.push(spec);
        throw new Error("no containers today");
      },
    } as unknown as Docker;

    await runBuild({ db: first.db, env, storage: createArtifactStorage(env), runner: dockerRunner(env, () => engine) }, created.id, "worker-7");

    expect(specs).toHaveLength(1);
    expect(specs[0]!.Labels).toMatchObject({ [DEPLOYMENT_LABEL]: created.id, [WORKER_LABEL]: "worker-7", [INSTALLATION_LABEL]: await installationId(first.db) });
  });
});
