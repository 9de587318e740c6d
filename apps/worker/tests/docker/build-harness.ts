import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, inject } from "vitest";
import type { Env } from "@autostack/api/env";
import { createArtifactStorage, type ArtifactStorage } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { runBuild } from "../../src/tasks/build.js";
import { workerEnv } from "../../src/testing/worker-harness.js";
import type {} from "../../vitest.global-setup.js";
import { builderImage } from "./helpers.js";

// What every file that runs whole builds in Docker needs: a database of its
// own, a DATA_DIR in a temporary directory, the engine and builder image of
// the global setup, one user, and a way to run a deployment's build and read
// its log. Registers its own beforeAll/afterAll; read the fields in tests.

export interface BuildHarness {
  database: TestDatabase;
  env: Env;
  storage: ArtifactStorage;
  tmp: string;
  userId: string;
  /** Runs the build task for a queued deployment and returns its outcome and log as "level: message" lines. */
  build(deploymentId: string): Promise<{ outcome: string; logs: string[] }>;
}

export function useBuildHarness(name: string, overrides: Record<string, string> = {}): BuildHarness {
  const harness = {} as BuildHarness;
  beforeAll(async () => {
    harness.tmp = await mkdtemp(path.join(tmpdir(), `autostack-${name}-`));
    harness.database = await createTestDatabase(inject("adminUrl"));
    harness.env = workerEnv(harness.database.url, {
      DATA_DIR: path.join(harness.tmp, "data"),
      ALLOW_LOCAL_REPOS: "true",
      DOCKER_HOST: inject("dockerHost"),
      BUILD_IMAGE: builderImage,
      BUILD_NETWORK: "none",
      BUILD_MEMORY_MB: "512",
      BUILD_TIMEOUT: "60000",
      RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100",
      ...overrides,
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
    if (harness.tmp) await rm(harness.tmp, { recursive: true, force: true });
  });
  return harness;
}

export async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
