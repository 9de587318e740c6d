import { chmod, copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createArtifactStorage, createDeployment } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { bubblewrapRunner } from "../../src/builder/runners/create-runner.js";
import { runBuild } from "../../src/tasks/build.js";
import { deploymentInput, workerEnv } from "../../src/testing/worker-harness.js";
import type {} from "../../vitest.global-setup.js";
import { fixtureRepo } from "../fixtures.js";
import { deployAndBuild, readText } from "../runners/build-harness.js";
import { buildTaskCases } from "../runners/build-task-cases.js";
import { bubblewrapRunnerEnv, bwrapUnavailable, makeTmp } from "./helpers.js";

// The build task with BUILD_RUNNER=bubblewrap: the same pipeline as with
// Docker (the cases of every runner, in ../runners), its steps in a bwrap
// sandbox. No Docker engine is involved.

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
  const harness = buildTaskCases({
    name: "bwrap-build",
    runnerEnv: bubblewrapRunnerEnv(),
    // The sandbox runs the host's node (from its /usr).
    nodeVersion: new RegExp(`^${process.version.replaceAll(".", "\\.")}$`),
    runnerNotice: { says: "a bubblewrap sandbox", line: /^info: Building in a bubblewrap \d+\.\d+\.\d+ sandbox \(BUILD_RUNNER=bubblewrap\): weaker isolation than Docker/ },
  });

  it("runs the Node.js toolchain extracted under DATA_DIR/toolchains, mounted where the builder image has it", async () => {
    // The host's own node stands in for a toolchain of its version (the image script extracts real ones there).
    const version = process.versions.node;
    const bin = path.join(harness.env.DATA_DIR, "toolchains/node", version, "bin");
    await mkdir(bin, { recursive: true });
    await copyFile(process.execPath, path.join(bin, "node"));
    await chmod(path.join(bin, "node"), 0o755);
    const repo = await fixtureRepo(harness.tmp, "toolchain", {
      "package.json": "{}",
      "build.js": `require("fs").mkdirSync("dist"); require("fs").writeFileSync("dist/index.html", process.execPath + " " + process.version);`,
    });
    const major = version.split(".")[0]!;
    const { id, outcome, logs } = await deployAndBuild(harness, repo, { buildCommand: "node build.js", installCommand: "", outputDir: "dist", nodeVersion: major as "20" });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(logs).toContain(`info: Node.js ${version} from the project settings`);
    const page = await harness.storage.readFile(id, "index.html", []);
    expect(await readText(page!.body)).toBe(`/opt/node/${major}/bin/node v${version}`);
  });
});
