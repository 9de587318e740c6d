// Benchmark 1: create → build-start latency, on top of graphile-worker's own
// pickup. Target: p99 under 10 ms above the no-op pickup.
//
// Two phases against one fresh database, each with the worker as its own
// process (as in production):
//   1. Baseline: graphile-worker configured like apps/worker's runner, with a
//      no-op task. We add a job inside a transaction (as enqueueBuildJob does)
//      and measure commit → task start.
//   2. The real thing: the real worker (apps/worker/dist/index.js). We call the
//      real createDeployment service and measure the commit of its
//      transaction → the deployment's started_at, which the build task sets
//      (markBuilding, with the Building stage) when it begins. The Docker
//      engine is deliberately unreachable: the build fails right after it has
//      started, which is all this benchmark needs and keeps each round short.
// One deployment (or job) at a time, with a random pause between them.
import { fork } from "node:child_process";
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

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const TARGET_MS = 10;

function pause() {
  return sleep(15 + Math.random() * 20);
}

/** The Prisma client with every $transaction timed: `lastCommit` is when the last one resolved (its COMMIT acknowledged). */
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

async function baseline(databaseUrl, db) {
  const child = fork(path.join(root, "bench/support/noop-worker.mjs"), [], {
    env: { ...platformEnv(databaseUrl) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  });
  const waiting = new Map();
  await new Promise((resolve, reject) => {
    child.on("message", (message) => {
      if (message.ready) resolve();
      else waiting.get(message.i)?.(message.startedAt);
    });
    child.once("exit", (code) => reject(new Error(`no-op worker exited with ${code}`)));
  });
  await sleep(500);
  const latencies = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = new Promise((resolve) => waiting.set(i, resolve));
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT FROM graphile_worker.add_job('noop'::text, json_build_object('i', ${i}::int), max_attempts := 1)`;
    });
    const committed = now();
    const startedAt = await Promise.race([started, sleep(10_000).then(() => NaN)]);
    if (Number.isNaN(startedAt)) throw new Error(`no-op job ${i} did not start within 10 s`);
    waiting.delete(i);
    latencies.push(startedAt - committed);
    await pause();
  }
  child.send("stop");
  await exited;
  return latencies;
}

async function builds(databaseUrl, db, services, api) {
  const dataDir = await tempDir("build-start");
  const workerEnv = platformEnv(databaseUrl, {
    DATA_DIR: dataDir,
    // No engine here: each build starts, fails at its first Docker call and ends.
    DOCKER_HOST: `unix://${dataDir}/no-docker-engine.sock`,
  });
  await startProcess("worker", path.join(root, "apps/worker/dist/index.js"), workerEnv, "worker started");

  const env = api.parseEnv({ ...workerEnv, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "1000000" });
  const events = await api.createEventBus(databaseUrl);
  onCleanup(() => events.close());
  const finals = new Map();
  events.subscribe((event) => {
    if (event.type === "deployment.status" && ["success", "failed", "cancelled"].includes(event.status)) finals.get(event.deploymentId)?.();
  });

  const user = await db.user.create({ data: { name: "Bench", email: `bench-${Date.now()}@example.com` } });
  const timed = timedTransactions(db);
  const deps = { db: timed.db, env, events };
  const latencies = [];
  const createCalls = [];
  await sleep(500);
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = now();
    const deployment = await services.createDeployment(deps, user.id, {
      repository: "https://git.example.com/bench/site.git",
      branch: "main",
      buildCommand: "",
      installCommand: "",
      outputDir: ".",
      rootDirectory: null,
      envVars: [],
    });
    const committed = timed.timing.lastCommit;
    createCalls.push(now() - t0);
    const final = new Promise((resolve) => finals.set(deployment.id, resolve));
    const row = await db.deployment.findUnique({ where: { id: deployment.id }, select: { status: true } });
    if (!["success", "failed", "cancelled"].includes(row.status)) {
      const ok = await Promise.race([final.then(() => true), sleep(10_000).then(() => false)]);
      if (!ok) throw new Error(`deployment ${deployment.id} did not finish within 10 s`);
    }
    finals.delete(deployment.id);
    const stage = await db.deploymentStage.findFirst({ where: { deploymentId: deployment.id, stageName: "building" }, select: { startedAt: true } });
    if (!stage?.startedAt) throw new Error(`deployment ${deployment.id} never reached the Building stage`);
    latencies.push(stage.startedAt.getTime() - committed);
    await pause();
  }
  return { latencies, createCalls };
}

await main(async () => {
  printMachine();
  const { createDatabase } = await importBuilt("packages/db/dist/index.js");
  const api = await importBuilt("packages/api/dist/index.js");
  const services = await importBuilt("packages/api/dist/services/index.js");
  const database = await createBenchDatabase();
  onCleanup(() => database.drop());
  log(`database ${database.name}; ${ROUNDS} rounds per phase`);
  const db = createDatabase(database.url);
  onCleanup(() => db.$disconnect());

  log("phase 1: graphile-worker pickup of a no-op job (add_job commit → task start)");
  const pickup = summarize(await baseline(database.url, db));
  log("phase 2: createDeployment commit → build task start (real worker process)");
  const result = await builds(database.url, db, services, api);
  const build = summarize(result.latencies);
  const calls = summarize(result.createCalls);

  console.log("");
  printTable([
    ["", "n", "p50", "p95", "p99", "max"],
    ["no-op job: add_job commit → task start", pickup.n, ms(pickup.p50), ms(pickup.p95), ms(pickup.p99), ms(pickup.max)],
    ["deployment: create commit → build start", build.n, ms(build.p50), ms(build.p95), ms(build.p99), ms(build.max)],
    ["difference (build − no-op)", "", ms(build.p50 - pickup.p50), ms(build.p95 - pickup.p95), ms(build.p99 - pickup.p99), ""],
    ["createDeployment call (for reference)", calls.n, ms(calls.p50), ms(calls.p95), ms(calls.p99), ms(calls.max)],
  ]);
  const overhead = build.p99 - pickup.p99;
  console.log("");
  console.log(`target: p99 create→build-start minus p99 no-op pickup < ${TARGET_MS} ms: ${ms(overhead)} → ${verdict(overhead < TARGET_MS)}`);
  console.log(`BENCH_RESULT ${JSON.stringify({ benchmark: "build-start", pickup, build, createCall: calls, overheadP99: overhead, pass: overhead < TARGET_MS })}`);
});
