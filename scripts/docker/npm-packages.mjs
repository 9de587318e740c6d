// Packages from the npm registry, fetched with the host's own npm so that its
// registry, proxy and cafile settings apply (nodejs.org is not reachable from
// our machines; the registry is). Tarballs and their extracted trees are kept
// under <data>/toolchains: later image builds reuse them without the network,
// and the bubblewrap runner binds the extracted trees.
//
//   tarballs/<npm pack file name>.tgz      as downloaded
//   packages/<name>/<version>/             extracted (a tree appears only once complete)
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { findExecutable } from "./host.mjs";

const run = promisify(execFile);
const VIEW_TIMEOUT_MS = 60_000;
const PACK_TIMEOUT_MS = 300_000;
// One retry after 2 s: an unreachable registry should fall back to the cache in seconds, not npm's ~minute of backoff.
const QUICK_RETRY = ["--fetch-retries=1", "--fetch-retry-mintimeout=2000", "--fetch-retry-maxtimeout=5000"];

/** Ascending order of plain x.y.z versions. */
export function compareVersions(a, b) {
  const [pa, pb] = [a, b].map((version) => version.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** Whether `version` is a release that satisfies a pin: "20" → 20.x.y, "1.22.22" → exactly that. */
export function satisfies(version, pin) {
  return /^\d+\.\d+\.\d+$/.test(version) && (version === pin || version.startsWith(`${pin}.`));
}

export function newest(versions, pin) {
  return versions.filter((version) => satisfies(version, pin)).sort(compareVersions).at(-1) ?? null;
}

/** A directory filled by `fill(tmp)` and renamed into place, so a half-written one never looks complete. */
export async function atomicDir(dest, fill) {
  const tmp = `${dest}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    if (fs.existsSync(dest)) {
      // Renamed away first: whoever still has the old tree open keeps a whole one.
      const old = `${tmp}.old`;
      fs.renameSync(dest, old);
      fs.rmSync(old, { recursive: true, force: true });
    }
    fs.renameSync(tmp, dest);
  } catch (error) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  return dest;
}

export class NpmPackages {
  /** @param {string} root <data>/toolchains */
  constructor(root) {
    this.root = root;
    this.npm = findExecutable("npm");
  }

  async #npm(args, timeout) {
    if (!this.npm) throw new Error("npm is not installed; it is needed to fetch Node.js and package managers from the npm registry");
    // cwd outside the repository: only the user's and the global npm config apply, not a project's .npmrc.
    const env = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" };
    const { stdout } = await run(this.npm, args, { cwd: this.root, env, timeout, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  }

  /** Newest version of `name` matching `pin` in the registry; offline, the newest one `cachedVersions` offers. */
  async resolve(name, pin, cachedVersions, say) {
    let reason;
    try {
      const listed = [JSON.parse(await this.#npm(["view", `${name}@${pin}`, "version", "--json", ...QUICK_RETRY], VIEW_TIMEOUT_MS))].flat();
      const version = newest(listed.map(String), pin);
      if (version) return version;
      reason = `the registry lists no release matching ${pin}`;
    } catch (error) {
      reason = npmFailure(error);
    }
    const cached = newest(cachedVersions, pin);
    if (!cached) throw new Error(`cannot resolve ${name}@${pin}: ${reason} (and none is cached under ${this.root})`);
    say(`${name}@${pin}: registry unavailable (${reason}); using cached ${cached}`);
    return cached;
  }

  /** Versions of `name` extracted under packages/. */
  extractedVersions(name) {
    const dir = path.join(this.root, "packages", name);
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((entry) => /^\d+\.\d+\.\d+$/.test(entry)) : [];
  }

  /** Path of the package's tarball, downloaded with `npm pack` unless cached. */
  async tarball(name, version) {
    // npm pack's own naming: @oven/bun-linux-x64 → oven-bun-linux-x64-1.4.5.tgz
    const file = path.join(this.root, "tarballs", `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`);
    if (fs.existsSync(file)) return file;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = fs.mkdtempSync(path.join(this.root, "tarballs", ".pack-"));
    try {
      const [packed] = JSON.parse(await this.#npm(["pack", `${name}@${version}`, "--pack-destination", tmp, "--json", "--ignore-scripts"], PACK_TIMEOUT_MS));
      fs.renameSync(path.join(tmp, packed.filename), file);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return file;
  }

  /** The package's files (the tarball's `package/` contents) in `dest`. */
  async extractTo(name, version, dest) {
    const tgz = await this.tarball(name, version);
    await run("tar", ["-xzf", tgz, "-C", dest, "--strip-components=1", "--no-same-owner"], { timeout: PACK_TIMEOUT_MS });
  }

  /** packages/<name>/<version>/, extracted unless it already is. */
  async extracted(name, version) {
    const dest = path.join(this.root, "packages", name, version);
    if (fs.existsSync(dest)) return dest;
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    return atomicDir(dest, (tmp) => this.extractTo(name, version, tmp));
  }
}

/** npm's one telling line ("request to … failed, reason: …", a 404), not its "complete log" pointer. */
function npmFailure(error) {
  if (error.killed) return "npm timed out";
  const lines = `${error.stderr ?? ""}`.split("\n").map((line) => line.replace(/^npm (ERR!|error) ?/, "").trim())
    .filter((line) => line && !line.startsWith("A complete log"));
  return (lines.find((line) => /reason:|\b404\b/.test(line)) ?? lines[0] ?? error.message).slice(0, 200);
}
