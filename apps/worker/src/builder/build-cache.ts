import { createHash, randomUUID } from "node:crypto";
import { lstat, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { evictLeastRecentlyUsed, treeBytes } from "./cache-eviction.js";

// A build cache per project (never shared between projects, so never between
// users), under DATA_DIR/build-cache/<project id>/:
//   packages/       mounted read-write at /cache in every step: the package
//                   managers' stores (npm, pnpm, Yarn, Bun, npx, corepack).
//                   Content-addressed, so one store serves any lockfile.
//   node_modules/   the last successful build's node_modules, with `key`:
//   key             a hash of the lockfile (or package.json without one), the
//                   Node.js major, the install command and the root directory.
//                   Restored only when the next build's key is the same.
//   dirs/<name>/    framework caches (.next/cache, .astro, .cache, …), whatever the key.
//   meta.json       bytes and last use, for the LRU eviction over all projects.
//
// Saved and restored by rename(2) on one file system: O(1) however many
// files, and atomic, so two builds of one project never share a tree (the
// first one takes it). Paths inside the checkout are checked component by
// component with lstat: a repository that commits `.next` as a symlink to
// /etc cannot make the worker move host files.

/** Where the package stores appear inside a build step. */
export const CACHE_MOUNT = "/cache";

/** Framework caches kept between builds, relative to the project directory. */
export const FRAMEWORK_CACHE_DIRS = [".next/cache", ".astro", ".cache", ".parcel-cache", ".angular/cache"] as const;

export interface CacheKeyInput {
  /** The lockfile's hash, or package.json's when there is none; null: not cacheable (unreadable). */
  manifestHash: string | null;
  nodeMajor: string;
  installCommand: string;
  rootDirectory: string | null;
}

export interface RestoreResult {
  /** Human-readable names of what was put back ("node_modules", ".next/cache"). */
  restored: string[];
  /** Why node_modules was not restored, when it was not. */
  modulesMiss: string | null;
}

export interface SaveResult {
  saved: string[];
  bytes: number;
  evicted: number;
}

export function cacheKey(input: CacheKeyInput): string | null {
  if (!input.manifestHash) return null;
  return createHash("sha256")
    .update(JSON.stringify([input.manifestHash, input.nodeMajor, input.installCommand, input.rootDirectory ?? "."]))
    .digest("hex")
    .slice(0, 32);
}

/** The environment that points every package manager at the mounted store. */
export function cacheEnv(mount = CACHE_MOUNT): Record<string, string> {
  return {
    npm_config_cache: `${mount}/npm`,
    // Metadata from the cache when it is there: a warm install asks the registry only for what is new.
    npm_config_prefer_offline: "true",
    // Two registry round trips per install that change nothing in the build.
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_store_dir: `${mount}/pnpm-store`,
    YARN_CACHE_FOLDER: `${mount}/yarn`,
    BUN_INSTALL_CACHE_DIR: `${mount}/bun`,
    COREPACK_HOME: `${mount}/corepack`,
    XDG_CACHE_HOME: `${mount}/xdg`,
  };
}

export class ProjectCache {
  readonly packagesDir: string;
  readonly #modulesDir: string;
  readonly #keyFile: string;

  constructor(
    readonly dir: string,
    readonly root: string,
    private readonly maxBytes: number,
  ) {
    this.packagesDir = path.join(dir, "packages");
    this.#modulesDir = path.join(dir, "node_modules");
    this.#keyFile = path.join(dir, "key");
  }

  /** Creates the directories and records the use (the LRU clock). */
  async open(): Promise<void> {
    await mkdir(this.packagesDir, { recursive: true });
    await this.#writeMeta({ lastUsed: Date.now() });
  }

  /** Moves the cached node_modules (when its key matches) and framework caches into the project. */
  async restore(projectDir: string, key: string | null): Promise<RestoreResult> {
    const restored: string[] = [];
    let modulesMiss: string | null = null;
    const storedKey = await readFile(this.#keyFile, "utf8").catch(() => null);
    if (!key) modulesMiss = "the lockfile could not be read";
    else if (!(await isRealDirectory(this.#modulesDir))) modulesMiss = "no node_modules cached yet";
    else if (storedKey !== key) modulesMiss = "the lockfile, Node.js version or install command changed";
    else if (await moveInto(this.#modulesDir, projectDir, "node_modules")) restored.push("node_modules");
    else modulesMiss = "the repository has its own node_modules";
    for (const relative of FRAMEWORK_CACHE_DIRS) {
      if (await moveInto(this.#frameworkDir(relative), projectDir, relative)) restored.push(relative);
    }
    return { restored, modulesMiss };
  }

  /** After a successful build: keeps node_modules and framework caches, then evicts over the limit. */
  async save(projectDir: string, key: string | null): Promise<SaveResult> {
    const saved: string[] = [];
    if (key && (await takeFrom(projectDir, "node_modules", this.#modulesDir))) {
      await writeFile(this.#keyFile, key);
      saved.push("node_modules");
    }
    for (const relative of FRAMEWORK_CACHE_DIRS) {
      if (await takeFrom(projectDir, relative, this.#frameworkDir(relative))) saved.push(relative);
    }
    let bytes = await treeBytes(this.dir);
    if (bytes > this.maxBytes) {
      // One project alone over the limit keeps only its package store, and not even that if it is still too big.
      await rm(this.#modulesDir, { recursive: true, force: true });
      await rm(path.join(this.dir, "dirs"), { recursive: true, force: true });
      saved.length = 0;
      bytes = await treeBytes(this.dir);
      if (bytes > this.maxBytes) await rm(this.packagesDir, { recursive: true, force: true });
      bytes = await treeBytes(this.dir);
    }
    await this.#writeMeta({ lastUsed: Date.now(), bytes });
    const evicted = await evictLeastRecentlyUsed(this.root, this.maxBytes, path.basename(this.dir));
    return { saved, bytes, evicted };
  }

  #frameworkDir(relative: string): string {
    return path.join(this.dir, "dirs", relative.replaceAll("/", "__"));
  }

  async #writeMeta(update: { lastUsed: number; bytes?: number }): Promise<void> {
    const file = path.join(this.dir, "meta.json");
    const previous = JSON.parse(await readFile(file, "utf8").catch(() => "{}")) as { bytes?: number };
    const temp = `${file}.${randomUUID()}`;
    await writeFile(temp, JSON.stringify({ bytes: previous.bytes ?? 0, ...update }));
    await rename(temp, file);
  }
}

/** The cache of one project, or null when caching is off (BUILD_CACHE_MB=0). */
export function projectCache(dataDir: string, projectId: string, maxMb: number): ProjectCache | null {
  if (maxMb <= 0) return null;
  if (!/^[0-9a-f-]{36}$/i.test(projectId)) throw new Error(`not a project id: ${projectId}`);
  const root = path.resolve(dataDir, "build-cache");
  return new ProjectCache(path.join(root, projectId), root, maxMb * 1024 * 1024);
}

async function isRealDirectory(target: string): Promise<boolean> {
  return (await lstat(target).catch(() => null))?.isDirectory() ?? false;
}

/** `base/relative` when every component exists as a real directory (no symlinks), else null. */
async function realDirectoryPath(base: string, relative: string): Promise<string | null> {
  let current = base;
  for (const part of relative.split("/")) {
    current = path.join(current, part);
    if (!(await isRealDirectory(current))) return null;
  }
  return current;
}

/** Moves a cached tree to `projectDir/relative` if nothing is there yet; parents are created, never followed through symlinks. */
async function moveInto(cached: string, projectDir: string, relative: string): Promise<boolean> {
  if (!(await isRealDirectory(cached))) return false;
  let parent = projectDir;
  for (const part of relative.split("/").slice(0, -1)) {
    parent = path.join(parent, part);
    const stat = await lstat(parent).catch(() => null);
    if (!stat) await mkdir(parent);
    else if (!stat.isDirectory()) return false; // a symlink or a file: leave it, and the cache, alone
  }
  const target = path.join(parent, path.basename(relative));
  if (await lstat(target).catch(() => null)) return false;
  await rename(cached, target);
  return true;
}

/** Moves `projectDir/relative` (a real directory) into the cache, replacing what was there. */
async function takeFrom(projectDir: string, relative: string, cached: string): Promise<boolean> {
  const source = await realDirectoryPath(projectDir, relative);
  if (!source) return false;
  await mkdir(path.dirname(cached), { recursive: true });
  // Out of the way first, so the rename below cannot meet a half-deleted tree.
  const stale = `${cached}.stale-${randomUUID()}`;
  await rename(cached, stale).catch(() => undefined);
  await rename(source, cached);
  await rm(stale, { recursive: true, force: true });
  return true;
}
