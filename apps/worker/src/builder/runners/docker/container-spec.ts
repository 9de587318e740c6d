import type Docker from "dockerode";
import { BUILDER_GID, BUILDER_UID } from "../../work-dir.js";

/** Label on every container we create, so leftovers can be found and removed. */
export const MANAGED_LABEL = "autostack.managed";
/** The deployment a build container works for. */
export const DEPLOYMENT_LABEL = "autostack.deployment";
/** The worker (graphile-worker id, as in worker_heartbeats) that started the container: a dead one's are orphans. */
export const WORKER_LABEL = "autostack.worker";
/** The installation (build/installation.ts) whose worker started the container: the sweep touches no other's. */
export const INSTALLATION_LABEL = "autostack.installation";
/** Where the host work directory appears inside the container. */
export const WORKSPACE = "/workspace";
const DEFAULT_TMP_BYTES = 256 * 1024 * 1024;

/** "none": no interface but loopback. "bridge": outbound access (npm install needs the registry). */
export type BuildNetwork = "none" | "bridge";

export interface ContainerLimits {
  /** Hard memory limit; swap is disabled so this is all the build gets. */
  memoryBytes: number;
  /** CPU quota in billionths of a CPU (1e9 = one CPU). */
  nanoCpus: number;
  /** Maximum number of processes/threads, against fork bombs. */
  pidsLimit: number;
  /** Size of the /tmp tmpfs (counts against memoryBytes when used). */
  tmpBytes?: number;
}

export interface ContainerSpecInput extends ContainerLimits {
  image: string;
  command: string;
  workDir: string;
  env: Record<string, string>;
  network?: BuildNetwork;
  labels?: Record<string, string>;
  /** More bind mounts (the build cache). */
  mounts?: { source: string; target: string; readOnly: boolean }[];
}

/** The engine's create request for one build step; pure, so it can be checked without an engine. */
export function containerSpec(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  validate(input);
  return {
    Image: input.image,
    Cmd: ["sh", "-c", input.command],
    // Only the variables given: nothing from the worker's own environment.
    Env: Object.entries(input.env).map(([key, value]) => `${key}=${value}`),
    User: `${BUILDER_UID}:${BUILDER_GID}`,
    WorkingDir: WORKSPACE,
    Labels: { ...input.labels, [MANAGED_LABEL]: "true" },
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: false,
    Tty: false, // keeps stdout and stderr apart (multiplexed)
    HostConfig: {
      // Mounts rather than Binds: a ":" in the host path cannot be misparsed,
      // and a missing source is an error instead of a fresh root-owned dir.
      Mounts: [
        { Type: "bind", Source: input.workDir, Target: WORKSPACE, ReadOnly: false },
        ...(input.mounts ?? []).map((mount) => ({ Type: "bind" as const, Source: mount.source, Target: mount.target, ReadOnly: mount.readOnly })),
      ],
      Memory: input.memoryBytes,
      MemorySwap: input.memoryBytes, // equal to Memory: no swap on top
      NanoCpus: input.nanoCpus,
      PidsLimit: input.pidsLimit,
      NetworkMode: input.network ?? "none",
      Privileged: false,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: false, // tools write caches under $HOME; the layer is thrown away anyway
      Tmpfs: { "/tmp": `rw,nosuid,nodev,mode=1777,size=${input.tmpBytes ?? DEFAULT_TMP_BYTES}` },
      // tini as PID 1: reaps zombies (they count against PidsLimit) and passes
      // SIGTERM on, so a stop ends `sh -c` at once instead of after the grace.
      Init: true,
      AutoRemove: false, // we inspect State.OOMKilled after exit, then remove ourselves
      // Output is consumed live through attach; a json log would duplicate it on disk.
      LogConfig: { Type: "none", Config: {} },
    },
  };
}

function validate(input: ContainerSpecInput): void {
  const positive = { memoryBytes: input.memoryBytes, nanoCpus: input.nanoCpus, pidsLimit: input.pidsLimit };
  for (const [name, value] of Object.entries(positive)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  // Docker's own minimum; below it the create call fails with a vaguer message.
  if (input.memoryBytes < 6 * 1024 * 1024) throw new RangeError("memoryBytes must be at least 6 MiB");
  if (!input.workDir.startsWith("/")) throw new Error(`workDir must be an absolute host path: ${input.workDir}`);
  for (const mount of input.mounts ?? []) {
    if (!mount.source.startsWith("/") || !mount.target.startsWith("/")) throw new Error(`mounts need absolute paths: ${mount.source} → ${mount.target}`);
  }
  for (const [key, value] of Object.entries(input.env)) {
    if (!key || key.includes("=") || key.includes("\0") || value.includes("\0")) {
      throw new Error(`invalid environment variable ${JSON.stringify(key)}`);
    }
  }
}
