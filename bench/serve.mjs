// Benchmark 4: serving a deployed site. Target: Autostack's requests/s at
// least 0.8 × nginx's on the same files.
//
// One deployed static site (an index.html and a ~50 KB content-hashed JS
// bundle, stored as the worker stores artifacts: files plus .br/.gz
// variants) is served by
//   - the production web server (apps/web/build/server-node, NODE_ENV=production,
//     one process, by Host: <slug>.<APP_DOMAIN>; site hosts are dispatched to
//     the site handler before Express), and
//   - nginx (worker_processes 1, sendfile, gzip_static, open_file_cache) with
//     its root on the same artifact directory,
// and measured with wrk (same threads, connections and duration for both),
// with and without `Accept-Encoding: gzip, br`. Both write an access log
// line per request to a file, as a production setup would.
//
// The pieces live in bench/serve/: the site and its deployment (site.mjs),
// nginx (nginx.mjs), wrk (wrk.mjs), CPU time from /proc (cpu.mjs) and a
// checking GET (http-get.mjs).
import { execFileSync } from "node:child_process";
import { chmodSync } from "node:fs";
import path from "node:path";
import {
  cleanup,
  createBenchDatabase,
  freePort,
  importBuilt,
  log,
  main,
  onCleanup,
  platformEnv,
  printMachine,
  printTable,
  root,
  startProcess,
  tempDir,
  verdict,
} from "./lib.mjs";
import { processTree, treeCpuMs } from "./serve/cpu.mjs";
import { get } from "./serve/http-get.mjs";
import { startNginx } from "./serve/nginx.mjs";
import { deploySite } from "./serve/site.mjs";
import { wrk } from "./serve/wrk.mjs";

const DURATION = process.env.BENCH_SERVE_DURATION ?? "8s";
const WARMUP = process.env.BENCH_SERVE_WARMUP ?? "1s";
// nginx, the production server, and two floors that show what Node.js itself
// allows on this machine: node-floor (bench/support/node-floor-server.mjs, a
// bare node:http server) and socket-floor (bench/support/node-socket-floor-server.mjs,
// a bare net server writing prebuilt responses). Also available: "compare"
// (BENCH_SERVE_COMPARE_ENTRY).
const VARIANTS = (process.env.BENCH_SERVE_VARIANTS ?? "nginx,autostack,node-floor,socket-floor").split(",");
const THREADS = process.env.BENCH_SERVE_THREADS ?? "2";
const CONNECTIONS = process.env.BENCH_SERVE_CONNECTIONS ?? "64";
const TARGET_RATIO = 0.8;
const APP_DOMAIN = "sites.bench.test";
const SLUG = "bench-site-a1b2c3";

await main(async () => {
  printMachine();
  for (const tool of ["nginx", "wrk"]) {
    try {
      execFileSync(tool, ["-v"], { stdio: "ignore" });
    } catch (error) {
      if (error.code === "ENOENT") throw new Error(`${tool} is not installed (Debian: apt-get install ${tool === "nginx" ? "nginx-light" : "wrk"})`);
    }
  }
  const { createDatabase } = await importBuilt("packages/db/dist/index.js");
  const api = await importBuilt("packages/api/dist/index.js");
  const services = await importBuilt("packages/api/dist/services/index.js");
  const database = await createBenchDatabase();
  onCleanup(() => database.drop());
  const work = await tempDir("serve");
  // nginx's worker runs as an unprivileged user: it must be able to read the artifact.
  chmodSync(work, 0o755);
  const dataDir = path.join(work, "data");
  const nodePort = await freePort();
  const nginxPort = await freePort();
  const serverEnv = platformEnv(database.url, {
    PORT: String(nodePort),
    HOST: "127.0.0.1",
    APP_URL: `http://127.0.0.1:${nodePort}`,
    APP_DOMAIN,
    DATA_DIR: dataDir,
  });
  const env = api.parseEnv(serverEnv);

  // The site, stored exactly as the worker stores a build's output.
  const { html, js, bundle, filesDir, deploymentId } = await deploySite({ work, dataDir, databaseUrl: database.url, env, slug: SLUG, createDatabase, services });
  log(`site: index.html ${html.length} B, assets/${bundle} ${js.length} B (artifact ${deploymentId})`);

  const profileDir = process.env.BENCH_SERVE_PROFILE ? path.resolve(process.env.BENCH_SERVE_PROFILE) : undefined;
  const server = await startProcess("web server", path.join(root, "apps/web/build/server-node/index.js"), serverEnv, "listening", {
    cwd: path.join(root, "apps/web"),
    logFile: path.join(work, "web-server.log"),
    // BENCH_SERVE_PROFILE=<dir>: a V8 CPU profile of the web server, summarised at the end.
    nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
  });
  const nginxPid = await startNginx(work, nginxPort, filesDir);
  const servers = [
    { name: "nginx", port: nginxPort, pids: processTree(nginxPid) },
    { name: "autostack", port: nodePort, pids: [server.pid] },
  ];
  // BENCH_SERVE_COMPARE_ENTRY=<server entry>: another build of the web server (e.g. before a change), as variant "compare".
  if (process.env.BENCH_SERVE_COMPARE_ENTRY) {
    const port = await freePort();
    const compare = await startProcess("web server (compare)", path.resolve(process.env.BENCH_SERVE_COMPARE_ENTRY), { ...serverEnv, PORT: String(port), APP_URL: `http://127.0.0.1:${port}` }, "listening", {
      cwd: path.join(root, "apps/web"),
      logFile: path.join(work, "web-server-compare.log"),
      nodeArgs: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
    });
    servers.push({ name: "compare", port, pids: [compare.pid] });
    if (!VARIANTS.includes("compare")) VARIANTS.push("compare");
  }
  for (const [name, label, script] of [
    ["node-floor", "bare node:http server", "node-floor-server.mjs"],
    ["socket-floor", "bare net server", "node-socket-floor-server.mjs"],
  ]) {
    if (!VARIANTS.includes(name)) continue;
    const port = await freePort();
    const floor = await startProcess(label, path.join(root, "bench/support", script), { PATH: process.env.PATH, PORT: String(port), BENCH_FILES_DIR: filesDir, BENCH_BUNDLE: bundle }, "listening");
    servers.push({ name, port, pids: [floor.pid] });
  }
  const measuredServers = servers.filter((s) => VARIANTS.includes(s.name));
  const host = `${SLUG}.${APP_DOMAIN}`;

  const scenarios = [
    { name: "index.html", path: "/", headers: [], body: html },
    { name: "index.html (gzip, br)", path: "/", headers: ["Accept-Encoding: gzip, br"], body: html },
    { name: `assets/${bundle} (50 KB)`, path: `/assets/${bundle}`, headers: [], body: js },
    { name: `assets/${bundle} (gzip, br)`, path: `/assets/${bundle}`, headers: ["Accept-Encoding: gzip, br"], body: js },
  ].filter((scenario, index) => !process.env.BENCH_SERVE_ONLY || process.env.BENCH_SERVE_ONLY.split(",").includes(String(index + 1)));

  // Every server answers correctly before anything is measured.
  for (const scenario of scenarios) {
    scenario.wire = {};
    for (const server of measuredServers) {
      const headers = Object.fromEntries(scenario.headers.map((h) => h.split(/:\s*/)));
      const response = await get(server.port, host, scenario.path, headers);
      if (response.status !== 200 || response.body.toString("utf8") !== scenario.body) {
        throw new Error(`${server.name} answered ${scenario.path} with ${response.status} and a different body`);
      }
      scenario.wire[server.name] = `${response.bytes} B${response.headers["content-encoding"] ? ` ${response.headers["content-encoding"]}` : ""}`;
    }
  }

  const load = { threads: THREADS, connections: CONNECTIONS };
  const results = [];
  for (const scenario of scenarios) {
    const measured = {};
    for (const server of measuredServers) {
      const url = `http://127.0.0.1:${server.port}${scenario.path}`;
      await wrk(url, host, scenario.headers, { ...load, duration: WARMUP });
      const cpuBefore = treeCpuMs(server.pids);
      const result = await wrk(url, host, scenario.headers, { ...load, duration: DURATION });
      result.cpuUsPerRequest = ((treeCpuMs(server.pids) - cpuBefore) * 1000) / result.requests;
      if (result.non2xx > 0) throw new Error(`${server.name}: ${result.non2xx} non-2xx responses for ${scenario.path}`);
      measured[server.name] = result;
      log(
        `${scenario.name} — ${server.name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
          `${result.cpuUsPerRequest.toFixed(1)} µs CPU/request, ${scenario.wire[server.name]} per response`,
      );
    }
    results.push({ scenario: scenario.name, wire: scenario.wire, ...measured });
  }

  console.log("");
  console.log(`wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION} (after a ${WARMUP} warm-up), Host: ${host}`);
  const contenders = measuredServers.filter((s) => s.name !== "nginx").map((s) => s.name);
  const rows = [["file", "server", "req/s", "ratio to nginx", "p99 latency", "server CPU/request", "CPU efficiency vs nginx", "response", `≥ ${TARGET_RATIO}×`]];
  for (const result of results) {
    const nginx = result.nginx;
    rows.push([result.scenario, "nginx", nginx.rps.toFixed(0), "", `${nginx.p99} ms`, `${nginx.cpuUsPerRequest.toFixed(1)} µs`, "", result.wire.nginx, ""]);
    for (const name of contenders) {
      const r = result[name];
      r.ratio = r.rps / nginx.rps;
      r.cpuRatio = nginx.cpuUsPerRequest / r.cpuUsPerRequest;
      rows.push(["", name, r.rps.toFixed(0), `${r.ratio.toFixed(2)}×`, `${r.p99} ms`, `${r.cpuUsPerRequest.toFixed(1)} µs`, `${r.cpuRatio.toFixed(2)}×`, result.wire[name], name === "autostack" ? verdict(r.ratio >= TARGET_RATIO) : name.endsWith("floor") ? "(floor)" : "(compare)"]);
    }
  }
  printTable(rows);
  if (profileDir) {
    // The profiles are written when the processes exit; their names carry the pid.
    for (const { name, pids } of servers.filter((s) => s.name !== "nginx")) log(`CPU profile of ${name}: pid ${pids[0]}`);
    await cleanup();
    const { summarizeProfiles } = await import("./support/profile-summary.mjs");
    console.log("");
    summarizeProfiles(profileDir);
  }
  const worst = Math.min(...results.map((r) => r.autostack?.ratio ?? NaN));
  console.log("");
  console.log(`target: at least ${TARGET_RATIO}× nginx's requests/s: lowest ratio ${worst.toFixed(2)}× → ${verdict(worst >= TARGET_RATIO)}`);
  console.log(`BENCH_RESULT ${JSON.stringify({ benchmark: "serve", duration: DURATION, threads: THREADS, connections: CONNECTIONS, results, worstRatio: worst, pass: worst >= TARGET_RATIO })}`);
});
