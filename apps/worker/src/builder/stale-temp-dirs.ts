import { readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

// Per-step directories under the temporary directory (a sandbox's home and
// passwd, an egress proxy's socket) are named `<prefix><worker pid>-<random>`
// and removed by the step that made them. A worker killed mid-step cannot;
// the next step of any worker on the host removes those whose pid is gone.

/** Removes `<prefix><pid>-*` directories of processes that no longer run; returns their names. */
export async function removeStaleTempDirs(prefix: string): Promise<string[]> {
  const removed: string[] = [];
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\d+)-`);
  for (const name of await readdir(os.tmpdir()).catch(() => [] as string[])) {
    const pid = pattern.exec(name)?.[1];
    if (!pid || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    await rm(path.join(os.tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
