import { readdir } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { expect, it } from "vitest";
import { createDeployment } from "@autostack/api/services";
import { runBuild } from "../../src/tasks/build.js";
import { deploymentInput } from "../../src/testing/worker-harness.js";
import { fixtureRepo } from "../fixtures.js";
import { deployAndBuild, readBytes, readText, useBuildHarness, withEnv, type BuildHarness } from "./build-harness.js";

// The build task, the same for every runner: clone, install/build, output
// checks, upload, masking, cancel and timeout. Each runner's suite calls this
// inside its describe with the worker's variables for that runner, and adds
// the cases that only make sense for it.

export interface BuildTaskCaseOptions {
  /** Names the temporary directory, the user and the worker of the harness. */
  name: string;
  /** The worker's variables for this runner (BUILD_RUNNER and what it needs). */
  runnerEnv: Record<string, string>;
  /** The version of node a build runs: the builder image's, or the host's own in a bubblewrap sandbox. */
  nodeVersion: RegExp;
  /** The line by which the build's log says what it builds in, when the runner says so. */
  runnerNotice?: { says: string; line: RegExp };
}

/** Declares the shared cases; returns the harness for the runner's own cases. */
export function buildTaskCases(options: BuildTaskCaseOptions): BuildHarness {
  const harness = useBuildHarness(options.name, options.runnerEnv);
  const { runnerNotice } = options;

  it(`deploys a static site as it is in the repository${runnerNotice ? `, saying that it builds in ${runnerNotice.says}` : ""}`, async () => {
    const repo = await fixtureRepo(harness.tmp, "static", {
      "index.html": `<!doctype html><title>Home</title>${"<p>static content</p>\n".repeat(100)}`,
      "about/index.html": "<h1>About</h1>",
    });
    const { id, outcome, row, logs } = await deployAndBuild(harness, repo);
    expect(outcome, logs.join("\n")).toBe("success");
    expect(row).toMatchObject({ status: "success", artifactKey: id, commitMessage: "initial static", artifactFiles: 2 });
    expect(row.commitHash).toMatch(/^[0-9a-f]{40}$/);
    expect(logs).toContain(`info: Cloning ${repo}@main`);
    expect(logs.some((l) => /^info: Uploaded 2 files \(/.test(l))).toBe(true);
    expect(logs.some((l) => l.includes("Installing:") || l.includes("Running:"))).toBe(false);
    // Only a runner that says what it builds in has a line that says so.
    expect(logs.filter((l) => l.startsWith("info: Building in "))).toEqual(runnerNotice ? [expect.stringMatching(runnerNotice.line)] : []);

    const gz = await harness.storage.readFile(id, "index.html", ["gzip"]);
    expect(gz?.encoding).toBe("gzip");
    expect(gunzipSync(await readBytes(gz!.body)).toString()).toContain("static content");
    const about = await harness.storage.readFile(id, "about/index.html", ["br", "gzip"]);
    expect(await readText(about!.body)).toBe("<h1>About</h1>");
    // The work directory is gone.
    expect(await readdir(path.join(harness.env.DATA_DIR, "builds"))).toEqual([]);
  });

  it("runs a Node build and deploys its output directory", async () => {
    const repo = await fixtureRepo(harness.tmp, "node-app", {
      "package.json": JSON.stringify({ name: "node-app", private: true, scripts: { build: "node build.js" } }),
      "build.js": `const fs = require("fs"); fs.mkdirSync("dist", { recursive: true }); fs.writeFileSync("dist/index.html", "<h1>built " + process.version + "</h1>"); console.log("built ok");`,
    });
    const { id, outcome, row, logs } = await deployAndBuild(harness, repo, { buildCommand: "npm run build", installCommand: "", outputDir: "dist" });
    expect(outcome, logs.join("\n")).toBe("success");
    expect(row.status).toBe("success");
    expect(logs).toContain("info: Running: npm run build");
    expect(logs).toContain("info: built ok");
    expect(logs.some((l) => /^info: Build finished in \d+\.\ds$/.test(l))).toBe(true);
    const file = await harness.storage.readFile(id, "index.html", []);
    const built = (await readText(file!.body)).match(/^<h1>built (v[^<]+)<\/h1>$/)?.[1];
    expect(built).toMatch(options.nodeVersion);
  });

  it("fails a build that exits non-zero, with the exit code in the logs", async () => {
    const repo = await fixtureRepo(harness.tmp, "failing", { "index.html": "x" });
    const { outcome, row, logs } = await deployAndBuild(harness, repo, { buildCommand: "echo about to fail; echo 'Error: broken' >&2; exit 3" });
    expect(outcome).toBe("failed");
    expect(row).toMatchObject({ status: "failed", errorMessage: "Build failed with exit code 3" });
    expect(logs).toContain("info: about to fail");
    expect(logs).toContain("error: Error: broken");
    expect(logs).toContain("error: Build failed with exit code 3");
  });

  it("masks env var values in the logs, and the worker's own variables never reach the build", async () => {
    const secret = "sup3r-s3cret-t0ken-value";
    const repo = await fixtureRepo(harness.tmp, "secret", { "index.html": "x" });
    // Would leak into the build if anything copied the worker's environment.
    process.env.HOST_SECRET = "host-secret-must-not-leak";
    try {
      const { outcome, logs } = await deployAndBuild(harness, repo, { buildCommand: "echo token=$SECRET_TOKEN; env", envVars: [{ key: "SECRET_TOKEN", value: secret }] });
      expect(outcome, logs.join("\n")).toBe("success");
      expect(logs).toContain("info: token=***");
      expect(logs).toContain("info: SECRET_TOKEN=***");
      expect(await harness.database.db.deploymentLog.count({ where: { message: { contains: secret } } })).toBe(0);
      expect(logs.join("\n")).not.toContain("HOST_SECRET");
      expect(logs.join("\n")).not.toContain("DATABASE_URL");
    } finally {
      delete process.env.HOST_SECRET;
    }
  });

  it("refuses an output directory that leaves the checkout (a link to the host's /etc)", async () => {
    const repo = await fixtureRepo(harness.tmp, "escape", { "index.html": "x" });
    const { id, outcome, row } = await deployAndBuild(harness, repo, { buildCommand: "ln -s /etc out", outputDir: "out" });
    expect(outcome).toBe("failed");
    expect(row.errorMessage).toBe('Output directory "out" is outside the repository');
    expect(await harness.storage.readFile(id, "passwd", [])).toBeNull();
  });

  it("stops a build whose cancel is requested within 5 s", async () => {
    const { database, env, storage, userId } = harness;
    const repo = await fixtureRepo(harness.tmp, "cancel", { "index.html": "x" });
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput(repo, { buildCommand: "echo started; sleep 30" }));
    const started = Date.now();
    const building = runBuild({ db: database.db, env, storage }, created.id, "test-worker");
    while ((await database.db.deploymentLog.count({ where: { deploymentId: created.id, message: "started" } })) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const requested = Date.now();
    await database.db.deployment.update({ where: { id: created.id }, data: { cancelRequestedAt: new Date() } });
    expect(await building).toBe("cancelled");
    expect(Date.now() - requested).toBeLessThan(5000);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await database.db.deployment.findUniqueOrThrow({ where: { id: created.id } })).status).toBe("cancelled");
  });

  it("fails a build that runs past BUILD_TIMEOUT", async () => {
    const repo = await fixtureRepo(harness.tmp, "slow", { "index.html": "x" });
    const { outcome, row } = await withEnv(harness, { BUILD_TIMEOUT: 1500 }, () => deployAndBuild(harness, repo, { buildCommand: "sleep 30" }));
    expect(outcome).toBe("failed");
    expect(row.errorMessage).toBe("Build timed out after 1.5s");
  });

  return harness;
}
