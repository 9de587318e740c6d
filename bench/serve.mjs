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
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
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
  sleep,
  startProcess,
  tempDir,
  verdict,
} from "./lib.mjs";

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

/** Deterministic pseudo-random text, so that compression ratios look like real code. */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state;
  };
  const words = ["const", "let", "return", "function", "if", "else", "for", "await", "async", "new", "this", "null", "true", "false", "export", "import"];
  const ident = () => `${"abcdefghijklmnopqrstuvwxyz"[next() % 26]}${(next() % 4096).toString(36)}`;
  return { next, ident, word: () => words[next() % words.length] };
}

function javascriptBundle(bytes) {
  const g = generator(42);
  let out = "";
  while (out.length < bytes) {
    const name = g.ident();
    out += `function ${name}(${g.ident()},${g.ident()}){${g.word()} ${g.ident()}=${g.ident()}.${g.ident()}(${g.next() % 1000},"${g.ident()}");${g.word()} ${g.ident()}&&${g.ident()}(${g.ident()})}`;
    if (g.next() % 5 === 0) out += `\nexport{${name}};`;
  }
  return out.slice(0, bytes);
}

function indexHtml(bundle) {
  const g = generator(7);
  const paragraphs = Array.from({ length: 40 }, () => `<p class="${g.ident()}">${Array.from({ length: 18 }, () => g.ident()).join(" ")}.</p>`).join("\n    ");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Autostack benchmark site</title>
    <script type="module" src="/assets/${bundle}"></script>
  </head>
  <body>
    <main>
    ${paragraphs}
    </main>
  </body>
</html>
`;
}

/** One GET with a Host header; the decoded body and the response headers. */
function get(port, host, pathname, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: pathname, headers: { host, ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers["content-encoding"];
        const body = encoding === "br" ? brotliDecompressSync(raw) : encoding === "gzip" ? gunzipSync(raw) : raw;
        resolve({ status: res.statusCode, headers: res.headers, bytes: raw.length, body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

function nginxConfig({ prefix, port, rootDir }) {
  return `# Written by bench/serve.mjs: a sensible static-file setup for one worker.
worker_processes 1;
daemon off;
master_process on;
pid ${prefix}/nginx.pid;
error_log ${prefix}/nginx-error.log warn;
events {
  worker_connections 4096;
}
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  charset utf-8;
  charset_types text/css text/plain application/javascript application/json image/svg+xml;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 100000;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  open_file_cache_min_uses 1;
  open_file_cache_errors on;
  gzip_static on;
  gzip_vary on;
  server_tokens off;
  access_log ${prefix}/nginx-access.log combined;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port} default_server;
    server_name _;
    root ${rootDir};
    index index.html;
    add_header X-Content-Type-Options nosniff;
    location / {
      try_files $uri $uri/ $uri.html =404;
      add_header X-Content-Type-Options nosniff;
      add_header Cache-Control "public, max-age=0, must-revalidate";
    }
    location /assets/ {
      add_header X-Content-Type-Options nosniff;
      add_header Cache-Control "public, max-age=31536000, immutable";
    }
  }
}
`;
}

async function startNginx(prefix, port, rootDir) {
  const conf = path.join(prefix, "nginx.conf");
  writeFileSync(conf, nginxConfig({ prefix, port, rootDir }));
  execFileSync("nginx", ["-t", "-q", "-p", prefix, "-e", path.join(prefix, "nginx-error.log"), "-c", conf], { stdio: "pipe" });
  const child = spawn("nginx", ["-p", prefix, "-e", path.join(prefix, "nginx-error.log"), "-c", conf], { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGQUIT"); // graceful: the master stops its worker
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });
  for (let i = 0; i < 100; i++) {
    const ok = await get(port, "localhost", "/").then(() => true, () => false);
    if (ok) return child.pid;
    await sleep(50);
  }
  throw new Error("nginx did not start listening");
}

// CPU time of the server processes, from /proc: robust where requests/s is
// not, on a machine that other work shares.
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS; // utime + stime
  } catch {
    return 0;
  }
}

/** The process and its children (nginx: the master and its worker). */
function processTree(pid) {
  const pids = [pid];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function treeCpuMs(pids) {
  return pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
}

function parseWrk(output) {
  const number = (re) => Number(re.exec(output)?.[1] ?? NaN);
  const latency = (label) => {
    const match = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(output);
    if (!match) return NaN;
    return Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2]];
  };
  const transfer = /Transfer\/sec:\s+([\d.]+)(\w+)/.exec(output);
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    transferPerSec: transfer ? `${transfer[1]} ${transfer[2]}` : "?",
    p50: latency("50"),
    p99: latency("99"),
    non2xx: number(/Non-2xx or 3xx responses:\s+(\d+)/) || 0,
    socketErrors: /Socket errors: (.*)/.exec(output)?.[1] ?? "none",
  };
}

const runningWrk = new Set();
onCleanup(() => {
  for (const child of runningWrk) child.kill("SIGINT");
});

/** Runs wrk (asynchronously, so that Ctrl-C still reaches our cleanup) and parses its report. */
function wrk(url, host, headers, duration) {
  const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${duration}`, "--latency", "-H", `Host: ${host}`];
  for (const header of headers) args.push("-H", header);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn("wrk", args, { stdio: ["ignore", "pipe", "pipe"] });
    runningWrk.add(child);
    child.once("exit", () => runningWrk.delete(child));
    let output = "";
    let errors = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (errors += chunk));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(parseWrk(output));
      else reject(new Error(`wrk exited with ${code ?? signal}: ${errors.trim()}`));
    });
  });
}

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
  const hash = createHash("sha256").update("bench").digest("hex").slice(0, 8);
  const bundle = `app-${hash}.js`;
  const site = path.join(work, "site");
  await mkdir(path.join(site, "assets"), { recursive: true });
  const js = javascriptBundle(50 * 1024);
  const html = indexHtml(bundle);
  await writeFile(path.join(site, "index.html"), html);
  await writeFile(path.join(site, "assets", bundle), js);
  await writeFile(path.join(site, "404.html"), "<!doctype html><title>Not found</title><h1>Not found</h1>\n");
  const db = createDatabase(database.url);
  onCleanup(() => db.$disconnect());
  const user = await db.user.create({ data: { name: "Bench", email: `bench-${randomBytes(4).toString("hex")}@example.com` } });
  const project = await db.project.create({ data: { userId: user.id, name: "site", repository: "https://git.example.com/bench/site.git", slug: SLUG } });
  const deployment = await db.deployment.create({
    data: { userId: user.id, projectId: project.id, slug: `${SLUG}-0001`, repository: project.repository, buildCommand: "", outputDir: ".", status: "success" },
  });
  const storage = services.createArtifactStorage(env);
  const uploaded = await storage.uploadDirectory(deployment.id, site);
  await db.deployment.update({ where: { id: deployment.id }, data: { artifactKey: deployment.id, artifactFiles: uploaded.files, artifactBytes: BigInt(uploaded.bytes) } });
  await db.project.update({ where: { id: project.id }, data: { productionDeploymentId: deployment.id } });
  const filesDir = path.join(dataDir, "artifacts", deployment.id, "files");
  if (!existsSync(path.join(filesDir, "index.html.gz"))) throw new Error(`unexpected artifact layout: no ${filesDir}/index.html.gz`);
  for (const dir of [dataDir, path.join(dataDir, "artifacts"), path.join(dataDir, "artifacts", deployment.id)]) chmodSync(dir, 0o755);
  log(`site: index.html ${html.length} B, assets/${bundle} ${js.length} B (artifact ${deployment.id})`);

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

  const results = [];
  for (const scenario of scenarios) {
    const measured = {};
    for (const server of measuredServers) {
      const url = `http://127.0.0.1:${server.port}${scenario.path}`;
      await wrk(url, host, scenario.headers, WARMUP);
      const cpuBefore = treeCpuMs(server.pids);
      const result = await wrk(url, host, scenario.headers, DURATION);
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
