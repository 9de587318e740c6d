import type { BuildNetwork } from "./runners/docker/container-spec.js";
import type { OnLine } from "./output.js";

// What a build step is and what running one returns, whichever runner does it
// (BUILD_RUNNER: runners/docker or runners/bubblewrap, chosen in runners/create-runner.ts).

/** One build step (install or build): `sh -c command` with the checkout at /workspace. */
export interface BuildStep {
  command: string;
  /** Host directory that appears read-write at /workspace. */
  workDir: string;
  /** The variables the command gets, on top of the runner's PATH and HOME; nothing of the worker's own. */
  env: Record<string, string>;
  /** Memory limit (bubblewrap: per process, see docs/decisions/0011-bubblewrap-runner.md). */
  memoryBytes: number;
  /** CPU quota in billionths of a CPU (Docker only). */
  nanoCpus: number;
  /** Maximum number of processes/threads, against fork bombs. */
  pidsLimit: number;
  /** More host directories to mount (the build cache at /cache; a Node.js toolchain for bubblewrap). */
  mounts?: StepMount[];
  /** Size of the /tmp tmpfs. */
  tmpBytes?: number;
  /** "public": through the egress proxy only (egress/egress-runner.ts hands the runner "none" plus the proxy). */
  network?: StepNetwork;
  /** A line for the build log from the platform rather than the build (a blocked connection). */
  onNotice?: (text: string) => void;
  /** Who runs the step for what: Docker labels the container with it so that a dead worker's leftovers can be removed. */
  owner?: { deploymentId: string; workerId: string; installationId: string | null };
  /** Wall-clock limit from start; then the step is stopped and `timedOut` set. */
  timeoutMs: number;
  /** Aborting stops the step and sets `cancelled`. */
  signal?: AbortSignal;
  /** One call per output line, in order per stream. Must not throw (errors are rethrown after cleanup). */
  onLine: OnLine;
}

/** BUILD_NETWORK: "public" (the egress proxy, ADR 0015), "none" (loopback only) or "bridge" (unfiltered). */
export type StepNetwork = BuildNetwork | "public";

/** The network a runner gives the step itself; "public" must have been turned into "none" plus the proxy by withEgress. */
export function runnerNetwork(step: Pick<BuildStep, "network">): BuildNetwork {
  if (step.network === "public") throw new Error("network \"public\" needs the egress proxy: wrap the runner with withEgress (egress/egress-runner.ts)");
  return step.network ?? "none";
}

export interface StepMount {
  /** Absolute host path; must exist. */
  source: string;
  /** Absolute path inside the container or sandbox. */
  target: string;
  readOnly: boolean;
}

export interface RunResult {
  /** The command's exit status; null when it never started (aborted before). */
  exitCode: number | null;
  /** The kernel killed a process of the build for memory (even if the command then went on). */
  oomKilled: boolean;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
}

/** A Node.js the runner can give a step: put `binDir` first in PATH (and mount `hostDir` at `prefix` when set). */
export interface NodeRuntime {
  major: string;
  version: string;
  /** Install prefix inside the step: bin/node, include/node (node-gyp's nodedir). */
  prefix: string;
  /** The PATH a step gets to use this Node.js (and the image's package managers). */
  path: string;
  /** Host directory to mount read-only at `prefix` (bubblewrap); undefined when the image has it. */
  hostDir?: string;
}

/** What the runner's image or sandbox offers; empty for an operator's own BUILD_IMAGE without Autostack labels. */
export interface Toolchains {
  node: NodeRuntime[];
  /** Package managers the image ships: name → version. */
  tools: { pnpm?: string; yarn?: string; bun?: string };
}

/** Whether steps can run here at all; `reason` becomes the deployment's error message. */
export type Readiness = { ready: true; notes: string[]; toolchains: Toolchains } | { ready: false; reason: string };

export interface StepRunner {
  readonly kind: "docker" | "bubblewrap";
  /** Called once per build before the first step; quick (a ping or a trivial sandbox). */
  check(): Promise<Readiness>;
  run(step: BuildStep): Promise<RunResult>;
}

/** The step could not be started for a reason the user should read as it is (not an internal error). */
export class StepSetupError extends Error {
  override name = "StepSetupError";
}
