import { spawn } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, chmod, chown, lstat, mkdir, mkdtemp, readlink, realpath, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { WORKSPACE } from "./container-spec.js";
import { LineOutput } from "./output.js";
import { runnerNetwork, StepSetupError, type BuildStep, type Readiness, type RunResult } from "./step.js";
import { removeStaleTempDirs } from "./stale-temp-dirs.js";
import { hostToolchains } from "./toolchains.js";
import { BUILDER_GID, BUILDER_UID, prepareWorkDir } from "./work-dir.js";

// BUILD_RUNNER=bubblewrap: build steps in a bwrap sandbox instead of a Docker
// container, for single-user machines without Docker. Weaker isolation; what
// is and is not isolated is in docs/decisions/0011-bubblewrap-runner.md.
//
// The worker never runs a shell on the host: it spawns `prlimit … -- bwrap
// --args 3 -- /bin/sh -c WRAPPER sh COMMAND` with an argv. bwrap's options,
// the deployment's variables among them, come through fd 3, so that no value
// shows up in a host process listing and none reaches the environment of the
// host-side binaries (an LD_PRELOAD there would run code outside the sandbox).

export interface BubblewrapOptions {
  /** Absolute path of bwrap; default: looked up in the system directories (SYSTEM_PATH). */
  bwrap?: string;
  /** Absolute path of util-linux prlimit, null for none (no memory/process limits); default: looked up. */
  prlimit?: string | null;
  /** DATA_DIR: the Node.js toolchains extracted under DATA_DIR/toolchains/node are offered to builds. */
  dataDir?: string;
}

/** Where bwrap and prlimit are looked up; the worker's own PATH does not count. */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** The builder image's PATH and HOME, so that a build sees the same in both runners. */
export const SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin";
const SANDBOX_HOME = "/home/builder";
const BASE_ENV: Record<string, string> = { PATH: SANDBOX_PATH, HOME: SANDBOX_HOME, NPM_CONFIG_UPDATE_NOTIFIER: "false" };
const DEFAULT_TMP_BYTES = 256 * 1024 * 1024;
const MIN_VERSION: Version = [0, 5, 0]; // --clearenv
// A killed sandbox is gone within milliseconds; more means something is badly wrong.
const KILL_WAIT_MS = 5000;
const OUTPUT_DRAIN_MS = 2000;
const MAX_TIMER_MS = 2 ** 31 - 1;

const ARGS_FD = 3;
const STARTED_FD = 4;
// Runs inside the sandbox: says "started" on fd 4, closes the descriptors 3–9
// (dash cannot name higher ones), then runs the command as Docker does: sh -c.
const WRAPPER = `printf . >&${STARTED_FD}; exec 3<&- 4>&- 5<&- 6<&- 7<&- 8<&- 9<&-; exec sh -c "$1"`;

/** Host paths that become the sandbox's system: read-only, or a symlink where the host has one (merged /usr). */
const ROOT_ENTRIES = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
/** What of /etc a build needs: certificates, name resolution, the dynamic linker's cache, Debian's alternatives. */
const ETC_ENTRIES = [
  "/etc/ssl",
  "/etc/ca-certificates",
  "/etc/pki",
  "/etc/alternatives",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/nsswitch.conf",
  "/etc/hosts",
  "/etc/host.conf",
  "/etc/gai.conf",
  "/etc/resolv.conf",
  "/etc/protocols",
  "/etc/services",
  "/etc/localtime",
];

/** Debian's and Red Hat's CA bundles (under the /etc entries bound above). */
const CA_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];

type Version = [number, number, number];

export interface BwrapInfo {
  path: string;
  version: Version;
  /** --disable-userns (0.8.0): no user namespaces inside the sandbox, a large kernel attack surface less. */
  disableUserns: boolean;
  /** --size for --tmpfs (0.7.0). */
  tmpfsSize: boolean;
}

/** The host's side of the sandbox file system, looked up once per step. */
export interface HostLayout {
  /** [path, symlink target] or [path, null] for a directory to bind read-only. */
  rootEntries: [string, string | null][];
  /** Install prefix of the worker's node when it is not under /usr (bound read-only, its bin first in PATH). */
  nodePrefix: string | null;
  /** The host's CA bundle, which node is told to trust as in the builder image (NODE_EXTRA_CA_CERTS); null when none. */
  caBundle: string | null;
}

export interface SandboxFiles {
  /** Host directory bound at /home/builder. */
  home: string;
  passwd: string;
  group: string;
}

/** bwrap's options for one step (what goes through --args): pure, so that tests can read it without bwrap. */
export function sandboxOptions(step: BuildStep, bwrap: BwrapInfo, layout: HostLayout, files: SandboxFiles): string[] {
  const args = ["--die-with-parent", "--new-session", "--unshare-all", "--unshare-user"];
  if (bwrap.disableUserns) args.push("--disable-userns");
  // --unshare-all includes the network: the sandbox has its own namespace with loopback only, and with
  // BUILD_NETWORK=public the egress proxy's socket is its way out. "bridge" shares the host's network, unfiltered.
  if (step.network === "bridge") args.push("--share-net");
  args.push("--uid", String(BUILDER_UID), "--gid", String(BUILDER_GID), "--hostname", "autostack-build");
  args.push("--ro-bind", "/usr", "/usr");
  for (const [entry, target] of layout.rootEntries) {
    if (target === null) args.push("--ro-bind", entry, entry);
    else args.push("--symlink", target, entry);
  }
  if (layout.nodePrefix) args.push("--ro-bind", layout.nodePrefix, layout.nodePrefix);
  for (const entry of ETC_ENTRIES) args.push("--ro-bind-try", entry, entry);
  args.push("--ro-bind", files.passwd, "/etc/passwd", "--ro-bind", files.group, "/etc/group");
  args.push("--proc", "/proc", "--dev", "/dev");
  if (bwrap.tmpfsSize) args.push("--size", String(step.tmpBytes ?? DEFAULT_TMP_BYTES));
  args.push("--tmpfs", "/tmp");
  args.push("--bind", files.home, SANDBOX_HOME);
  args.push("--bind", step.workDir, WORKSPACE, "--chdir", WORKSPACE);
  for (const mount of step.mounts ?? []) args.push(mount.readOnly ? "--ro-bind" : "--bind", mount.source, mount.target);
  // Nothing of the worker's environment: the base the builder image has, then the deployment's variables.
  args.push("--clearenv");
  const env = {
    ...BASE_ENV,
    ...(layout.nodePrefix ? { PATH: `${layout.nodePrefix}/bin:${SANDBOX_PATH}` } : {}),
    ...(layout.caBundle ? { NODE_EXTRA_CA_CERTS: layout.caBundle } : {}),
    ...step.env,
  };
  for (const [key, value] of Object.entries(env)) args.push("--setenv", key, value);
  return args;
}

/** The argv of the host process: limits, then bwrap reading its options from fd 3, then the wrapped command. */
export function sandboxCommand(step: BuildStep, bwrapPath: string, prlimitPath: string | null): { file: string; args: string[] } {
  const bwrap = [bwrapPath, "--args", String(ARGS_FD), "--", "/bin/sh", "-c", WRAPPER, "sh", step.command];
  if (!prlimitPath) return { file: bwrapPath, args: bwrap.slice(1) };
  // RLIMIT_DATA: private writable memory per process (RLIMIT_AS would stop node from starting: V8 reserves GBs of
  // address space). RLIMIT_NPROC: counted per sandbox, because every sandbox has its own user namespace.
  const limits = [`--data=${step.memoryBytes}`, `--nproc=${step.pidsLimit}`, "--core=0"];
  return { file: prlimitPath, args: [...limits, "--", ...bwrap] };
}

/**
 * Runs `step.command` with `sh -c` in a fresh bwrap sandbox with `step.workDir`
 * at /workspace, streams its output line by line, and always leaves nothing
 * running: the whole sandbox is one PID namespace that dies with bwrap, and
 * bwrap dies with the worker (--die-with-parent).
 */
export async function runInSandbox(step: BuildStep, options: BubblewrapOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const result = (partial: Omit<RunResult, "durationMs">): RunResult => ({ ...partial, durationMs: Math.round(performance.now() - started) });
  validate(step);
  if (step.signal?.aborted) return result({ exitCode: null, oomKilled: false, timedOut: false, cancelled: true });

  const bwrap = await bwrapInfo(options.bwrap);
  const prlimit = options.prlimit === undefined ? await findExecutable("prlimit") : options.prlimit;
  const asBuilder = process.getuid?.() === 0;
  if (asBuilder) {
    // chown to the builder, as for Docker
    await prepareWorkDir(step.workDir);
    for (const mount of step.mounts ?? []) if (!mount.readOnly) await prepareWorkDir(mount.source);
  }
  const files = await makeSandboxFiles(asBuilder);
  try {
    if (asBuilder) {
      for (const target of [step.workDir, files.home]) {
        const blocked = await unreachableAncestor(target);
        if (blocked) {
          throw new StepSetupError(
            `The build sandbox runs as uid ${BUILDER_UID}, which cannot enter ${blocked.dir} (mode ${blocked.mode}): ` +
              `make it reachable (chmod o+x ${blocked.dir}) or move DATA_DIR out of it`,
          );
        }
      }
    }
    const layout = await hostLayout();
    const command = sandboxCommand(step, bwrap.path, prlimit);
    return await supervise(step, command, sandboxOptions(step, bwrap, layout, files), asBuilder, result);
  } finally {
    await rm(path.dirname(files.home), { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
  }
}

type Ending = "exited" | "timeout" | "cancelled";

async function supervise(
  step: BuildStep,
  command: { file: string; args: string[] },
  bwrapOptions: string[],
  asBuilder: boolean,
  result: (partial: Omit<RunResult, "durationMs">) => RunResult,
): Promise<RunResult> {
  let sandboxStarted = false;
  const diagnostics: string[] = [];
  const output = new LineOutput((stream, line) => {
    // Before the command starts only bwrap or prlimit can write: keep their complaint for the error message.
    if (stream === "stderr" && !sandboxStarted && diagnostics.length < 3) diagnostics.push(line);
    return step.onLine(stream, line);
  });
  const child = spawn(command.file, command.args, {
    cwd: "/",
    // Only this, never the worker's or the deployment's variables (those reach the sandbox through --setenv).
    env: { PATH: SYSTEM_PATH },
    stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
    detached: true, // its own process group, so that a kill reaches bwrap and prlimit whatever they are at
    ...(asBuilder ? { uid: BUILDER_UID, gid: BUILDER_GID } : {}),
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const spawnFailed = new Promise<Error>((resolve) => child.once("error", resolve));
  const [, stdout, stderr, argsPipe, startedPipe] = child.stdio as unknown as [null, Readable, Readable, Writable, Readable];
  const drained = Promise.all([streamEnd(stdout), streamEnd(stderr)]);
  stdout.pipe(output.stdout);
  stderr.pipe(output.stderr);
  const startedEnd = streamEnd(startedPipe);
  startedPipe.on("data", () => {
    sandboxStarted = true;
  });
  argsPipe.on("error", () => undefined); // EPIPE when bwrap died first: its exit status tells
  argsPipe.end(bwrapOptions.map((arg) => `${arg}\0`).join(""));

  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // ESRCH: already gone
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const stopRequested = new Promise<Ending>((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.min(Math.max(step.timeoutMs, 0), MAX_TIMER_MS));
      onAbort = () => resolve("cancelled");
      if (step.signal?.aborted) onAbort();
      else step.signal?.addEventListener("abort", onAbort, { once: true });
    });
    const ending = await Promise.race([
      exited.then(() => "exited" as const),
      stopRequested,
      spawnFailed.then((error) => {
        throw new StepSetupError(`The build sandbox could not start: ${error.message}`);
      }),
    ]);
    if (ending !== "exited") kill();
    const status = await Promise.race([
      exited,
      delay(KILL_WAIT_MS, undefined, { ref: false }).then(() => {
        throw new Error(`the build sandbox did not exit within ${KILL_WAIT_MS} ms of being killed`);
      }),
    ]);
    await Promise.race([Promise.all([drained, startedEnd]), delay(OUTPUT_DRAIN_MS, undefined, { ref: false })]);
    output.flush();
    output.rethrow();
    const exitCode = status.code ?? 128 + (os.constants.signals[status.signal ?? "SIGKILL"] ?? 9);
    if (ending === "exited" && !sandboxStarted) {
      const why = diagnostics.find((line) => /^(bwrap|prlimit):/.test(line)) ?? diagnostics[0] ?? `exit status ${exitCode}`;
      throw new StepSetupError(`The build sandbox could not start: ${why}`);
    }
    return result({
      exitCode,
      // No cgroup, so no OOM event: a SIGKILL we did not send is the kernel's OOM killer (as for Docker without the event).
      oomKilled: ending === "exited" && exitCode === 137,
      timedOut: ending === "timeout",
      cancelled: ending === "cancelled",
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) step.signal?.removeEventListener("abort", onAbort);
    if (child.exitCode === null && child.signalCode === null) kill();
    stdout.destroy();
    stderr.destroy();
    startedPipe.destroy();
  }
}

/** Removes the per-step directories of workers that died mid-step (their process is gone). */
export function removeStaleSandboxFiles(): Promise<string[]> {
  return removeStaleTempDirs(FILES_PREFIX);
}

/** Whether bubblewrap can run builds here, with what to tell the user about it. */
export async function checkBubblewrap(options: BubblewrapOptions = {}): Promise<Readiness> {
  let bwrap: BwrapInfo;
  try {
    bwrap = await bwrapInfo(options.bwrap);
  } catch (error) {
    return { ready: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const prlimit = options.prlimit === undefined ? await findExecutable("prlimit") : options.prlimit;
  await removeStaleSandboxFiles();
  // A trivial step proves that this kernel and this user may create the sandbox (user namespaces).
  const probeDir = await mkdtemp(path.join(os.tmpdir(), "autostack-probe-"));
  try {
    await chmod(probeDir, 0o755);
    const probe = await runInSandbox(
      { command: "true", workDir: probeDir, env: {}, memoryBytes: 256 * 1024 * 1024, nanoCpus: 1e9, pidsLimit: 64, network: "none", timeoutMs: 10_000, onLine: () => undefined },
      { bwrap: bwrap.path, prlimit },
    );
    if (probe.exitCode !== 0) return { ready: false, reason: `bubblewrap cannot run a trivial command here (exit status ${probe.exitCode})` };
  } catch (error) {
    return { ready: false, reason: `bubblewrap cannot create a sandbox here: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await rm(probeDir, { recursive: true, force: true }).catch(() => undefined);
  }
  const notes = [
    `Building in a bubblewrap ${bwrap.version.join(".")} sandbox (BUILD_RUNNER=bubblewrap): weaker isolation than Docker, ` +
      "with the host's kernel and /usr; memory is limited per process, CPU time is not",
  ];
  if (!prlimit) notes.push("prlimit (util-linux) was not found: neither memory nor the number of processes is limited");
  return { ready: true, notes, toolchains: await hostToolchains(options.dataDir ?? ".data", SANDBOX_PATH) };
}

const infoCache = new Map<string, Promise<BwrapInfo>>();

/** bwrap's path and version; throws a message for the user when it is missing or too old. */
async function bwrapInfo(configured: string | undefined): Promise<BwrapInfo> {
  const found = configured ?? (await findExecutable("bwrap"));
  if (!found || !(await isExecutable(found))) {
    throw new StepSetupError(
      `BUILD_RUNNER=bubblewrap, but bubblewrap (bwrap) is not installed${configured ? ` at ${configured}` : ""}: ` +
        "install it (Debian/Ubuntu: apt-get install bubblewrap) or use BUILD_RUNNER=docker",
    );
  }
  let cached = infoCache.get(found);
  if (!cached) {
    cached = readVersion(found);
    infoCache.set(found, cached);
    cached.catch(() => infoCache.delete(found));
  }
  const info = await cached;
  if (compare(info.version, MIN_VERSION) < 0) {
    throw new StepSetupError(`bubblewrap ${info.version.join(".")} at ${found} is too old: ${MIN_VERSION.join(".")} or later is needed`);
  }
  return info;
}

async function readVersion(file: string): Promise<BwrapInfo> {
  const child = spawn(file, ["--version"], { env: { PATH: SYSTEM_PATH }, stdio: ["ignore", "pipe", "ignore"] });
  let text = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  await new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", () => resolve());
  });
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) throw new StepSetupError(`could not read the version of ${file} (${JSON.stringify(text.trim().slice(0, 80))})`);
  const version: Version = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  return { path: file, version, disableUserns: compare(version, [0, 8, 0]) >= 0, tmpfsSize: compare(version, [0, 7, 0]) >= 0 };
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export async function findExecutable(name: string): Promise<string | null> {
  for (const dir of SYSTEM_PATH.split(":")) {
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

async function hostLayout(): Promise<HostLayout> {
  const rootEntries: [string, string | null][] = [];
  for (const entry of ROOT_ENTRIES) {
    try {
      const info = await lstat(entry);
      if (info.isSymbolicLink()) rootEntries.push([entry, await readlink(entry)]);
      else if (info.isDirectory()) rootEntries.push([entry, null]);
    } catch {
      // not on this host
    }
  }
  // node/npm of the worker, when they are not part of /usr (a tarball under /opt, for instance).
  const prefix = path.dirname(path.dirname(await realpath(process.execPath)));
  const nodePrefix = prefix === "/usr" || prefix.startsWith("/usr/") || prefix === "/" ? null : prefix;
  let caBundle: string | null = null;
  for (const candidate of CA_BUNDLES) if (!caBundle && (await stat(candidate).catch(() => null))?.isFile()) caBundle = candidate;
  return { rootEntries, nodePrefix, caBundle };
}

const FILES_PREFIX = "autostack-sandbox-";

/**
 * A per-step directory with the sandbox's /etc/passwd, /etc/group and home
 * (on disk: npm caches can be large), named after the worker's pid so that
 * the directories of a worker that was killed can be told apart.
 */
async function makeSandboxFiles(asBuilder: boolean): Promise<SandboxFiles> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${FILES_PREFIX}${process.pid}-`));
  await chmod(dir, 0o755);
  const passwd = path.join(dir, "passwd");
  const group = path.join(dir, "group");
  const home = path.join(dir, "home");
  await writeFile(
    passwd,
    `root:x:0:0:root:/root:/bin/sh\nbuilder:x:${BUILDER_UID}:${BUILDER_GID}:builder:${SANDBOX_HOME}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`,
    { mode: 0o644 },
  );
  await writeFile(group, `root:x:0:\nbuilder:x:${BUILDER_GID}:\nnogroup:x:65534:\n`, { mode: 0o644 });
  await mkdir(home, { mode: 0o700 });
  if (asBuilder) await chown(home, BUILDER_UID, BUILDER_GID);
  return { home, passwd, group };
}

/** The first directory above `target` that the builder user may not enter (bwrap runs as that user and opens the path). */
async function unreachableAncestor(target: string): Promise<{ dir: string; mode: string } | null> {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    const bit = info.uid === BUILDER_UID ? 0o100 : info.gid === BUILDER_GID ? 0o010 : 0o001;
    if (!(info.mode & bit)) return { dir, mode: `0${(info.mode & 0o7777).toString(8)}` };
    if (dir === path.dirname(dir)) return null;
  }
}

function validate(step: BuildStep): void {
  const positive = { memoryBytes: step.memoryBytes, pidsLimit: step.pidsLimit };
  for (const [name, value] of Object.entries(positive)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  if (!path.isAbsolute(step.workDir)) throw new Error(`workDir must be an absolute host path: ${step.workDir}`);
  for (const [key, value] of Object.entries(step.env)) {
    if (!key || key.includes("=") || key.includes("\0") || value.includes("\0")) throw new Error(`invalid environment variable ${JSON.stringify(key)}`);
  }
  if (step.command.includes("\0")) throw new Error("the command contains a NUL byte");
  runnerNetwork(step); // "public" is the egress proxy's to set up

}

function streamEnd(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
  });
}
