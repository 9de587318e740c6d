import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createDeployment } from "@autostack/api/services";
import { DEPLOYMENT_LABEL } from "../../src/builder/runners/docker/container-spec.js";
import { fixtureRepo } from "../fixtures.js";
import { useBuildHarness } from "./build-harness.js";
import { docker, dockerUnavailable } from "./helpers.js";

// BUILD_DISK_MB stops a build that fills the disk while it runs, wherever it
// writes (the work directory, the container's own layer, the build cache),
// and MAX_BUILD_FILES fails an output of too many files before the upload.

const DISK_LIMIT = "Build used more than 50 MB of disk (BUILD_DISK_MB)";
// Written after the limit is crossed: the build would go on for 50 s more unless stopped.
const THEN_WAIT = 'echo "wrote 60 MB"; sleep 50';

describe.skipIf(dockerUnavailable !== "")("build disk limits", () => {
  const harness = useBuildHarness("disk-limits", { BUILD_DISK_MB: "50", MAX_BUILD_FILES: "100" });

  async function deploy(name: string, buildCommand: string, outputDir = ".") {
    const repo = await fixtureRepo(harness.tmp, name, { "index.html": `<h1>${name}</h1>` });
    const created = await createDeployment({ db: harness.database.db, env: harness.env }, harness.userId, {
      repository: repo,
      branch: "main",
      buildCommand,
      installCommand: "",
      outputDir,
      rootDirectory: null,
      envVars: [],
    });
    const started = performance.now();
    const { outcome } = await harness.build(created.id);
    const seconds = (performance.now() - started) / 1000;
    const row = await harness.database.db.deployment.findUniqueOrThrow({ where: { id: created.id } });
    const rows = await harness.database.db.deploymentLog.findMany({ where: { deploymentId: created.id }, orderBy: { seq: "asc" } });
    const logs = rows.map((r) => `${r.logLevel}: ${r.message}`);
    /** Seconds from the log line `from` to the log line `to`. */
    const between = (from: string, to: string) => {
      const a = rows.find((r) => `${r.logLevel}: ${r.message}` === from);
      const b = rows.find((r) => `${r.logLevel}: ${r.message}` === to);
      expect(a && b, logs.join("\n")).toBeTruthy();
      return (b!.timestamp.getTime() - a!.timestamp.getTime()) / 1000;
    };
    return { id: created.id, outcome, row, logs, seconds, between };
  }

  async function expectNothingLeft(id: string) {
    expect(await harness.storage.readFile(id, "index.html", [])).toBeNull();
    expect(await readdir(path.join(harness.env.DATA_DIR, "builds"))).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: { label: [`${DEPLOYMENT_LABEL}=${id}`] } })).toEqual([]);
  }

  it("stops a build that writes past BUILD_DISK_MB in its work directory within seconds, and uploads nothing", { timeout: 60_000 }, async () => {
    const { id, outcome, row, logs, seconds, between } = await deploy("workspace-flood", `dd if=/dev/zero of=big bs=1M count=60 2>/dev/null; ${THEN_WAIT}`);
    expect(outcome, logs.join("\n")).toBe("failed");
    expect(row.status).toBe("failed");
    expect(row.errorMessage).toBe(DISK_LIMIT);
    expect(logs.at(-1)).toBe(`error: ${DISK_LIMIT}`);
    // Measured every 2 s, then the container is stopped (1 s grace at most).
    expect(between("info: wrote 60 MB", `error: ${DISK_LIMIT}`)).toBeLessThan(6);
    expect(seconds).toBeLessThan(20);
    expect(logs.some((l) => l.startsWith("info: Build finished") || l.startsWith("info: Uploaded"))).toBe(false);
    expect(row.artifactKey).toBeNull();
    await expectNothingLeft(id);
  });

  it("counts the container's writable layer: $HOME is outside the work directory", { timeout: 60_000 }, async () => {
    const { id, outcome, row, logs, between } = await deploy("home-flood", `dd if=/dev/zero of="$HOME/big" bs=1M count=60 2>/dev/null; ${THEN_WAIT}`);
    expect(outcome, logs.join("\n")).toBe("failed");
    expect(row.errorMessage).toBe(DISK_LIMIT);
    expect(between("info: wrote 60 MB", `error: ${DISK_LIMIT}`)).toBeLessThan(6);
    await expectNothingLeft(id);
  });

  it("counts what a build adds to the build cache mount", { timeout: 60_000 }, async () => {
    const { id, outcome, row, logs, between } = await deploy("cache-flood", `dd if=/dev/zero of=/cache/big bs=1M count=60 2>/dev/null; ${THEN_WAIT}`);
    expect(outcome, logs.join("\n")).toBe("failed");
    expect(row.errorMessage).toBe(DISK_LIMIT);
    expect(between("info: wrote 60 MB", `error: ${DISK_LIMIT}`)).toBeLessThan(6);
    await expectNothingLeft(id);
  });

  it("checks again at the end: a step that writes past the limit and exits at once fails too", { timeout: 60_000 }, async () => {
    const { id, outcome, row, logs } = await deploy("quick-flood", "dd if=/dev/zero of=big bs=1M count=60 2>/dev/null");
    expect(outcome, logs.join("\n")).toBe("failed");
    expect(row.errorMessage).toBe(DISK_LIMIT);
    expect(logs.some((l) => l.startsWith("info: Uploaded"))).toBe(false);
    await expectNothingLeft(id);
  });

  it("fails an output of more than MAX_BUILD_FILES files before uploading anything", { timeout: 60_000 }, async () => {
    const { id, outcome, row, logs } = await deploy("many-files", 'mkdir -p dist && i=0; while [ $i -lt 101 ]; do echo "<p>$i</p>" > dist/f$i.html; i=$((i+1)); done', "dist");
    expect(outcome, logs.join("\n")).toBe("failed");
    expect(row.errorMessage).toBe("Build output has more than 100 files (MAX_BUILD_FILES)");
    expect(logs.at(-1)).toBe("error: Build output has more than 100 files (MAX_BUILD_FILES)");
    expect(logs.some((l) => l.startsWith("info: Uploaded"))).toBe(false);
    expect(row.artifactKey).toBeNull();
    expect(await harness.storage.readFile(id, "f0.html", [])).toBeNull();
  });

  it("deploys an output of exactly MAX_BUILD_FILES files, well within BUILD_DISK_MB", { timeout: 60_000 }, async () => {
    const { id, outcome, row, logs } = await deploy("enough-files", 'mkdir -p dist && i=0; while [ $i -lt 100 ]; do echo "<p>$i</p>" > dist/f$i.html; i=$((i+1)); done', "dist");
    expect(outcome, logs.join("\n")).toBe("success");
    expect(row.artifactFiles).toBe(100);
    const file = await harness.storage.readFile(id, "f99.html", []);
    expect(file).not.toBeNull();
    file?.body.destroy();
  });
});
