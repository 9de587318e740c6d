import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";
import path from "node:path";

// Reading a user's checkout on the worker host, outside any sandbox. The
// repository is hostile: `package.json` may be a symlink to /dev/zero or to a
// host secret, a FIFO that blocks forever, or a gigabyte of JSON. Only regular
// files, opened without following a symlink (O_NOFOLLOW) or blocking
// (O_NONBLOCK), and only up to a size cap are ever read. Everything else reads
// as "absent", so its existence on the host leaks nowhere.

/** Cap for package.json, .yarnrc.yml and other small configuration files. */
export const SMALL_FILE_MAX_BYTES = 1024 * 1024;
/** Cap for lockfiles, which are hashed (build cache key), never parsed whole. */
export const LOCKFILE_MAX_BYTES = 64 * 1024 * 1024;

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** A plain relative path inside `dir` whose every component is a real directory (no symlink), or null. */
async function safePath(dir: string, relative: string): Promise<string | null> {
  const parts = relative.split("/");
  if (relative === "" || path.isAbsolute(relative) || parts.some((part) => part === "" || part === "." || part === "..")) return null;
  let current = dir;
  for (const part of parts.slice(0, -1)) {
    current = path.join(current, part);
    const stat = await lstat(current).catch(() => null);
    if (!stat?.isDirectory()) return null;
  }
  return path.join(current, parts.at(-1)!);
}

/** Streams a regular file to `onChunk`; false when it is absent, not regular, or larger than `maxBytes`. */
async function readRegular(dir: string, relative: string, maxBytes: number, onChunk: (chunk: Buffer) => void): Promise<boolean> {
  const file = await safePath(dir, relative);
  if (!file) return false;
  const handle = await open(file, OPEN_FLAGS).catch(() => null);
  if (!handle) return false;
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > maxBytes) return false;
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(stat.size, 1), 1024 * 1024));
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return true;
      total += bytesRead;
      if (total > maxBytes) return false; // grew while being read
      onChunk(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}

/** The text of a small regular file, or null (absent, a symlink, a device, too large). */
export async function readSmallFile(dir: string, relative: string, maxBytes = SMALL_FILE_MAX_BYTES): Promise<string | null> {
  const chunks: Buffer[] = [];
  const ok = await readRegular(dir, relative, maxBytes, (chunk) => chunks.push(Buffer.from(chunk)));
  return ok ? Buffer.concat(chunks).toString("utf8") : null;
}

/** Whether `relative` is a regular file inside `dir` (never a symlink). */
export async function isRegularFile(dir: string, relative: string): Promise<boolean> {
  const file = await safePath(dir, relative);
  if (!file) return false;
  const stat = await lstat(file).catch(() => null);
  return stat?.isFile() ?? false;
}

/** SHA-256 (hex) of a regular file up to `maxBytes`, or null. */
export async function hashFile(dir: string, relative: string, maxBytes = LOCKFILE_MAX_BYTES): Promise<string | null> {
  const hash = createHash("sha256");
  const ok = await readRegular(dir, relative, maxBytes, (chunk) => hash.update(chunk));
  return ok ? hash.digest("hex") : null;
}

/** package.json parsed as an object, or null when absent, unreadable or not a JSON object. */
export async function readPackageJson(dir: string): Promise<Record<string, unknown> | null> {
  const text = await readSmallFile(dir, "package.json");
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
