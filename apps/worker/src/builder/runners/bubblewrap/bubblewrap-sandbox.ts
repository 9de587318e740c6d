import { WORKSPACE } from "../docker/container-spec.js";
import type { BuildStep } from "../../step.js";
import { BUILDER_GID, BUILDER_UID } from "../../work-dir.js";

// The bwrap sandbox of one build step as arguments (ADR 0011): what it
// unshares, what of the host it binds and how, its environment, and the argv
// of the host process. Pure, so that tests read it without bwrap.

/** The builder image's PATH and HOME, so that a build sees the same in both runners. */
export const SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin";

export const SANDBOX_HOME = "/home/builder";

const BASE_ENV: Record<string, string> = { PATH: SANDBOX_PATH, HOME: SANDBOX_HOME, NPM_CONFIG_UPDATE_NOTIFIER: "false" };

const DEFAULT_TMP_BYTES = 256 * 1024 * 1024;

const ARGS_FD = 3;

const STARTED_FD = 4;

// Runs inside the sandbox: says "started" on fd 4, closes the descriptors 3–9
// (dash cannot name higher ones), then runs the command as Docker does: sh -c.
const WRAPPER = `printf . >&${STARTED_FD}; exec 3<&- 4>&- 5<&- 6<&- 7<&- 8<&- 9<&-; exec sh -c "$1"`;

/** Host paths that become the sandbox's system: read-only, or a symlink where the host has one (merged /usr). */
export const ROOT_ENTRIES = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

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

export type Version = [number, number, number];

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
