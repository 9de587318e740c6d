import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { run as runWorker } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Env } from "@autostack/api/env";
import { cancelDeployment, createArtifactStorage, createDeployment, type ArtifactStorage } from "@autostack/api/services";
import { createTestDatabase, type TestDatabase } from "@autostack/db/testing";
import { deploymentInput, workerEnv } from "../testing/worker-harness.js";
import { createBuildTask, runBuild } from "../tasks/build.js";
import type { RunResult, StepRunner } from "./step.js";

// The build task and the branch queue, on the host (the clone is real, the
// build step a stand-in that holds the first build until the test lets it
// finish): a second deployment of a branch that is building waits — queued,
// its job back in a few seconds, one log line — and builds once the first is
// done, so the newest finishes last and is production.

const run = promisify(execFile);

let database: TestDatabase;
let env: Env;
let storage: ArtifactStorage;
let tmp: string;
let userId: string;

/** Build steps finish at once, except those of deployments held here until released. */
const held = new Map<string, () => void>();
const started = new Set<string>();
const runner: StepRunner = {
  kind: "docker",
  check: async () => ({ ready: true, notes: [], toolchains: { node: [], tools: {} } }),
  async run(step) {
    const id = step.owner?.deploymentId ?? "";
    started.add(id);
    const gate = held.get(id);
    if (gate) await new Promise<void>((resolve) => held.set(id, resolve));
    return { exitCode: 0, oomKilled: false, timedOut: false, cancelled: false, durationMs: 1 } satisfies RunResult;
  },
};

async function gitRepo(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "index.html"), `<h1>${name}</h1>\n`);
  const git = (...args: string[]) => run("git", ["-c", "user.name=Queue", "-c", "user.email=queue@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir });
  for (const args of [["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", name], ["branch", "dev"]]) await git(...args);
  return pathToFileURL(dir).href;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-branch-queue-"));
  database = await createTestDatabase(inject("adminUrl"));
  env = workerEnv(database.url, { DATA_DIR: path.join(tmp, "data"), ALLOW_LOCAL_REPOS: "true", RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "100" });
  storage = createArtifactStorage(env);
  userId = (await database.db.user.create({ data: { name: "Queue", email: "branch-queue@example.com" }, select: { id: true } })).id;
});
afterAll(async () => {
  await database?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const deploy = async (repository: string, branch = "main") =>
  (await createDeployment({ db: database.db, env }, userId, deploymentInput(repository, { branch, buildCommand: "npm run build" }))).id;
const build = (id: string, worker = "worker") => runBuild({ db: database.db, env, storage, runner }, id, worker);
const status = async (id: string) => (await database.db.deployment.findUniqueOrThrow({ where: { id } })).status;
const logs = async (id: string) => (await database.db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" } })).map((l) => l.message);

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("one build per project and branch", () => {
  it("makes a second deployment of the branch wait for the first, told once, then builds it", async () => {
    const repo = await gitRepo("site");
    const first = await deploy(repo);
    const second = await deploy(repo);
    held.set(first, () => undefined);
    const building = build(first, "worker-a");
    await until(() => started.has(first));
    const commit = (await database.db.deployment.findUniqueOrThrow({ where: { id: first } })).commitHash!;

    expect(await build(second, "worker-b")).toBe("waiting");
    expect(await build(second, "worker-b")).toBe("waiting");
    expect(await status(second)).toBe("queued");
    expect((await logs(second)).filter((line) => line.startsWith("Waiting for the build of"))).toEqual([`Waiting for the build of ${commit.slice(0, 7)} to finish`]);
    const [job] = await database.db.$queryRaw<{ run_at: Date; attempts: number }[]>`SELECT run_at, attempts FROM graphile_worker.jobs WHERE key = ${`build:${second}`}`;
    expect(job!.run_at.getTime()).toBeGreaterThan(Date.now() + 2000);
    expect(job!.attempts).toBe(0);

    held.get(first)!();
    expect(await building).toBe("success");
    expect(await build(second, "worker-b")).toBe("success");
    const { project } = await database.db.deployment.findUniqueOrThrow({ where: { id: second }, include: { project: true } });
    expect(project.productionDeploymentId).toBe(second);
  });

  it("does not make a deployment of another branch or of another project wait", async () => {
    const repo = await gitRepo("busy");
    const first = await deploy(repo);
    held.set(first, () => undefined);
    const building = build(first);
    await until(() => started.has(first));
    expect(await build(await deploy(repo, "dev"))).toBe("success");
    expect(await build(await deploy(await gitRepo("other")))).toBe("success");
    held.get(first)!();
    expect(await building).toBe("success");
  });

  it("cancels a waiting deployment, which then never builds", async () => {
    const repo = await gitRepo("cancelled");
    const first = await deploy(repo);
    const second = await deploy(repo);
    held.set(first, () => undefined);
    const building = build(first);
    await until(() => started.has(first));
    expect(await build(second)).toBe("waiting");
    expect(await cancelDeployment({ db: database.db, env }, userId, second)).toMatchObject({ status: "cancelled" });
    held.get(first)!();
    expect(await building).toBe("success");
    expect(await build(second)).toBe("skipped");
    expect(await status(second)).toBe("cancelled");
    expect(started.has(second)).toBe(false);
  });

  it("through graphile-worker: the waiting job comes back by itself and builds once the branch is free, spending no attempt", async () => {
    const repo = await gitRepo("queued-jobs");
    const first = await deploy(repo);
    const second = await deploy(repo);
    held.set(first, () => undefined);
    const worker = await runWorker({
      connectionString: env.DATABASE_URL,
      concurrency: 2,
      pollInterval: 100,
      noHandleSignals: true,
      taskList: { build: createBuildTask({ db: database.db, env, storage, runner }) },
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    });
    try {
      await until(async () => started.has(first) && (await logs(second)).some((line) => line.startsWith("Waiting for the build of")));
      expect(await status(second)).toBe("queued");
      held.get(first)!();
      await until(async () => (await status(second)) === "success");
    } finally {
      await worker.stop();
    }
    expect(await status(first)).toBe("success");
    expect((await database.db.deployment.findUniqueOrThrow({ where: { id: second } })).attempts).toBe(1);
    expect((await logs(second)).filter((line) => line.startsWith("Waiting for the build of"))).toHaveLength(1);
    // Every job ended normally: none left, none failed.
    expect(await database.db.$queryRaw`SELECT id FROM graphile_worker.jobs WHERE key IN (${`build:${first}`}, ${`build:${second}`}) OR last_error IS NOT NULL`).toEqual([]);
  }, 30_000);
});
