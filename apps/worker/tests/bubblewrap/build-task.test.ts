import { chmod, copyFile, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "@autostack/api/env";
import { createArtifactStorage, createDeployment, type ArtifactStorage, type CreateDeploymentInput } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { bubblewrapRunner } from "../../src/builder/runners/create-runner.js";
import type { StepRunner } from "../../src/builder/step.js";
import { runBuild } from "../../src/tasks/build.js";
import { deploymentInput, workerEnv } from "../../src/testing/worker-harness.js";
import type {} from "../../vitest.global-setup.js";
import { fixtureRepo } from "../fixtures.js";
import { bwrapUnavailable, makeTmp } from "./helpers.js";

// The build task with BUILD_RUNNER=bubblewrap: the same pipeline as with
// Docker (clone, install/build, output checks, upload), its steps in a bwrap
// sandbox. No Docker engine is involved.

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("build task with BUILD_RUNNER=bubblewrap and no bwrap installed", () => {
  let database: TestDatabase;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  afterAll(async () => {
    await database?.drop();
    await tmp?.cleanup();
  });

  it("fails the deployment at once with a line saying how to fix it", async () => {
    tmp = await makeTmp("autostack-no-bwrap-");
    database = await createTestDatabase(inject("adminUrl"));
    const env = workerEnv(database.url, { DATA_DIR: path.join(tmp.dir, "data"), ALLOW_LOCAL_REPOS: "true", BUILD_RUNNER: "bubblewrap" });
    const user = await database.db.user.create({ data: { name: "Builder", email: "no-bwrap@example.com" }, select: { id: true } });
    const repository = await fixtureRepo(tmp.dir, "site", { "index.html": "x" });
    const created = await createDeployment({ db: database.db, env }, user.id, deploymentInput(repository, { buildCommand: "echo never" }));
    const started = Date.now();
    const runner = bubblewrapRunner({ bwrap: "/nonexistent/bwrap" });
    const outcome = await runBuild({ db: database.db, env, storage: createArtifactStorage(env), runner }, created.id, "test-worker");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome).toBe("failed");
    const message = "BUILD_RUNNER=bubblewrap, but bubblewrap (bwrap) is not installed at /nonexistent/bwrap: install it (Debian/Ubuntu: apt-get install bubblewrap) or use BUILD_RUNNER=docker";
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.errorMessage).toBe(message);
    const logs = await database.db.deploymentLog.findMany({ where: { deploymentId: created.id }, orderBy: { seq: "asc" } });
    expect(logs.map((l) => `${l.logLevel}: ${l.message}`)).toEqual([`error: ${message}`]);
  });
});

describe.skipIf(bwrapUnavailable)("build task with BUILD_RUNNER=bubblewrap", () => {
  let database: TestDatabase;
  let env: Env;
  let storage: ArtifactStorage;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let userId: string;

  beforeAll(async () => {
    tmp = await makeTmp("autostack-bwrap-build-");
    database = await createTestDatabase(inject("adminUrl"));
    env = workerEnv(database.url, {
      DATA_DIR: path.join(tmp.dir, "data"),
      ALLOW_LOCAL_REPOS: "true",
      BUILD_RUNNER: "bubblewrap",
      // Deliberately unreachable: the bubblewrap runner must not need Docker for anything.
      DOCKER_HOST: "tcp://127.0.0.1:1",
      BUILD_NETWORK: "none",
      BUILD_MEMORY_MB: "512",
      BUILD_TIMEOUT: "60000",
      RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100",
    });
    storage = createArtifactStorage(env);
    userId = (await database.db.user.create({ data: { name: "Builder", email: "bwrap-builder@example.com" }, select: { id: true } })).id;
    // Would leak into the build if anything copied the worker's environment.
    process.env.HOST_SECRET = "host-secret-must-not-leak";
  });

  afterAll(async () => {
    delete process.env.HOST_SECRET;
    await database?.drop();
    await tmp?.cleanup();
  });

  async function deployAndBuild(repository: string, input: Partial<CreateDeploymentInput> = {}, runner?: StepRunner) {
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput(repository, input));
    const outcome = await runBuild({ db: database.db, env, storage, ...(runner ? { runner } : {}) }, created.id, "test-worker");
    const row = await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    const logs = await database.db.deploymentLog.findMany({ where: { deploymentId: created.id }, orderBy: { seq: "asc" } });
    return { id: created.id, outcome, row, logs: logs.map((l) => `${l.logLevel}: ${l.message}`) };
  }

  it("deploys a static site, saying that it builds in a bubblewrap sandbox", async () => {
    const repo = await fixtureRepo(tmp.dir, "static", { "index.html": "<h1>Home</h1>", "about/index.html": "<h1>About</h1>" });
    const { id, outcome, row, logs } = await deployAndBuild(repo, { buildCommand: "ls" });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(row).toMatchObject({ status: "success", artifactKey: id, artifactFiles: 2 });
    expect(logs.some((l) => /^info: Building in a bubblewrap \d+\.\d+\.\d+ sandbox \(BUILD_RUNNER=bubblewrap\): weaker isolation than Docker/.test(l))).toBe(true);
    expect(logs).toContain("info: index.html");
    const about = await storage.readFile(id, "about/index.html", []);
    expect((await readAll(about!.body)).toString()).toBe("<h1>About</h1>");
    expect(await readdir(path.join(env.DATA_DIR, "builds"))).toEqual([]);
  });

  it("runs a Node build with the host's node and deploys its output directory", async () => {
    const repo = await fixtureRepo(tmp.dir, "node-app", {
      "package.json": JSON.stringify({ name: "node-app", private: true, scripts: { build: "node build.js" } }),
      "build.js": `const fs = require("fs"); fs.mkdirSync("dist", { recursive: true }); fs.writeFileSync("dist/index.html", "<h1>built " + process.version + "</h1>"); console.log("built ok");`,
    });
    const { id, outcome, logs } = await deployAndBuild(repo, { buildCommand: "npm run build", installCommand: "", outputDir: "dist" });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(logs).toContain("info: built ok");
    const file = await storage.readFile(id, "index.html", []);
    expect((await readAll(file!.body)).toString()).toBe(`<h1>built ${process.version}</h1>`);
  });

  it("fails a build that exits non-zero, with the exit code in the logs", async () => {
    const repo = await fixtureRepo(tmp.dir, "failing", { "index.html": "x" });
    const { outcome, row, logs } = await deployAndBuild(repo, { buildCommand: "echo about to fail; echo 'Error: broken' >&2; exit 3" });
    expect(outcome).toBe("failed");
    expect(row.errorMessage).toBe("Build failed with exit code 3");
    expect(logs).toContain("info: about to fail");
    expect(logs).toContain("error: Error: broken");
  });

  it("masks env var values in the logs, and the worker's own variables never reach the build", async () => {
    const secret = "sup3r-s3cret-t0ken-value";
    const repo = await fixtureRepo(tmp.dir, "secret", { "index.html": "x" });
    const { outcome, logs } = await deployAndBuild(repo, { buildCommand: "echo token=$SECRET_TOKEN; env", envVars: [{ key: "SECRET_TOKEN", value: secret }] });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(logs).toContain("info: token=***");
    expect(logs).toContain("info: SECRET_TOKEN=***");
    expect(await database.db.deploymentLog.count({ where: { message: { contains: secret } } })).toBe(0);
    expect(logs.join("\n")).not.toContain("HOST_SECRET");
    expect(logs.join("\n")).not.toContain("DATABASE_URL");
  });

  it("refuses an output directory that leaves the checkout (a link to the host's /etc)", async () => {
    const repo = await fixtureRepo(tmp.dir, "escape", { "index.html": "x" });
    const { outcome, row } = await deployAndBuild(repo, { buildCommand: "ln -s /etc out", outputDir: "out" });
    expect(outcome).toBe("failed");
    expect(row.errorMessage).toBe('Output directory "out" is outside the repository');
  });

  it("stops a build whose cancel is requested within 5 s", async () => {
    const repo = await fixtureRepo(tmp.dir, "cancel", { "index.html": "x" });
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput(repo, { buildCommand: "echo started; sleep 30" }));
    const building = runBuild({ db: database.db, env, storage }, created.id, "test-worker");
    while ((await database.db.deploymentLog.count({ where: { deploymentId: created.id, message: "started" } })) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const requested = Date.now();
    await database.db.deployment.update({ where: { id: created.id }, data: { cancelRequestedAt: new Date() } });
    expect(await building).toBe("cancelled");
    expect(Date.now() - requested).toBeLessThan(5000);
    expect((await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } })).status).toBe("cancelled");
  });

  it("fails a build that runs past BUILD_TIMEOUT", async () => {
    const repo = await fixtureRepo(tmp.dir, "slow", { "index.html": "x" });
    const saved = env;
    env = { ...env, BUILD_TIMEOUT: 1500 };
    try {
      const { outcome, row } = await deployAndBuild(repo, { buildCommand: "sleep 30" });
      expect(outcome).toBe("failed");
      expect(row.errorMessage).toBe("Build timed out after 1.5s");
    } finally {
      env = saved;
    }
  });

  it("runs the Node.js toolchain extracted under DATA_DIR/toolchains, mounted where the builder image has it", async () => {
    // The host's own node stands in for a toolchain of its version (the image script extracts real ones there).
    const version = process.versions.node;
    const bin = path.join(env.DATA_DIR, "toolchains/node", version, "bin");
    await mkdir(bin, { recursive: true });
    await copyFile(process.execPath, path.join(bin, "node"));
    await chmod(path.join(bin, "node"), 0o755);
    const repo = await fixtureRepo(tmp.dir, "toolchain", {
      "package.json": "{}",
      "build.js": `require("fs").mkdirSync("dist"); require("fs").writeFileSync("dist/index.html", process.execPath + " " + process.version);`,
    });
    const major = version.split(".")[0]!;
    const { id, outcome, logs } = await deployAndBuild(repo, { buildCommand: "node build.js", installCommand: "", outputDir: "dist", nodeVersion: major as "20" });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(logs).toContain(`info: Node.js ${version} from the project settings`);
    const page = await storage.readFile(id, "index.html", []);
    expect((await readAll(page!.body)).toString()).toBe(`/opt/node/${major}/bin/node v${version}`);
  });
});
