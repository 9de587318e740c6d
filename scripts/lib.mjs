// Small helpers shared by the root scripts (up, start, validate). Plain Node
// so they run on a machine that has nothing but Node.js 20.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const PNPM_VERSION = "12.4.2";

export function log(message) {
  console.log(`\x1b[36m[autostack]\x1b[0m ${message}`);
}

export function fail(message) {
  console.error(`\x1b[31m[autostack]\x1b[0m ${message}`);
  process.exit(1);
}

/** Runs a command to completion with inherited output; exits on failure. */
export function run(command, args, options = {}) {
  log(`$ ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  if (result.error) fail(`${command}: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) fail(`${command} ${args.join(" ")} exited with ${result.status}`);
  return result.status ?? 1;
}

export function runAsync(command, args, options = {}) {
  log(`$ ${[command, ...args].join(" ")}`);
  return spawn(command, args, { stdio: "inherit", cwd: root, ...options });
}

/** Makes sure the pinned pnpm is on PATH (installs it with npm if needed). */
export function ensurePnpm() {
  const found = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  if (found.status === 0 && found.stdout.trim() === PNPM_VERSION) return;
  log(`installing pnpm ${PNPM_VERSION} (found: ${found.status === 0 ? found.stdout.trim() : "none"})`);
  const installed = spawnSync("npm", ["install", "--global", `pnpm@${PNPM_VERSION}`], { stdio: "inherit" });
  if (installed.status !== 0) fail(`could not install pnpm@${PNPM_VERSION} with npm; install it yourself and re-run`);
}

export function installDependencies() {
  const frozen = existsSync(path.join(root, "pnpm-lock.yaml")) ? ["--frozen-lockfile"] : [];
  run("pnpm", ["install", ...frozen]);
}
