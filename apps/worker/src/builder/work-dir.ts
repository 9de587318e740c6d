import { type Stats } from "node:fs";
import { chmod, lchown, lstat, opendir } from "node:fs/promises";
import path from "node:path";

/** The uid/gid the builder image runs builds as (its `builder` user). */
export const BUILDER_UID = 1000;
export const BUILDER_GID = 1000;

/**
 * Hands a host work directory (checkout + output) to the container's builder user.
 *
 * The worker makes the checkout on the host, usually as root, but the build
 * runs as uid 1000 and must write everywhere in it (node_modules, dist, files
 * that tools rewrite in place). We **chown** the tree to 1000:1000 rather than
 * chmod it 0777: only the builder gets write access, not every account on the
 * host, and the files the build creates have the same owner as the rest.
 *
 * Symlinks are changed with lchown and never followed: a repository may
 * contain a link to /etc/shadow, and following it would give the builder that
 * file. Call this only while no container uses the directory.
 *
 * A worker that is not root cannot chown. If it runs as uid 1000 there is
 * nothing to do; otherwise (a developer machine) the tree is made
 * world-writable instead, the one case where chmod is the only option.
 */
export async function prepareWorkDir(dir: string, uid = currentUid()): Promise<void> {
  if (!path.isAbsolute(dir)) throw new Error(`work directory must be an absolute path: ${dir}`);
  const stat = await lstat(dir);
  if (!stat.isDirectory()) throw new Error(`work directory is not a directory: ${dir}`);
  if (uid === 0) await chownTree(dir);
  else if (uid !== BUILDER_UID) await openTree(dir);
}

function currentUid(): number {
  return process.getuid?.() ?? BUILDER_UID;
}

async function chownTree(dir: string): Promise<void> {
  for await (const [target, stat] of walk(dir)) {
    // Most entries are already the builder's after the first step: skip them.
    if (stat.uid !== BUILDER_UID || stat.gid !== BUILDER_GID) await lchown(target, BUILDER_UID, BUILDER_GID);
  }
}

async function openTree(dir: string): Promise<void> {
  for await (const [target, stat] of walk(dir)) {
    if (stat.isSymbolicLink()) continue;
    const wanted = (stat.mode | (stat.isDirectory() || stat.mode & 0o111 ? 0o777 : 0o666)) & 0o7777;
    if ((stat.mode & 0o7777) !== wanted) await chmod(target, wanted);
  }
}

/** Every path under `dir` (itself included) with its lstat, never following symlinks. */
async function* walk(dir: string): AsyncGenerator<[string, Stats]> {
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    const stat = await lstat(current);
    yield [current, stat];
    if (!stat.isDirectory()) continue;
    for await (const entry of await opendir(current)) pending.push(path.join(current, entry.name));
  }
}
