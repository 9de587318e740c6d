import { describe, expect, it } from "vitest";
import { createDeployment, failStuckDeployments, markBuilding } from "@autostack/api/services";
import { runBuild } from "../../src/tasks/build.js";
import { deploymentInput } from "../../src/testing/worker-harness.js";
import type {} from "../../vitest.global-setup.js";
import { fixtureRepo } from "../fixtures.js";
import { buildTaskCases } from "../runners/build-task-cases.js";
import { deployAndBuild, withEnv } from "../runners/build-harness.js";
import { docker, dockerRunnerEnv, dockerUnavailable } from "./helpers.js";

// The build task with BUILD_RUNNER=docker: the cases of every runner (in
// ../runners), then those of the Docker runner (its memory limit, its
// containers) and the pipeline's own checks, which do not depend on the
// runner and run once, here.

describe.skipIf(dockerUnavailable !== "")("build task", () => {
  const harness = buildTaskCases({ name: "build-task", runnerEnv: dockerRunnerEnv(), nodeVersion: /^v20\./ });
  const build = (repository: string, input: Parameters<typeof deploymentInput>[1] = {}) => deployAndBuild(harness, repository, input);

  it("masks each line of a multi-line env var value in the logs", async () => {
    const key = "-----BEGIN KEY-----\nabcdEFGH1234\n-----END KEY-----";
    const repo = await fixtureRepo(harness.tmp, "multi-line-secret", { "index.html": "x" });
    const { id, outcome, logs } = await build(repo, { buildCommand: `printf '%s\\n' "$KEY"`, envVars: [{ key: "KEY", value: key }] });
    expect(outcome, logs.join("\n")).toBe("success");
    // The build printed it over three lines, none holding the whole value.
    expect(logs.filter((l) => l === "info: ***")).toHaveLength(3);
    const stored = await harness.database.db.deploymentLog.findMany({ where: { deploymentId: id }, select: { message: true } });
    for (const line of key.split("\n")) expect(stored.filter((l) => l.message.includes(line))).toEqual([]);
  });

  it("detects npm ci from package-lock.json", async () => {
    const repo = await fixtureRepo(harness.tmp, "npm-ci", {
      "package.json": JSON.stringify({ name: "npm-ci", version: "1.0.0", private: true }),
      "package-lock.json": JSON.stringify({ name: "npm-ci", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "npm-ci", version: "1.0.0" } } }),
      "public/index.html": "<h1>hi</h1>",
    });
    const { outcome, logs } = await build(repo, { outputDir: "public" });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(logs).toContain("info: Installing with npm ci (package-lock.json found)");
    expect(logs.some((l) => /^info: Install finished in \d+\.\ds$/.test(l))).toBe(true);
  });

  it("says at once why a pnpm install cannot work offline", async () => {
    const repo = await fixtureRepo(harness.tmp, "pnpm", {
      "package.json": JSON.stringify({ name: "pnpm-app", version: "1.0.0", private: true, packageManager: "pnpm@9.0.0" }),
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "index.html": "x",
    });
    const { outcome, row, logs } = await build(repo, { buildCommand: "echo never" });
    expect(outcome).toBe("failed");
    expect(logs).toContain("info: Installing with npx --yes pnpm@9.0.0 install --frozen-lockfile (pnpm-lock.yaml found, pnpm@9.0.0)");
    // These builds run with BUILD_NETWORK=none: the step fails at once instead of npx retrying for minutes.
    expect(row.errorMessage).toBe("Install needs the npm registry to fetch pnpm, but builds have no network (BUILD_NETWORK=none); set an install command or use BUILD_NETWORK=public");
    expect(logs).not.toContain("info: never");
  });

  it("fails a build that allocates past the memory limit with an OOM message", async () => {
    const repo = await fixtureRepo(harness.tmp, "memory-hog", { "index.html": "x" });
    const buildCommand = `node -e "const keep = []; for (;;) keep.push(Buffer.alloc(8 << 20, 1))"`;
    const { outcome, row, logs } = await withEnv(harness, { BUILD_MEMORY_MB: 64 }, () => build(repo, { buildCommand }));
    expect(outcome).toBe("failed");
    expect(row.errorMessage).toBe("Build ran out of memory (limit 64 MB)");
    expect(logs).toContain("error: Build ran out of memory (limit 64 MB)");
  });

  it("fails with a clear line when the output directory is missing", async () => {
    const repo = await fixtureRepo(harness.tmp, "no-output", { "index.html": "x" });
    const { outcome, row, logs } = await build(repo, { buildCommand: "echo built nothing", outputDir: "dist" });
    expect(outcome).toBe("failed");
    expect(row.errorMessage).toBe('Output directory "dist" does not exist');
    expect(logs).toContain('error: Output directory "dist" does not exist');
    expect(logs).toContain("info: built nothing");
  });

  it("refuses an output directory larger than MAX_BUILD_SIZE, and uploads nothing", async () => {
    const repo = await fixtureRepo(harness.tmp, "too-big", { "index.html": "x" });
    // 2,000,000 bytes: past the limit of 1 MiB (the check counts bytes, MAX_BUILD_SIZE is in MiB).
    const buildCommand = "mkdir -p dist && head -c 2000000 /dev/zero > dist/big && echo hi > dist/index.html";
    const { id, outcome, row, logs } = await withEnv(harness, { MAX_BUILD_SIZE: 1 }, () => build(repo, { buildCommand, outputDir: "dist" }));
    expect(outcome, logs.join("\n")).toBe("failed");
    expect(row).toMatchObject({ status: "failed", errorMessage: "Build output is larger than the limit of 1 MB", artifactKey: null });
    expect(logs).toContain("error: Build output is larger than the limit of 1 MB");
    expect(logs.some((l) => l.includes("Uploaded"))).toBe(false);
    expect(await harness.storage.readFile(id, "index.html", [])).toBeNull();
  });

  it("stops, and writes nothing, when it was presumed dead and a retry on another worker took the deployment", async () => {
    const { database, env, storage, userId } = harness;
    const repo = await fixtureRepo(harness.tmp, "partitioned", { "index.html": "x" });
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput(repo, { buildCommand: "echo started; sleep 30" }));
    const building = runBuild({ db: database.db, env, storage }, created.id, "partitioned-worker");
    while ((await database.db.deploymentLog.count({ where: { deploymentId: created.id, message: "started" } })) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Its heartbeat went silent (a network partition, a long pause): the sweep re-queues the build, another worker takes it.
    await database.db.workerHeartbeat.create({ data: { workerId: "partitioned-worker", hostname: "h", pid: 1, lastSeenAt: new Date(Date.now() - 120_000) } });
    expect((await failStuckDeployments(database.db, { heartbeatTimeoutMs: 30_000 })).retried).toContain(created.id);
    expect(await markBuilding(database.db, created.id, { workerId: "retry-worker" })).toBe(true);
    const linesBefore = await database.db.deploymentLog.count({ where: { deploymentId: created.id } });
    const takenAt = Date.now();

    expect(await building).toBe("skipped");
    expect(Date.now() - takenAt).toBeLessThan(5000);
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ status: "building", workerId: "retry-worker", errorMessage: null });
    // No "cancelled", no "failed", no internal error in the log of the attempt that now runs.
    expect(await database.db.deploymentLog.count({ where: { deploymentId: created.id } })).toBe(linesBefore);
    expect(await docker.listContainers({ all: true, filters: { label: [`autostack.deployment=${created.id}`] } })).toEqual([]);
    await database.db.deployment.update({ where: { id: created.id }, data: { status: "failed" } });
  });
});
