import { lstat, opendir, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";

// Keeps all projects' build caches together under BUILD_CACHE_MB: the least
// recently used go first. Each project's meta.json records its size (measured
// when it was last saved) and its last use (when a build opened it), so
// eviction reads a few small files instead of walking every tree.

/** A cache used this recently may have a build running on it right now: never evicted. */
export const IN_USE_GRACE_MS = 30 * 60 * 1000;

interface Entry {
  name: string;
  bytes: number;
  lastUsed: number;
}

/** Bytes of the regular files below `dir`, never following symlinks. */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const directory = await opendir(current).catch(() => null);
    if (!directory) continue;
    for await (const entry of directory) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) total += (await lstat(full).catch(() => null))?.size ?? 0;
    }
  }
  return total;
}

async function readEntries(root: string): Promise<Entry[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const entries: Entry[] = [];
  for (const name of names) {
    if (name.startsWith(".")) continue;
    const meta = await readFile(path.join(root, name, "meta.json"), "utf8").catch(() => null);
    const parsed = meta ? (JSON.parse(meta) as Partial<Entry>) : {};
    entries.push({ name, bytes: Number(parsed.bytes) || 0, lastUsed: Number(parsed.lastUsed) || 0 });
  }
  return entries;
}

/**
 * Removes whole project caches, oldest use first, until the total is within
 * `maxBytes`. `keep` (the project just saved) and caches in use are spared.
 * Returns how many were removed.
 */
export async function evictLeastRecentlyUsed(root: string, maxBytes: number, keep: string, now = Date.now()): Promise<number> {
  const entries = await readEntries(root);
  let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  let evicted = 0;
  for (const entry of entries.sort((a, b) => a.lastUsed - b.lastUsed)) {
    if (total <= maxBytes) break;
    if (entry.name === keep || now - entry.lastUsed < IN_USE_GRACE_MS) continue;
    // Renamed first: a build that opens this project meanwhile starts from an empty cache, never a half-deleted one.
    const doomed = path.join(root, `.evicted-${entry.name}-${now}`);
    if (await rename(path.join(root, entry.name), doomed).then(() => true, () => false)) {
      await rm(doomed, { recursive: true, force: true });
      total -= entry.bytes;
      evicted += 1;
    }
  }
  return evicted;
}
