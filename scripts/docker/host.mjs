// Host helpers shared by the docker scripts: finding programs, installing a
// Debian package, process liveness and a lock file. Plain Node, no dependencies.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { processAlive } from "../process-alive.mjs";

export { processAlive };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** PATH plus the sbin directories a non-login root shell may lack. */
export function findExecutable(name) {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin", "/usr/local/sbin"];
  for (const dir of dirs) {
    const candidate = path.join(dir || ".", name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return null;
}

/**
 * `apt-get install -y <pkg>`, with `apt-get update` and one retry when the
 * package lists are stale. apt's output goes to stderr: the scripts keep
 * stdout for their result. Returns an error message, or null on success.
 */
export function aptInstall(pkg, say) {
  const apt = findExecutable("apt-get");
  if (!apt) return `${pkg} is needed and apt-get is not available; install it yourself`;
  if (process.getuid() !== 0) return `${pkg} is needed and installing it needs root (running as uid ${process.getuid()})`;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync(apt, args, { stdio: ["ignore", 2, 2], env }).status === 0;
  say(`apt-get install -y ${pkg}`);
  if (run(["install", "-y", "-q", pkg])) return null;
  say("install failed: apt-get update, then retry");
  run(["update", "-q"]);
  return run(["install", "-y", "-q", pkg]) ? null : `apt-get install ${pkg} failed (see output above)`;
}

/**
 * Runs `fn` holding an exclusive lock file (our pid inside). A lock whose
 * owner died is taken over. Released on return and on process.exit().
 */
export async function withLock(lockFile, timeoutMs, fn) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    let owner = 0;
    let age = 0;
    try {
      owner = Number(fs.readFileSync(lockFile, "utf8")) || 0;
      age = Date.now() - fs.statSync(lockFile).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    // An empty file is a lock being written right now, unless it is old.
    const stale = owner ? !processAlive(owner) : age > 5000;
    if (stale) fs.rmSync(lockFile, { force: true });
    else if (Date.now() > deadline) throw new Error(`another process (pid ${owner || "?"}) holds ${lockFile}`);
    else await sleep(200);
  }
  const release = () => fs.rmSync(lockFile, { force: true });
  process.on("exit", release);
  try {
    return await fn();
  } finally {
    release();
    process.off("exit", release);
  }
}
