import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import type { Env } from "@autostack/api/env";
import {
  createDeployment,
  failStuckDeployments,
  markBuilding,
  type ArtifactStorage,
  type CreateDeploymentInput,
} from "@autostack/api/services";
import type { TestDatabase } from "@autostack/db/testing";
import { runBuild } from "../../src/tasks/build.js";
import type {} from "../../vitest.global-setup.js";
import { fixtureRepo } from "../fixtures.js";
import { useBuildHarness } from "./build-harness.js";
import { docker, dockerUnavailable } from "./helpers.js";
import { deploymentInput } from "../../src/testing/worker-harness.js";

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.skipIf(dockerUnavailable !== "")("build task", () => {
  let database: TestDatabase;
  let env: Env;
  let storage: ArtifactStorage;
  let tmp: string;
  let userId: string;

  const harness = useBuildHarness("build-task");
  beforeAll(() => {
    ({ database, env, storage, tmp, userId } = harness);
  });

  async function deployAndBuild(repository: string, input: Partial<CreateDeploymentInput> = {}) {
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput(repository, input));
    const outcome = await runBuild({ db: database.db, env, storage }, created.id, "test-worker");
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    const logs = await database.db.deploymentLog.findMany({ where: { deploymentId: created.id }, orderBy: { seq: "asc" } });
    return { id: created.id, outcome, row, logs: logs.map((l) => `${l.logLevel}: ${l.message}`) };
  }

  it("deploys a static site as it is in the repository", async () => {
    const repo = await fixtureRepo(tmp, "static", {
      "index.html": `<!doctype html><title>Home</title>${"<p>static content</p>\n".repeat(100)}`,
      "about/index.html": "<h1>About</h1>",
    });
    const { id, outcome, row, logs } = await deployAndBuild(repo);
    expect(outcome).toBe("success");
    expect(row.status).toBe("success");
    expect(row.artifactKey).toBe(id);
    expect(row.commitHash).toMatch(/^[0-9a-f]{40}$/);
    expect(row.commitMessage).toBe("initial static");
    expect(row.artifactFiles).toBe(2);
    expect(logs).toContain(`info: Cloning ${repo}@main`);
    expect(logs.some((l) => /^info: Uploaded 2 files \(/.test(l))).toBe(true);
    expect(logs.some((l) => l.includes("Installing:") || l.includes("Running:"))).toBe(false);

    const gz = await storage.readFile(id, "index.html", ["gzip"]);
    expect(gz?.encoding).toBe("gzip");
    expect(gunzipSync(await readAll(gz!.body)).toString()).toContain("static content");
    const about = await storage.readFile(id, "about/index.html", ["br", "gzip"]);
    expect((await readAll(about!.body)).toString()).toBe("<h1>About</h1>");
    // The work directory is gone.
    expect(await readdir(path.join(env.DATA_DIR, "builds"))).toEqual([]);
  });

  it("runs a Node build and deploys its output directory", async () => {
    const repo = await fixtureRepo(tmp, "node-app", {
      "package.json": JSON.stringify({ name: "node-app", private: true }),
      "build.js": `const fs = require("fs"); fs.mkdirSync("dist", { recursive: true }); fs.writeFileSync("dist/index.html", "<h1>built " + process.version + "</h1>"); console.log("built ok");`,
    });
    const { id, outcome, row, logs } = await deployAndBuild(repo, { buildCommand: "node build.js", installCommand: "", outputDir: "dist" });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(row.status).toBe("success");
    expect(logs).toContain("info: Running: node build.js");
    expect(logs).toContain("info: built ok");
    expect(logs.some((l) => /^info: Build finished in \d+\.\ds$/.test(l))).toBe(true);
    const file = await storage.readFile(id, "index.html", []);
    expect((await readAll(file!.body)).toString()).toMatch(/^<h1>built v20\./);
  });

  it("fails a build that exits non-zero, with the exit code in the logs", async () => {
    const repo = await fixtureRepo(tmp, "failing", { "index.html": "x" });
    const { outcome, row, logs } = await deployAndBuild(repo, { buildCommand: "echo about to fail; echo 'Error: broken' >&2; exit 3" });
    expect(outcome).toBe("failed");
    expect(row.status).toBe("failed");
    expect(row.errorMessage).toBe("Build failed with exit code 3");
    expect(logs).toContain("info: about to fail");
    expect(logs).toContain("error: Error: broken");
    expect(logs).toContain("error: Build failed with exit code 3");
  });

  it("masks env var values in the logs", async () => {
    const secret = "sup3r-s3cret-t0ken-value";
    const repo = await fixtureRepo(tmp, "secret", { "index.html": "x" });
    const { outcome, logs } = await deployAndBuild(repo, {
      buildCommand: "echo token=$SECRET_TOKEN",
      envVars: [{ key: "SECRET_TOKEN", value: secret }],
    });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(logs).toContain("info: token=***");
    const leaked = await database.db.deploymentLog.count({ where: { message: { contains: secret } } });
    expect(leaked).toBe(0);
  });

  it("masks each line of a multi-line env var value in the logs", async () => {
    const key = "-----BEGIN KEY-----\nabcdEFGH1234\n-----END KEY-----";
    const repo = await fixtureRepo(tmp, "multi-line-secret", { "index.html": "x" });
    const { id, outcome, logs } = await deployAndBuild(repo, {
      buildCommand: `printf '%s\\n' "$KEY"`,
      envVars: [{ key: "KEY", value: key }],
    });
    expect(outcome, logs.join("\n")).toBe("success");
    // The build printed it over three lines, none holding the whole value.
    expect(logs.filter((l) => l === "info: ***")).toHaveLength(3);
    const stored = await database.db.deploymentLog.findMany({ where: { deploymentId: id }, select: { message: true } });
    for (const line of key.split("\n")) expect(stored.filter((l) => l.message.includes(line))).toEqual([]);
  });

  it("detects npm ci from package-lock.json", async () => {
    const repo = await fixtureRepo(tmp, "npm-ci", {
      "package.json": JSON.stringify({ name: "npm-ci", version: "1.0.0", private: true }),
      "package-lock.json": JSON.stringify({ name: "npm-ci", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "npm-ci", version: "1.0.0" } } }),
      "public/index.html": "<h1>hi</h1>",
    });
    const { outcome, logs } = await deployAndBuild(repo, { outputDir: "public" });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(logs).toContain("info: Installing with npm ci (package-lock.json found)");
    expect(logs.some((l) => /^info: Install finished in \d+\.\ds$/.test(l))).toBe(true);
  });

  it("says at once why a pnpm install cannot work offline", async () => {
    const repo = await fixtureRepo(tmp, "pnpm", {
      "package.json": JSON.stringify({ name: "pnpm-app", version: "1.0.0", private: true, packageManager: "pnpm@9.0.0" }),
      "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
      "index.html": "x",
    });
    const { outcome, row, logs } = await deployAndBuild(repo, { buildCommand: "echo never" });
    expect(outcome).toBe("failed");
    expect(logs).toContain("info: Installing with npx --yes pnpm@9.0.0 install --frozen-lockfile (pnpm-lock.yaml found, pnpm@9.0.0)");
    // These builds run with BUILD_NETWORK=none: the step fails at once instead of npx retrying for minutes.
    expect(row.errorMessage).toBe("Install needs the npm registry to fetch pnpm, but builds have no network (BUILD_NETWORK=none); set an install command or use BUILD_NETWORK=public");
    expect(logs).not.toContain("info: never");
  });

  it("fails a build that allocates past the memory limit with an OOM message", async () => {
    const repo = await fixtureRepo(tmp, "memory-hog", { "index.html": "x" });
    const saved = env;
    env = { ...env, BUILD_MEMORY_MB: 64 };
    try {
      const { outcome, row, logs } = await deployAndBuild(repo, { buildCommand: `node -e "const keep = []; for (;;) keep.push(Buffer.alloc(8 << 20, 1))"` });
      expect(outcome).toBe("failed");
      expect(row.errorMessage).toBe("Build ran out of memory (limit 64 MB)");
      expect(logs).toContain("error: Build ran out of memory (limit 64 MB)");
    } finally {
      env = saved;
    }
  });

  it("fails with a clear line when the output directory is missing", async () => {
    const repo = await fixtureRepo(tmp, "no-output", { "index.html": "x" });
    const { outcome, row, logs } = await deployAndBuild(repo, { buildCommand: "echo built nothing", outputDir: "dist" });
    expect(outcome).toBe("failed");
    expect(row.errorMessage).toBe('Output directory "dist" does not exist');
    expect(logs).toContain('error: Output directory "dist" does not exist');
    expect(logs).toContain("info: built nothing");
  });

  it("refuses an output directory larger than MAX_BUILD_SIZE, and uploads nothing", async () => {
    const repo = await fixtureRepo(tmp, "too-big", { "index.html": "x" });
    const saved = env;
    env = { ...env, MAX_BUILD_SIZE: 1 };
    try {
      // 2,000,000 bytes: past the limit of 1 MiB (the check counts bytes, MAX_BUILD_SIZE is in MiB).
      const buildCommand = "mkdir -p dist && head -c 2000000 /dev/zero > dist/big && echo hi > dist/index.html";
      const { id, outcome, row, logs } = await deployAndBuild(repo, { buildCommand, outputDir: "dist" });
      expect(outcome, logs.join("\n")).toBe("failed");
      expect(row.status).toBe("failed");
      expect(row.errorMessage).toBe("Build output is larger than the limit of 1 MB");
      expect(logs).toContain("error: Build output is larger than the limit of 1 MB");
      expect(logs.some((l) => l.includes("Uploaded"))).toBe(false);
      expect(row.artifactKey).toBeNull();
      expect(await storage.readFile(id, "index.html", [])).toBeNull();
    } finally {
      env = saved;
    }
  });

  it("refuses an output directory that leaves the checkout", async () => {
    const repo = await fixtureRepo(tmp, "escape", { "index.html": "x" });
    const { outcome, row } = await deployAndBuild(repo, { buildCommand: "ln -s /etc out", outputDir: "out" });
    expect(outcome).toBe("failed");
    expect(row.errorMessage).toBe('Output directory "out" is outside the repository');
    expect(await storage.readFile(row.id, "passwd", [])).toBeNull();
  });

  it("stops a build whose cancel is requested", async () => {
    const repo = await fixtureRepo(tmp, "cancel", { "index.html": "x" });
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput(repo, { buildCommand: "echo started; sleep 30" }));
    const started = Date.now();
    const building = runBuild({ db: database.db, env, storage }, created.id, "test-worker");
    for (;;) {
      const seen = await database.db.deploymentLog.count({ where: { deploymentId: created.id, message: "started" } });
      if (seen > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const requested = Date.now();
    await database.db.deployment.update({ where: { id: created.id }, data: { cancelRequestedAt: new Date() } });
    expect(await building).toBe("cancelled");
    expect(Date.now() - requested).toBeLessThan(5000);
    expect(Date.now() - started).toBeLessThan(15_000);
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.status).toBe("cancelled");
  });

  it("stops, and writes nothing, when it was presumed dead and a retry on another worker took the deployment", async () => {
    const repo = await fixtureRepo(tmp, "partitioned", { "index.html": "x" });
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

  it("fails a build that runs past BUILD_TIMEOUT", async () => {
    const repo = await fixtureRepo(tmp, "slow", { "index.html": "x" });
    const saved = env;
    env = { ...env, BUILD_TIMEOUT: 2000 };
    try {
      const { outcome, row } = await deployAndBuild(repo, { buildCommand: "sleep 30" });
      expect(outcome).toBe("failed");
      expect(row.errorMessage).toBe("Build timed out after 2.0s");
    } finally {
      env = saved;
    }
  });
});
