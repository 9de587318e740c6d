import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cacheKey, projectCache } from "./build-cache.js";
import { evictLeastRecentlyUsed, IN_USE_GRACE_MS } from "./cache-eviction.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "autostack-cache-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const PROJECT_A = "00000000-0000-4000-8000-00000000000a";
const PROJECT_B = "00000000-0000-4000-8000-00000000000b";
const key = (hash: string) => cacheKey({ manifestHash: hash, nodeMajor: "20", installCommand: "npm ci", rootDirectory: null });

/** A checkout after a build: node_modules with a package, and Next's cache. */
function builtProject(): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, "node_modules/left-pad"), { recursive: true });
  writeFileSync(path.join(dir, "node_modules/left-pad/index.js"), "module.exports = 1;\n");
  mkdirSync(path.join(dir, ".next/cache/webpack"), { recursive: true });
  writeFileSync(path.join(dir, ".next/cache/webpack/0.pack"), "x".repeat(1000));
  return dir;
}

describe("project build cache", () => {
  it("gives the next build of the same lockfile its node_modules and framework caches back", async () => {
    const data = tempDir();
    const cache = projectCache(data, PROJECT_A, 100)!;
    await cache.open();
    const first = builtProject();
    const saved = await cache.save(first, key("lock-1"));
    expect(saved.saved).toEqual(["node_modules", ".next/cache"]);
    expect(saved.bytes).toBeGreaterThan(1000);
    expect(existsSync(path.join(first, "node_modules"))).toBe(false); // moved, not copied

    const second = tempDir();
    const restored = await projectCache(data, PROJECT_A, 100)!.restore(second, key("lock-1"));
    expect(restored).toEqual({ restored: ["node_modules", ".next/cache"], modulesMiss: null });
    expect(readFileSync(path.join(second, "node_modules/left-pad/index.js"), "utf8")).toContain("module.exports");
    expect(existsSync(path.join(second, ".next/cache/webpack/0.pack"))).toBe(true);
  });

  it("does not restore node_modules for another lockfile, Node.js major or project", async () => {
    const data = tempDir();
    await projectCache(data, PROJECT_A, 100)!.save(builtProject(), key("lock-1"));
    const changed = await projectCache(data, PROJECT_A, 100)!.restore(tempDir(), key("lock-2"));
    expect(changed.restored).toEqual([".next/cache"]);
    expect(changed.modulesMiss).toMatch(/lockfile/);
    const node22 = cacheKey({ manifestHash: "lock-1", nodeMajor: "22", installCommand: "npm ci", rootDirectory: null });
    expect(node22).not.toBe(key("lock-1"));
    const other = await projectCache(data, PROJECT_B, 100)!.restore(tempDir(), key("lock-1"));
    expect(other.restored).toEqual([]);
  });

  it("never moves anything through a symlink the repository planted", async () => {
    const data = tempDir();
    await projectCache(data, PROJECT_A, 100)!.save(builtProject(), key("lock-1"));
    const victim = tempDir();
    writeFileSync(path.join(victim, "keep.txt"), "host file");
    const checkout = tempDir();
    symlinkSync(victim, path.join(checkout, ".next")); // .next → a host directory
    symlinkSync(victim, path.join(checkout, "node_modules"));
    const result = await projectCache(data, PROJECT_A, 100)!.restore(checkout, key("lock-1"));
    expect(result.restored).toEqual([]);
    expect(existsSync(path.join(victim, "cache"))).toBe(false);

    // Saving from such a checkout takes nothing either: the host directory stays where it is.
    const saved = await projectCache(data, PROJECT_A, 100)!.save(checkout, key("lock-1"));
    expect(saved.saved).toEqual([]);
    expect(readFileSync(path.join(victim, "keep.txt"), "utf8")).toBe("host file");
    expect(lstatSync(path.join(checkout, "node_modules")).isSymbolicLink()).toBe(true);
  });

  it("drops a project's node_modules when it alone is over the limit", async () => {
    const data = tempDir();
    const project = builtProject();
    writeFileSync(path.join(project, "node_modules/left-pad/big.bin"), Buffer.alloc(2 * 1024 * 1024));
    const result = await projectCache(data, PROJECT_A, 1)!.save(project, key("lock-1"));
    expect(result.saved).toEqual([]);
    expect(result.bytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it("is off with BUILD_CACHE_MB=0 and refuses a path that is not a project id", () => {
    expect(projectCache(tempDir(), PROJECT_A, 0)).toBeNull();
    expect(() => projectCache(tempDir(), "../../etc", 10)).toThrow(/not a project id/);
  });

  it("has no key when the lockfile could not be read", () => {
    expect(cacheKey({ manifestHash: null, nodeMajor: "20", installCommand: "npm ci", rootDirectory: null })).toBeNull();
  });
});

describe("LRU eviction over all projects", () => {
  function fakeProject(root: string, name: string, bytes: number, lastUsed: number) {
    mkdirSync(path.join(root, name), { recursive: true });
    writeFileSync(path.join(root, name, "meta.json"), JSON.stringify({ bytes, lastUsed }));
  }

  it("removes the least recently used caches first, sparing the one just saved and those in use", async () => {
    const root = tempDir();
    const now = Date.now();
    const old = now - 3 * IN_USE_GRACE_MS;
    fakeProject(root, "oldest", 400, old - 2000);
    fakeProject(root, "older", 400, old - 1000);
    fakeProject(root, "busy", 400, now - 1000);
    fakeProject(root, "current", 400, old - 5000);
    const evicted = await evictLeastRecentlyUsed(root, 1000, "current", now);
    expect(evicted).toBe(2);
    expect(existsSync(path.join(root, "oldest"))).toBe(false);
    expect(existsSync(path.join(root, "older"))).toBe(false);
    expect(existsSync(path.join(root, "busy"))).toBe(true);
    expect(existsSync(path.join(root, "current"))).toBe(true);
  });

  it("evicts nothing while under the limit", async () => {
    const root = tempDir();
    fakeProject(root, "a", 10, 0);
    utimesSync(path.join(root, "a"), 0, 0);
    expect(await evictLeastRecentlyUsed(root, 1000, "b")).toBe(0);
    expect(existsSync(path.join(root, "a"))).toBe(true);
  });
});
