import { chmod, chown, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SANDBOX_HOME, type SandboxFiles } from "./bubblewrap-sandbox.js";
import { removeStaleTempDirs } from "../../stale-temp-dirs.js";
import { BUILDER_GID, BUILDER_UID } from "../../work-dir.js";

// The per-step directory of a sandbox (its /etc/passwd, /etc/group and home),
// and the sweep of those that workers killed mid-step left behind.

export const FILES_PREFIX = "autostack-sandbox-";

/**
 * A per-step directory with the sandbox's /etc/passwd, /etc/group and home
 * (on disk: npm caches can be large), named after the worker's pid so that
 * the directories of a worker that was killed can be told apart.
 */
export async function makeSandboxFiles(asBuilder: boolean): Promise<SandboxFiles> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${FILES_PREFIX}${process.pid}-`));
  await chmod(dir, 0o755);
  const passwd = path.join(dir, "passwd");
  const group = path.join(dir, "group");
  const home = path.join(dir, "home");
  await writeFile(
    passwd,
    `root:x:0:0:root:/root:/bin/sh\nbuilder:x:${BUILDER_UID}:${BUILDER_GID}:builder:${SANDBOX_HOME}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n`,
    { mode: 0o644 },
  );
  await writeFile(group, `root:x:0:\nbuilder:x:${BUILDER_GID}:\nnogroup:x:65534:\n`, { mode: 0o644 });
  await mkdir(home, { mode: 0o700 });
  if (asBuilder) await chown(home, BUILDER_UID, BUILDER_GID);
  return { home, passwd, group };
}

/** Removes the per-step directories of workers that died mid-step (their process is gone). */
export function removeStaleSandboxFiles(): Promise<string[]> {
  return removeStaleTempDirs(FILES_PREFIX);
}
