import { spawn } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, lstat, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { ROOT_ENTRIES, type BwrapInfo, type HostLayout, type Version } from "./bubblewrap-sandbox.js";
import { StepSetupError } from "../../step.js";
import { BUILDER_GID, BUILDER_UID } from "../../work-dir.js";

// What the host offers the bubblewrap runner: bwrap itself (found in the
// system directories, its version and features), prlimit, the layout of its
// system directories, its CA bundle, and whether the builder user can reach a path.

/** Where bwrap and prlimit are looked up; the worker's own PATH does not count. */
export const SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const MIN_VERSION: Version = [0, 5, 0]; // --clearenv

/** Debian's and Red Hat's CA bundles (under the /etc entries bound above). */
const CA_BUNDLES = ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"];

const infoCache = new Map<string, Promise<BwrapInfo>>();

/** bwrap's path and version; throws a message for the user when it is missing or too old. */
export async function bwrapInfo(configured: string | undefined): Promise<BwrapInfo> {
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

export async function hostLayout(): Promise<HostLayout> {
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

/** The first directory above `target` that the builder user may not enter (bwrap runs as that user and opens the path). */
export async function unreachableAncestor(target: string): Promise<{ dir: string; mode: string } | null> {
  for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
    const info = await stat(dir);
    const bit = info.uid === BUILDER_UID ? 0o100 : info.gid === BUILDER_GID ? 0o010 : 0o001;
    if (!(info.mode & bit)) return { dir, mode: `0${(info.mode & 0o7777).toString(8)}` };
    if (dir === path.dirname(dir)) return null;
  }
}
