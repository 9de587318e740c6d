// wrk, the load generator of bench/serve.mjs: runs it and parses its
// --latency report into requests/s, latency percentiles and errors.
import { spawn } from "node:child_process";
import { onCleanup } from "../lib.mjs";

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
export function wrk(url, host, headers, { threads, connections, duration }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${duration}`, "--latency", "-H", `Host: ${host}`];
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
