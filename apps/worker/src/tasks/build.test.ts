import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createArtifactStorage, createDeployment } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { deploymentInput, workerEnv } from "../testing/worker-harness.js";
import type { StepRunner } from "../builder/step.js";
import { runBuild } from "./build.js";

// The build task where it matters most that it says what is wrong: on a
// machine without a Docker engine. So this runs with the unit tests, not in
// the Docker suite (skipped there when no engine can be started).

describe("build task without a Docker engine", () => {
  let database: TestDatabase;
  let tmp: string;
  let userId: string;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "autostack-no-engine-"));
    database = await createTestDatabase(inject("adminUrl"));
    const user = await database.db.user.create({ data: { name: "Builder", email: "no-engine@example.com" }, select: { id: true } });
    userId = user.id;
  });

  afterAll(async () => {
    await database?.drop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it.each(["tcp://127.0.0.1:1", "unix:///nonexistent/docker.sock"])("fails at once with the DOCKER_HOST hint when no engine answers at %s", async (host) => {
    const env = workerEnv(database.url, { DATA_DIR: path.join(tmp, "data"), DOCKER_HOST: host, BUILD_RUNNER: "docker", RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100" });
    const storage = createArtifactStorage(env);
    // Never cloned: the engine is checked before anything else happens.
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput("https://git.example.com/team/site.git"));

    const started = Date.now();
    const outcome = await runBuild({ db: database.db, env, storage }, created.id, "test-worker");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome).toBe("failed");
    const message = `No Docker engine reachable at ${host}: set DOCKER_HOST to a running engine`;
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ status: "failed", errorMessage: message, artifactKey: null });
    const logs = await database.db.deploymentLog.findMany({ where: { deploymentId: created.id }, orderBy: { seq: "asc" } });
    expect(logs.map((l) => `${l.logLevel}: ${l.message}`)).toContain(`error: ${message}`);
  });

  it("refuses to clone from a private address, even for a deployment stored while ALLOW_PRIVATE_NETWORK_REPOS was on", async () => {
    const base = { DATA_DIR: path.join(tmp, "data"), RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100" };
    const lenient = workerEnv(database.url, { ...base, ALLOW_PRIVATE_NETWORK_REPOS: "true" });
    const strict = workerEnv(database.url, base);
    const created = await createDeployment({ db: database.db, env: lenient }, userId, deploymentInput("https://169.254.169.254/latest/meta-data.git"));
    const runner: StepRunner = {
      kind: "docker",
      check: async () => ({ ready: true, notes: [], toolchains: { node: [], tools: {} } }),
      run: () => Promise.reject(new Error("no step may run")),
    };
    const outcome = await runBuild({ db: database.db, env: strict, storage: createArtifactStorage(strict), runner }, created.id, "test-worker");
    expect(outcome).toBe("failed");
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.errorMessage).toBe("Clone refused: 169.254.169.254 is a private, loopback or link-local address: only public hosts can be deployed from");
    expect(row.commitHash).toBeNull();
  });
});
