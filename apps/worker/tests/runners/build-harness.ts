import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, inject } from "vitest";
import type { Env } from "@autostack/api/env";
import { createArtifactStorage, createDeployment, type ArtifactStorage, type CreateDeploymentInput } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { runBuild } from "../../src/tasks/build.js";
import { deploymentInput, workerEnv } from "../../src/testing/worker-harness.js";
import type {} from "../../vitest.global-setup.js";

// What every file that runs whole builds needs, whatever the runner: a
// database of its own, a DATA_DIR in a temporary directory, one user, and a
// way to run a deployment's build and read its log. The runner comes from the
// variables the caller passes (BUILD_RUNNER and what that runner needs).
// Registers its own beforeAll/afterAll; read the fields in tests.

export interface BuildHarness {
  database: TestDatabase;
  env: Env;
  storage: ArtifactStorage;
  tmp: string;
  userId: string;
  /** Runs the build task for a queued deployment and returns its outcome and log as "level: message" lines. */
  build(deploymentId: string): Promise<{ outcome: string; logs: string[] }>;
}

export interface DeployedBuild {
  id: string;
  outcome: string;
  row: Awaited<ReturnType<TestDatabase["db"]["deployment"]["findUniqueOrThrow"]>>;
  logs: string[];
}

/**
 * A fresh host directory that the builder user can reach: mkdtemp makes it
 * 0700, and a root worker runs a bubblewrap sandbox as uid 1000, which must be
 * able to enter the parents of the checkout (the runner says so when it cannot).
 */
export async function makeTmp(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** `runnerEnv`: the worker's variables for its runner; they override the small, offline defaults here. */
export function useBuildHarness(name: string, runnerEnv: Record<string, string>): BuildHarness {
  const harness = {} as BuildHarness;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ dir: harness.tmp, cleanup } = await makeTmp(`autostack-${name}-`));
    harness.database = await createTestDatabase(inject("adminUrl"));
    harness.env = workerEnv(harness.database.url, {
      DATA_DIR: path.join(harness.tmp, "data"),
      ALLOW_LOCAL_REPOS: "true",
      BUILD_NETWORK: "none",
      BUILD_MEMORY_MB: "512",
      BUILD_TIMEOUT: "60000",
      RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100",
      ...runnerEnv,
    });
    harness.storage = createArtifactStorage(harness.env);
    const user = await harness.database.db.user.create({ data: { name: "Builder", email: `${name}@example.com` }, select: { id: true } });
    harness.userId = user.id;
    harness.build = async (deploymentId) => {
      const outcome = await runBuild({ db: harness.database.db, env: harness.env, storage: harness.storage }, deploymentId, `${name}-worker`);
      const rows = await harness.database.db.deploymentLog.findMany({ where: { deploymentId }, orderBy: { seq: "asc" } });
      return { outcome, logs: rows.map((row) => `${row.logLevel}: ${row.message}`) };
    };
  });
  afterAll(async () => {
    await harness.database?.drop();
    await cleanup?.();
  });
  return harness;
}

/** Queues a deployment of `repository` (with `input` over the defaults), builds it, and returns its row and log. */
export async function deployAndBuild(harness: BuildHarness, repository: string, input: Partial<CreateDeploymentInput> = {}): Promise<DeployedBuild> {
  const { database, env, userId } = harness;
  const created = await createDeployment({ db: database.db, env }, userId, deploymentInput(repository, input));
  const { outcome, logs } = await harness.build(created.id);
  const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
  return { id: created.id, outcome, row, logs };
}

/** Runs `body` with `overrides` in the harness's env, and puts the env back however it ends. */
export async function withEnv<T>(harness: BuildHarness, overrides: Partial<Env>, body: () => Promise<T>): Promise<T> {
  const saved = harness.env;
  harness.env = { ...saved, ...overrides };
  try {
    return await body();
  } finally {
    harness.env = saved;
  }
}

export async function readBytes(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function readText(body: Readable): Promise<string> {
  return (await readBytes(body)).toString("utf8");
}
