#!/usr/bin/env node
// Makes sure a Docker engine answers, starting a private dockerd if needed.
// The last stdout line is always `DOCKER_HOST=unix://…` (progress goes to
// stderr), so CI can do: node scripts/docker/ensure-docker.mjs | tail -n1 >> "$GITHUB_ENV".
//
//   node scripts/docker/ensure-docker.mjs          ensure an engine, print DOCKER_HOST
//   node scripts/docker/ensure-docker.mjs --stop   stop the dockerd this script started
//   node scripts/docker/ensure-docker.mjs --no-install
//                                                  never apt-install docker.io (pnpm start uses this)
//
// Plain Node, no dependencies: it runs on a fresh machine (as root) before any install.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_SOCKET, pingEngine } from "./engine.mjs";
import { aptInstall, findExecutable, processAlive, withLock } from "./host.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const START_TIMEOUT_MS = 30_000;
// sun_path is 108 bytes including the terminating NUL; keep a margin.
const MAX_SOCKET_PATH = 100;
// containerd puts `<exec-root>/containerd/containerd-debug.sock` under the exec
// root, so the exec root must leave room for that inside the same limit.
const MAX_EXEC_ROOT = 60;
// Repositories on these file systems cannot hold overlay2 layers.
const UNSUITABLE_FS = new Set(["overlayfs", "nfs", "fuseblk", "fuse", "9p", "v9fs", "cifs", "smb2"]);

const say = (message) => process.stderr.write(`[ensure-docker] ${message}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function die(message) {
  process.stderr.write(`ensure-docker: ${message}\n`);
  process.exit(1);
}

function done(socketPath) {
  process.stdout.write(`DOCKER_HOST=unix://${socketPath}\n`);
  process.exit(0);
}

const hash = createHash("sha256").update(repoRoot).digest("hex").slice(0, 12);

function isUsableDir(dir) {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    const type = spawnSync("stat", ["-f", "-c", "%T", dir], { encoding: "utf8" }).stdout?.trim();
    return !UNSUITABLE_FS.has(type);
  } catch {
    return false;
  }
}

/** A directory in /tmp that root created and nobody could have planted first. */
function privateTmpDir() {
  const dir = `/tmp/autostack-docker-${hash}`;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== process.getuid()) die(`${dir} is not a directory owned by us; remove it`);
  return dir;
}

function layout() {
  const inRepo = path.join(repoRoot, ".data", "docker");
  const stateDir = isUsableDir(inRepo) ? inRepo : "/var/lib/autostack-docker";
  const fallbackSocket = `/tmp/autostack-docker-${hash}.sock`;
  const socketPath = Buffer.byteLength(path.join(stateDir, "docker.sock")) <= MAX_SOCKET_PATH
    ? path.join(stateDir, "docker.sock")
    : fallbackSocket;
  const execRoot = Buffer.byteLength(path.join(stateDir, "exec")) <= MAX_EXEC_ROOT
    ? path.join(stateDir, "exec")
    : null; // decided lazily: creating /tmp dirs is only needed when we start dockerd
  return {
    stateDir,
    socketPath,
    execRoot,
    dataRoot: path.join(stateDir, "data"),
    pidFile: path.join(stateDir, "dockerd.pid"),
    logFile: path.join(stateDir, "dockerd.log"),
    lockFile: path.join(stateDir, "ensure.lock"),
  };
}

/** The pid in the pidfile if that process is still a dockerd, else null. */
function runningDockerd(pidFile) {
  let pid;
  try {
    pid = Number(fs.readFileSync(pidFile, "utf8").trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return null;
  try {
    // A recycled pid belongs to something else: then the pidfile is stale too.
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "dockerd" ? pid : null;
  } catch {
    return pid;
  }
}

/** One line from dockerd's log that says why it stopped. */
function failureReason(logFile, since) {
  let text = "";
  try {
    const fd = fs.openSync(logFile, "r");
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.max(0, size - since));
    fs.readSync(fd, buffer, 0, buffer.length, since);
    fs.closeSync(fd);
    text = buffer.toString("utf8");
  } catch {
    return "no log written";
  }
  const lines = text.split("\n").filter(Boolean);
  const fatal = lines.findLast((line) => /level=fatal|failed to start daemon|Error starting daemon/i.test(line))
    ?? lines.findLast((line) => /level=error/.test(line))
    ?? lines.at(-1)
    ?? "empty log";
  const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(fatal);
  return (msg ? msg[1] : fatal).replace(/\\"/g, '"').slice(0, 300);
}

async function startDockerd(paths) {
  let dockerd = findExecutable("dockerd");
  if (!dockerd && process.argv.includes("--no-install")) {
    die(`no Docker engine answers (${DEFAULT_SOCKET}) and dockerd is not installed; install Docker (Debian: apt-get install docker.io) or set DOCKER_HOST`);
  }
  if (!dockerd) {
    say("dockerd not found: installing Debian's docker.io");
    const failure = aptInstall("docker.io", say);
    if (failure) die(failure);
    // docker.io's postinst may have started the system daemon already.
    if (await pingEngine(`unix://${DEFAULT_SOCKET}`)) done(DEFAULT_SOCKET);
    dockerd = findExecutable("dockerd");
    if (!dockerd) die("apt-get installed docker.io but no dockerd binary was found");
  }

  const execRoot = paths.execRoot ?? path.join(privateTmpDir(), "exec");
  fs.mkdirSync(paths.dataRoot, { recursive: true, mode: 0o710 });
  fs.mkdirSync(execRoot, { recursive: true, mode: 0o700 });
  fs.rmSync(paths.socketPath, { force: true });

  const args = [
    "--data-root", paths.dataRoot,
    "--exec-root", execRoot,
    "--host", `unix://${paths.socketPath}`,
    "--pidfile", paths.pidFile,
  ];
  const logStart = fs.existsSync(paths.logFile) ? fs.statSync(paths.logFile).size : 0;
  const log = fs.openSync(paths.logFile, "a");
  fs.writeSync(log, `\n--- ${new Date().toISOString()} ensure-docker: ${dockerd} ${args.join(" ")}\n`);
  say(`starting ${dockerd} (data ${paths.dataRoot}, log ${paths.logFile})`);
  const started = Date.now();
  // detached → own session: the daemon outlives this script and the test run
  // that called it, and a Ctrl-C in that terminal does not reach it.
  const child = spawn(dockerd, args, { detached: true, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  let exit = null;
  child.on("exit", (code, signal) => { exit = signal ?? `code ${code}`; });
  child.on("error", (error) => { exit = error.message; });
  child.unref();

  while (Date.now() - started < START_TIMEOUT_MS) {
    if (exit) die(`dockerd exited (${exit}): ${failureReason(paths.logFile, logStart)} — full log: ${paths.logFile}`);
    if (await pingEngine(`unix://${paths.socketPath}`, 1000)) {
      say(`dockerd (pid ${child.pid}) answers after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    }
    await sleep(200);
  }
  die(`dockerd did not answer on ${paths.socketPath} within ${START_TIMEOUT_MS / 1000} s: ${failureReason(paths.logFile, logStart)}`);
}

async function ensure() {
  const explicit = process.env.DOCKER_HOST;
  const paths = layout();
  const ours = `unix://${paths.socketPath}`;
  // A DOCKER_HOST naming our own socket (e.g. exported by an earlier run) is
  // handled below like no DOCKER_HOST at all: the daemon may need restarting.
  if (explicit && explicit !== ours) {
    if (await pingEngine(explicit)) {
      process.stdout.write(`DOCKER_HOST=${explicit}\n`);
      process.exit(0);
    }
    die(`DOCKER_HOST=${explicit} is set but no engine answers there; unset it to let this script start one`);
  }
  if (await pingEngine(ours)) done(paths.socketPath);
  if (await pingEngine(`unix://${DEFAULT_SOCKET}`)) done(DEFAULT_SOCKET);
  if (process.getuid() !== 0) {
    die(`no Docker engine answers (${DEFAULT_SOCKET}, ${paths.socketPath}) and starting one needs root (running as uid ${process.getuid()}); start Docker or set DOCKER_HOST`);
  }

  // Serialises concurrent callers (e.g. parallel test runs): only one starts dockerd.
  await withLock(paths.lockFile, START_TIMEOUT_MS * 2, async () => {
    // Someone may have finished starting it while we waited for the lock.
    if (await pingEngine(ours)) return;
    const pid = runningDockerd(paths.pidFile);
    if (pid) {
      say(`dockerd (pid ${pid}) is running but not answering yet; waiting`);
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (Date.now() < deadline) {
        if (await pingEngine(ours, 1000)) return;
        await sleep(300);
      }
      die(`dockerd (pid ${pid}) runs but does not answer on ${paths.socketPath}; see ${paths.logFile} or run with --stop`);
    }
    if (fs.existsSync(paths.pidFile)) {
      say(`removing stale pidfile ${paths.pidFile}`);
      fs.rmSync(paths.pidFile, { force: true });
    }
    await startDockerd(paths);
  });
  done(paths.socketPath);
}

async function stop() {
  const paths = layout();
  const pid = runningDockerd(paths.pidFile);
  if (!pid) {
    say("no dockerd started by this script is running");
    return;
  }
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + 20_000;
  while (processAlive(pid) && Date.now() < deadline) await sleep(200);
  if (processAlive(pid)) die(`dockerd (pid ${pid}) did not stop within 20 s`);
  say(`stopped dockerd (pid ${pid})`);
}

try {
  if (process.argv.includes("--stop")) await stop();
  else await ensure();
} catch (error) {
  // One clear line rather than a stack trace (e.g. EACCES on the state directory).
  die(error instanceof Error ? error.message : String(error));
}
