// Benchmark 3: platform overhead of a static deploy. Target: total time
// (create → success) minus the build command's own time under 1.5 s.
//
// A real local Git repository (a static site and a build script), the real
// createDeployment service, and the real worker process (apps/worker/dist)
// building with Docker: clone, the build container, output checks, upload,
// success. Several deployments one after another. The build command is
// `node build.mjs`, which copies public/ to dist/ and prints its own start
// (the Node process's time origin, so Node's boot counts as the command's)
// and end time; the rest is the platform's. Stage and log timestamps give a
// breakdown. Total = the createDeployment transaction's commit → the
// success event (NOTIFY on the commit of markSucceeded) reaching us.
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  createBenchDatabase,
  importBuilt,
  log,
  main,
  ms,
  now,
  onCleanup,
  platformEnv,
  printMachine,
  printTable,
  root,
  sleep,
  startProcess,
  summarize,
  tempDir,
  verdict,
} from "./lib.mjs";
import { findDocker } from "./support/docker.mjs";

const RUNS = Number(process.env.BENCH_DEPLOYS ?? 8);
const TARGET_MS = 1500;
const BUILD_IMAGE = process.env.BUILD_IMAGE || "autostack/builder:node20";

const BUILD_SCRIPT = `import { cpSync } from "node:fs";
cpSync("public", "dist", { recursive: true });
const end = performance.timeOrigin + performance.now();
console.log(\`bench-build start=\${performance.timeOrigin.toFixed(3)} end=\${end.toFixed(3)}\`);
`;

/** A Git repository with a small static site and its build script. */
async function fixtureRepository(dir) {
  const files = {
    "build.mjs": BUILD_SCRIPT,
    "public/index.html": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title><link rel="stylesheet" href="/style.css"></head><body>${"<p>Autostack benchmark site.</p>".repeat(100)}<script src="/app.js"></script></body></html>\n`,
    "public/style.css": `body { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 40rem; }\n${Array.from({ length: 80 }, (_, i) => `.c${i} { color: #${(i * 123457).toString(16).slice(0, 6).padEnd(6, "0")}; }`).join("\n")}\n`,
    "public/app.js": `${Array.from({ length: 200 }, (_, i) => `export function f${i}(x) { return x * ${i} + ${i * 7}; }`).join("\n")}\n`,
    "public/about/index.html": "<!doctype html><title>About</title><h1>About</h1>\n",
  };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  const git = (...args) => execFileSync("git", ["-c", "user.name=Bench", "-c", "user.email=bench@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("commit", "-q", "-m", "Static site");
}

function timedTransactions(db) {
  const timing = { lastCommit: NaN };
  const proxy = new Proxy(db, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "$transaction") {
        return (...args) =>
          value.apply(target, args).then((result) => {
            timing.lastCommit = now();
            return result;
          });
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: proxy, timing };
}

await main(async () => {
  printMachine();
  const docker = await findDocker(BUILD_IMAGE);
  if (docker.error) {
    console.log(`\nDocker is unavailable, benchmark 3 (deploy) skipped: ${docker.error}`);
    console.log(`BENCH_RESULT ${JSON.stringify({ benchmark: "deploy", skipped: true, reason: docker.error })}`);
    return;
  }
  const { createDatabase } = await importBuilt("packages/db/dist/index.js");
  const api = await importBuilt("packages/api/dist/index.js");
  const services = await importBuilt("packages/api/dist/services/index.js");
  const database = await createBenchDatabase();
  onCleanup(() => database.drop());
  const dataDir = await tempDir("deploy");
  const repo = path.join(dataDir, "fixture-repo");
  await fixtureRepository(repo);
  const workerEnv = platformEnv(database.url, {
    DATA_DIR: path.join(dataDir, "data"),
    DOCKER_HOST: docker.host,
    BUILD_IMAGE,
    ALLOW_LOCAL_REPOS: "true",
  });
  log(`database ${database.name}; Docker engine ${docker.host}; ${RUNS} deployments of file://${repo}`);
  await startProcess("worker", path.join(root, "apps/worker/dist/index.js"), workerEnv, "worker started");

  const env = api.parseEnv({ ...workerEnv, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "1000" });
  const db = createDatabase(database.url);
  onCleanup(() => db.$disconnect());
  const events = await api.createEventBus(database.url);
  onCleanup(() => events.close());
  const finals = new Map();
  events.subscribe((event) => {
    if (event.type === "deployment.status" && ["success", "failed", "cancelled"].includes(event.status)) finals.get(event.deploymentId)?.({ status: event.status, at: now() });
  });
  const user = await db.user.create({ data: { name: "Bench", email: `bench-${Date.now()}@example.com` } });
  const timed = timedTransactions(db);
  const deps = { db: timed.db, env, events };

  const runs = [];
  let warmUp = null;
  // Round 0 warms up (the worker's first job, the engine's first container) and is reported apart.
  for (let i = 0; i <= RUNS; i++) {
    let resolveFinal;
    const final = new Promise((resolve) => (resolveFinal = resolve));
    const deployment = await services.createDeployment(deps, user.id, {
      repository: `file://${repo}`,
      branch: "main",
      buildCommand: "node build.mjs",
      installCommand: "",
      outputDir: "dist",
      rootDirectory: null,
      envVars: [],
    });
    const committed = timed.timing.lastCommit;
    finals.set(deployment.id, resolveFinal);
    const outcome = await Promise.race([final, sleep(120_000).then(() => ({ status: "timeout", at: NaN }))]);
    finals.delete(deployment.id);
    if (outcome.status !== "success") {
      const row = await db.deployment.findUnique({ where: { id: deployment.id }, select: { errorMessage: true } });
      const logs = await db.deploymentLog.findMany({ where: { deploymentId: deployment.id }, orderBy: { seq: "asc" }, select: { message: true } });
      throw new Error(`deployment ${i} ended ${outcome.status}: ${row?.errorMessage}\n${logs.map((l) => `  ${l.message}`).join("\n")}`);
    }
    const row = await db.deployment.findUnique({
      where: { id: deployment.id },
      select: { startedAt: true, completedAt: true, artifactFiles: true, stages: { select: { stageName: true, startedAt: true } } },
    });
    const logs = await db.deploymentLog.findMany({ where: { deploymentId: deployment.id }, orderBy: { seq: "asc" }, select: { message: true, timestamp: true } });
    const at = (prefix) => logs.find((l) => l.message.startsWith(prefix))?.timestamp.getTime() ?? NaN;
    const command = /bench-build start=(\d+\.\d+) end=(\d+\.\d+)/.exec(logs.map((l) => l.message).join("\n"));
    const commandStart = Number(command?.[1]);
    const commandEnd = Number(command?.[2]);
    const deploying = row.stages.find((s) => s.stageName === "deploying")?.startedAt?.getTime() ?? NaN;
    const marks = {
      commit: committed,
      buildStart: row.startedAt.getTime(),
      cloning: at("Cloning "),
      checkedOut: at("Checked out "),
      running: at("Running: "),
      commandStart,
      commandEnd,
      buildFinished: at("Build finished in "),
      deploying,
      uploaded: at("Uploaded "),
      completed: row.completedAt.getTime(),
      success: outcome.at,
    };
    const total = marks.success - marks.commit;
    const commandMs = commandEnd - commandStart;
    const run = { total, command: commandMs, overhead: total - commandMs, marks };
    if (i === 0) warmUp = run;
    else runs.push(run);
    log(`${i === 0 ? "warm-up deployment" : `deployment ${i}/${RUNS}`}: total ${ms(total, 0)}, build command ${ms(commandMs, 0)}, overhead ${ms(total - commandMs, 0)}`);
    await sleep(200);
  }

  const parts = [
    ["queue: create commit → build task start", "commit", "buildStart"],
    ["prepare: engine ping, work dir", "buildStart", "cloning"],
    ["clone (git, on the worker)", "cloning", "checkedOut"],
    ["record commit, plan install/build", "checkedOut", "running"],
    ["container create + start → command runs", "running", "commandStart"],
    ["build command itself (node build.mjs)", "commandStart", "commandEnd"],
    ["container exit, output drain, removal", "commandEnd", "buildFinished"],
    ["output checks, mark deploying", "buildFinished", "deploying"],
    ["upload artifact (+ br/gzip variants)", "deploying", "uploaded"],
    ["log flush, mark succeeded (commit)", "uploaded", "completed"],
    ["success event reaches the client", "completed", "success"],
  ];
  const total = summarize(runs.map((r) => r.total));
  const command = summarize(runs.map((r) => r.command));
  const overhead = summarize(runs.map((r) => r.overhead));
  console.log("");
  printTable([
    ["", "median", "max"],
    ["total: create commit → success", ms(total.p50, 0), ms(total.max, 0)],
    ["build command's own time", ms(command.p50, 0), ms(command.max, 0)],
    ["platform overhead (total − command)", ms(overhead.p50, 0), ms(overhead.max, 0)],
  ]);
  console.log("");
  const breakdown = parts.map(([name, from, to]) => [name, summarize(runs.map((r) => r.marks[to] - r.marks[from]))]);
  printTable([["breakdown (stage and log timestamps)", "median", "max"], ...breakdown.map(([name, s]) => [name, ms(s.p50, 0), ms(s.max, 0)])]);
  console.log("");
  console.log(`warm-up deployment (not counted): total ${ms(warmUp.total, 0)}, overhead ${ms(warmUp.overhead, 0)}`);
  console.log(`target: overhead < ${TARGET_MS} ms: median ${ms(overhead.p50, 0)}, max ${ms(overhead.max, 0)} → ${verdict(overhead.max < TARGET_MS)} (max), ${verdict(overhead.p50 < TARGET_MS)} (median)`);
  console.log(
    `BENCH_RESULT ${JSON.stringify({ benchmark: "deploy", runs: RUNS, warmUp: { total: warmUp.total, overhead: warmUp.overhead }, total, command, overhead, breakdown: Object.fromEntries(breakdown.map(([name, s]) => [name, { median: s.p50, max: s.max }])), pass: overhead.max < TARGET_MS })}`,
  );
});
