// `pnpm bench`: runs every benchmark, one after another, each in its own
// process, then prints a summary of the targets. Benchmarks print figures;
// they are not tests (the exit code is 0 when they ran, whatever the figures).
import { spawn } from "node:child_process";
import path from "node:path";
import { log, printMachine, root } from "./lib.mjs";

const BENCHMARKS = [
  { name: "build-start", file: "build-start.mjs", target: "create → build start, p99 above the no-op pickup < 10 ms" },
  { name: "log-stream", file: "log-stream.mjs", target: "log line → WebSocket client, p99 < 50 ms at 5,000 lines/s, 0 lost" },
  { name: "deploy", file: "deploy.mjs", target: "static deploy overhead (total − build command) < 1.5 s" },
  { name: "serve", file: "serve.mjs", target: "site serving ≥ 0.8 × nginx requests/s" },
  { name: "log-viewer", file: "log-viewer.mjs", target: "log viewer at 100k lines: frame p99 ≤ 50 ms, < 200 rows in the page" },
  { name: "real-builds", file: "real-builds.mjs", target: "every starter template builds; warm redeploy ≤ 50 % of cold" },
];

function run(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "bench", file)], { stdio: ["ignore", "pipe", "inherit"] });
    let result = null;
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.startsWith("BENCH_RESULT ")) result = JSON.parse(line.slice("BENCH_RESULT ".length));
    });
    child.once("exit", (code) => resolve({ code, result }));
  });
}

function summary(result) {
  if (!result) return "no result (see the output above)";
  if (result.skipped) return `skipped: ${result.reason}`;
  const f = (value, digits = 1) => value.toFixed(digits);
  switch (result.benchmark) {
    case "build-start":
      return `p99 ${f(result.build.p99)} ms vs no-op p99 ${f(result.pickup.p99)} ms → +${f(result.overheadP99)} ms`;
    case "log-stream":
      return `p50 ${f(result.latency.p50)} / p99 ${f(result.latency.p99)} / max ${f(result.latency.max)} ms, lost ${result.lost}, duplicated ${result.duplicates}`;
    case "deploy":
      return `overhead median ${f(result.overhead.p50, 0)} ms, max ${f(result.overhead.max, 0)} ms`;
    case "serve":
      return `lowest ratio ${f(result.worstRatio, 2)}× nginx`;
    case "log-viewer":
      return `${result.lines.toLocaleString("en")} lines: worst frame p99 ${f(result.worstP99)} ms, at most ${result.maxRows} rows in the page`;
    case "real-builds":
      return `${result.results.map((r) => `${r.name} ${f(r.cold.total / 1000)}→${f(r.warm.total / 1000)} s`).join(", ")}; image ${f(result.imageMb, 0)} MB`;
    default:
      return "";
  }
}

const only = process.argv.slice(2);
const selected = only.length > 0 ? BENCHMARKS.filter((b) => only.includes(b.name)) : BENCHMARKS;
printMachine();
const outcomes = [];
for (const benchmark of selected) {
  console.log("");
  log(`=== ${benchmark.name} (bench/${benchmark.file}) ===`);
  const started = Date.now();
  const { code, result } = await run(benchmark.file);
  outcomes.push({ ...benchmark, code, result, seconds: (Date.now() - started) / 1000 });
}

console.log("");
log("summary");
for (const { name, target, code, result, seconds } of outcomes) {
  const verdict = code !== 0 ? "ERROR" : result?.skipped ? "SKIPPED" : result?.pass ? "PASS" : "FAIL";
  console.log(`  ${verdict.padEnd(7)} ${name.padEnd(12)} ${summary(result)}  [${target}; ${seconds.toFixed(0)} s]`);
}
process.exit(outcomes.some((o) => o.code !== 0) ? 1 : 0);
