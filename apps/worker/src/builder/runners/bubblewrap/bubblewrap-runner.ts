import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { makeSandboxFiles, removeStaleSandboxFiles } from "./bubblewrap-files.js";
import { bwrapInfo, findExecutable, hostLayout, unreachableAncestor } from "./bubblewrap-host.js";
import { SANDBOX_PATH, sandboxCommand, sandboxOptions, type BwrapInfo } from "./bubblewrap-sandbox.js";
import { supervise } from "./bubblewrap-supervise.js";
import { runnerNetwork, StepSetupError, type BuildStep, type Readiness, type RunResult } from "../../step.js";
import { hostToolchains } from "../../toolchains.js";
import { BUILDER_UID, prepareWorkDir } from "../../work-dir.js";

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
