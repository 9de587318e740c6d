import { lstat, realpath } from "node:fs/promises";
import path from "node:path";

/** Thrown for an expected failure whose message is the deployment's error message. */
export class BuildFailure extends Error {}

/** The real path of `relative` below `root`; fails unless it is a directory that stays inside. */
export async function insideDirectory(root: string, relative: string, what: string): Promise<string> {
  if (path.isAbsolute(relative)) throw new BuildFailure(`${what} must be relative: ${relative}`);
  let resolved: string;
  try {
    resolved = await realpath(path.resolve(root, relative));
  } catch {
    throw new BuildFailure(`${what} "${relative}" does not exist`);
  }
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw new BuildFailure(`${what} "${relative}" is outside the repository`);
  if (!(await lstat(resolved)).isDirectory()) throw new BuildFailure(`${what} "${relative}" is not a directory`);
  return resolved;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
