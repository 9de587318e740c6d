// Benchmark 6: real projects. For each starter template of the corpus
// (create-vite's React, Vue and Svelte TypeScript templates, create-next-app
// with a static export), a cold deploy (a new project: empty build cache)
// and a warm redeploy of the same commit (the cache from the first build),
// through the real worker process building in Docker with installs from the
// npm registry. Figures per project: total (queued → success, from the
// deployment row), the install and build steps (their own log lines), the
// platform overhead (total minus both steps), and the builder image's size.
// Target: every project builds; a warm redeploy takes at most 50 % of the
// cold deploy's time.
import path from "node:path";
import { createBenchDatabase, importBuilt, log, main, ms, onCleanup, platformEnv, printMachine, printTable, root, sleep, startProcess, tempDir, verdict } from "./lib.mjs";
import { findDocker } from "./support/docker.mjs";

const BUILD_IMAGE = process.env.BUILD_IMAGE || "autostack/builder:node20";
const TARGET_RATIO = 0.5;

const seconds = (line, prefix) => Number(new RegExp(`^${prefix} in (\\d+\\.\\d)s$`).exec(line)?.[1] ?? NaN) * 1000;

/** Waits for the deployment to end and reads its figures from its row and log. */
async function measured(db, id) {
  for (const started = Date.now(); Date.now() - started < 900_000; await sleep(250)) {
    const row = await db.deployment.findUnique({ where: { id }, select: { status: true, createdAt: true, completedAt: true, errorMessage: true } });
    if (!["success", "failed", "cancelled"].includes(row.status)) continue;
    const logs = (await db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" }, select: { message: true } })).map((l) => l.message);
    if (row.status !== "success") throw new Error(`deployment ${id} ended ${row.status}: ${row.errorMessage}\n${logs.slice(-30).join("\n")}`);
    const install = logs.map((l) => seconds(l, "Install finished")).find((v) => !Number.isNaN(v)) ?? 0;
    const build = logs.map((l) => seconds(l, "Build finished")).find((v) => !Number.isNaN(v)) ?? 0;
    const total = row.completedAt.getTime() - row.createdAt.getTime();
    const cache = logs.find((l) => l.startsWith("Build cache: ")) ?? "";
    return { total, install, build, overhead: total - install - build, cache };
  }
  throw new Error(`deployment ${id} did not end within 15 minutes`);
}

await main(async () => {
  printMachine();
  const docker = await findDocker(BUILD_IMAGE);
  if (docker.error) {
    console.log(`\nDocker is unavailable, benchmark 6 (real builds) skipped: ${docker.error}`);
    console.log(`BENCH_RESULT ${JSON.stringify({ benchmark: "real-builds", skipped: true, reason: docker.error })}`);
    return;
  }
  const { createDatabase } = await importBuilt("packages/db/dist/index.js");
  const api = await importBuilt("packages/api/dist/index.js");
  const services = await importBuilt("packages/api/dist/services/index.js");
  const { STARTER_TEMPLATES, starterRepository } = await importBuilt("apps/worker/dist/corpus/starter-templates.js");
  const database = await createBenchDatabase();
  onCleanup(() => database.drop());
  const dataDir = await tempDir("real-builds");
  const workerEnv = platformEnv(database.url, {
    DATA_DIR: path.join(dataDir, "data"),
    DOCKER_HOST: docker.host,
    BUILD_IMAGE,
    ALLOW_LOCAL_REPOS: "true",
    BUILD_NETWORK: "public",
    BUILD_MEMORY_MB: "3072",
    BUILD_CPUS: process.env.BUILD_CPUS ?? "2",
    BUILD_TIMEOUT: "900000",
  });
  const imageMb = docker.image.Size / 1024 / 1024;
  const labels = docker.image.Config?.Labels ?? {};
  log(`database ${database.name}; engine ${docker.host}; image ${BUILD_IMAGE} ${imageMb.toFixed(0)} MB (node ${labels["autostack.node.majors"] ?? "?"}; ${labels["autostack.tools"] ?? ""})`);
  await startProcess("worker", path.join(root, "apps/worker/dist/index.js"), workerEnv, "worker started", { timeoutMs: 120_000 });

  const env = api.parseEnv({ ...workerEnv, RATE_LIMIT_DEPLOYMENTS_PER_HOUR: "1000" });
  const db = createDatabase(database.url);
  onCleanup(() => db.$disconnect());
  const user = await db.user.create({ data: { name: "Bench", email: `bench-${Date.now()}@example.com` } });
  const deps = { db, env };

  const results = [];
  for (const template of STARTER_TEMPLATES) {
    const repository = await starterRepository(path.join(dataDir, "repos"), template);
    const created = await services.createDeployment(deps, user.id, {
      repository, branch: "main", buildCommand: template.buildCommand, installCommand: null, outputDir: template.outputDir, rootDirectory: null, envVars: [],
    });
    const cold = await measured(db, created.id);
    log(`${template.name} cold: total ${ms(cold.total, 0)}, install ${ms(cold.install, 0)}, build ${ms(cold.build, 0)}`);
    const again = await services.redeployDeployment(deps, user.id, created.id);
    const warm = await measured(db, again.id);
    log(`${template.name} warm: total ${ms(warm.total, 0)}, install ${ms(warm.install, 0)}, build ${ms(warm.build, 0)} (${warm.cache})`);
    results.push({ name: template.name, cold, warm, ratio: warm.total / cold.total, installRatio: warm.install / cold.install });
  }

  console.log("");
  printTable([
    ["project", "cold total", "cold install", "cold build", "cold overhead", "warm total", "warm install", "warm build", "warm overhead", "warm/cold", "install warm/cold"],
    ...results.map((r) => [
      r.name,
      ms(r.cold.total, 0), ms(r.cold.install, 0), ms(r.cold.build, 0), ms(r.cold.overhead, 0),
      ms(r.warm.total, 0), ms(r.warm.install, 0), ms(r.warm.build, 0), ms(r.warm.overhead, 0),
      `${(r.ratio * 100).toFixed(0)} %`,
      `${(r.installRatio * 100).toFixed(0)} %`,
    ]),
  ]);
  console.log("");
  const pass = results.every((r) => r.ratio <= TARGET_RATIO);
  console.log(`builder image ${BUILD_IMAGE}: ${imageMb.toFixed(0)} MB`);
  console.log(`target: every corpus project builds (${results.length}/${STARTER_TEMPLATES.length}); warm redeploy ≤ ${TARGET_RATIO * 100} % of cold → ${verdict(pass)}`);
  console.log(`BENCH_RESULT ${JSON.stringify({ benchmark: "real-builds", imageMb, results, pass })}`);
});
