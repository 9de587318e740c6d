import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { DiskQuotaExceeded, diskUsage, watchDiskQuota, type DiskQuotaWatch } from "./disk-quota.js";

const KiB = 1024;
const MiB = 1024 * KiB;

const dirs: string[] = [];
const watches: DiskQuotaWatch[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "autostack-disk-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const watch of watches.splice(0)) watch.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function aborted(signal: AbortSignal, withinMs: number): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), withinMs);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve(true)), { once: true });
  });
}

describe("diskUsage", () => {
  it("counts the files in every directory below, at least their size", async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, "a/b/c"), { recursive: true });
    writeFileSync(path.join(dir, "top"), Buffer.alloc(100 * KiB, 1));
    writeFileSync(path.join(dir, "a/b/c/deep"), Buffer.alloc(300 * KiB, 1));
    const used = await diskUsage(dir, Infinity);
    expect(used).toBeGreaterThanOrEqual(400 * KiB);
    expect(used).toBeLessThan(400 * KiB + 64 * KiB); // plus a few blocks for the directories
  });

  it("does not follow or count symlinks to big files or directories outside", async () => {
    const host = tempDir();
    writeFileSync(path.join(host, "big"), Buffer.alloc(8 * MiB, 1));
    const dir = tempDir();
    symlinkSync(path.join(host, "big"), path.join(dir, "link-to-file"));
    symlinkSync(host, path.join(dir, "link-to-dir"));
    expect(await diskUsage(host, Infinity)).toBeGreaterThanOrEqual(8 * MiB);
    expect(await diskUsage(dir, Infinity)).toBeLessThan(64 * KiB);
  });

  it("stops walking as soon as the total passes the limit", async () => {
    const dir = tempDir();
    for (let i = 0; i < 40; i += 1) writeFileSync(path.join(dir, `f${i}`), Buffer.alloc(256 * KiB, 1));
    const all = await diskUsage(dir, Infinity);
    expect(all).toBeGreaterThanOrEqual(40 * 256 * KiB);
    const stopped = await diskUsage(dir, 300 * KiB);
    // Over the limit by one file at most: the other 38 were never looked at.
    expect(stopped).toBeGreaterThan(300 * KiB);
    expect(stopped).toBeLessThanOrEqual(2 * 256 * KiB + 8 * KiB);
  });

  it("counts a file with several hard links once", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "original"), Buffer.alloc(1 * MiB, 1));
    for (let i = 0; i < 5; i += 1) linkSync(path.join(dir, "original"), path.join(dir, `link${i}`));
    expect(await diskUsage(dir, Infinity)).toBeLessThan(1 * MiB + 64 * KiB);
  });

  it("counts a sparse file at its size, not only the blocks it has", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "sparse"), "");
    truncateSync(path.join(dir, "sparse"), 64 * MiB);
    expect(await diskUsage(dir, Infinity)).toBeGreaterThanOrEqual(64 * MiB);
  });

  it("measures a directory that does not exist (yet) as empty", async () => {
    expect(await diskUsage(path.join(tempDir(), "missing"), Infinity)).toBe(0);
  });
});

describe("watchDiskQuota", () => {
  it("aborts its signal once a growing directory passes the limit, and not before", async () => {
    const dir = tempDir();
    const watch = watchDiskQuota({ dir, limitBytes: 1 * MiB, intervalMs: 20 });
    watches.push(watch);
    writeFileSync(path.join(dir, "part1"), Buffer.alloc(600 * KiB, 1));
    expect(await aborted(watch.signal, 200)).toBe(false);
    expect(watch.exceeded()).toBe(false);

    const crossed = performance.now();
    writeFileSync(path.join(dir, "part2"), Buffer.alloc(600 * KiB, 1));
    expect(await aborted(watch.signal, 2000)).toBe(true);
    expect(performance.now() - crossed).toBeLessThan(1000);
    expect(watch.exceeded()).toBe(true);
    expect(watch.signal.reason).toBeInstanceOf(DiskQuotaExceeded);
  });

  it("adds what the build holds elsewhere (the container's writable layer)", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, "small"), Buffer.alloc(600 * KiB, 1));
    let layer = 0;
    const watch = watchDiskQuota({ dir, limitBytes: 1 * MiB, intervalMs: 20, otherUsage: async () => layer });
    watches.push(watch);
    expect(await aborted(watch.signal, 200)).toBe(false);
    layer = 600 * KiB;
    expect(await aborted(watch.signal, 2000)).toBe(true);
  });

  it("counts what the build adds to an included directory (the build cache), not what was there before", async () => {
    const dir = tempDir();
    const cache = tempDir();
    writeFileSync(path.join(cache, "from-earlier-builds"), Buffer.alloc(3 * MiB, 1));
    const watch = watchDiskQuota({ dir, limitBytes: 1 * MiB, intervalMs: 20 });
    watches.push(watch);
    await watch.include(cache);
    writeFileSync(path.join(cache, "this-build"), Buffer.alloc(600 * KiB, 1));
    expect(await aborted(watch.signal, 200)).toBe(false);
    writeFileSync(path.join(cache, "this-build-too"), Buffer.alloc(600 * KiB, 1));
    expect(await aborted(watch.signal, 2000)).toBe(true);
  });

  it("treats a failing measurement of the layer as unknown, not as over", async () => {
    const dir = tempDir();
    let calls = 0;
    const watch = watchDiskQuota({
      dir,
      limitBytes: 1 * MiB,
      intervalMs: 20,
      otherUsage: async () => {
        calls += 1;
        throw new Error("engine unreachable");
      },
    });
    watches.push(watch);
    expect(await aborted(watch.signal, 200)).toBe(false);
    expect(calls).toBeGreaterThan(1); // and it keeps measuring
  });

  it("check() measures at once: what was written since the last measurement counts at the end", async () => {
    const dir = tempDir();
    const watch = watchDiskQuota({ dir, limitBytes: 1 * MiB, intervalMs: 3_600_000 });
    watches.push(watch);
    expect(await watch.check()).toBe(false);
    writeFileSync(path.join(dir, "late"), Buffer.alloc(2 * MiB, 1));
    expect(watch.exceeded()).toBe(false);
    expect(await watch.check()).toBe(true);
    expect(watch.signal.aborted).toBe(true);
  });

  it("measures nothing more once stopped", async () => {
    const dir = tempDir();
    let calls = 0;
    const watch = watchDiskQuota({ dir, limitBytes: 1 * MiB, intervalMs: 10, otherUsage: async () => (calls += 1, 0) });
    await delay(100);
    watch.stop();
    await delay(30); // a measurement under way finishes
    const seen = calls;
    expect(seen).toBeGreaterThan(0);
    writeFileSync(path.join(dir, "after"), Buffer.alloc(2 * MiB, 1));
    await delay(150);
    expect(calls).toBe(seen);
    expect(watch.exceeded()).toBe(false);
  });
});
