import { spawn } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

// One git command on hostile input: an argument vector (never a shell), in a
// process group of its own so that a deadline or a limit stops git and every
// helper it started (remote-https, fetch-pack, index-pack) at once, with its
// output and, for a clone, the size of what it writes to disk capped.

const STDERR_MAX_CHARS = 64 * 1024;
const DISK_POLL_MS = 200;

export type GitFailureReason = "failed" | "timeout" | "output" | "disk";

export class GitFailure extends Error {
  constructor(
    /** git's stderr (truncated). */
    readonly stderr: string,
    readonly reason: GitFailureReason,
  ) {
    super(`git ${reason}`);
  }
}

export interface GitCommand {
  args: string[];
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Epoch ms by which git must have finished. */
  deadline: number;
  /** Bytes of stdout kept; more stops git ("output"). */
  maxStdout: number;
  /** Stops git ("disk") once the files in this directory hold more than `maxBytes`. */
  diskLimit?: { dir: string; maxBytes: number };
}

/** Bytes of the regular files directly in `dir` (0 while it does not exist). */
export async function directoryBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(names.map((name) => stat(path.join(dir, name)).then((s) => (s.isFile() ? s.size : 0), () => 0)));
  return sizes.reduce((sum, size) => sum + size, 0);
}

export function runGit(command: GitCommand): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (command.deadline - Date.now() <= 0) return reject(new GitFailure("", "timeout"));
    const child = spawn("git", command.args, { cwd: command.cwd, env: command.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = "";
    let stopped: GitFailureReason | null = null;
    let settled = false;

    const stop = (reason: GitFailureReason) => {
      stopped ??= reason;
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // The group is already gone.
      }
    };
    const timer = setTimeout(() => stop("timeout"), command.deadline - Date.now());
    let polling = false;
    const disk = command.diskLimit;
    const poll = disk
      ? setInterval(() => {
          if (polling) return;
          polling = true;
          void directoryBytes(disk.dir)
            .then((bytes) => bytes > disk.maxBytes && stop("disk"))
            .finally(() => (polling = false));
        }, DISK_POLL_MS)
      : undefined;

    const settle = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      if (code === 0 && stopped === null) resolve(Buffer.concat(stdout));
      else reject(new GitFailure(stderr, stopped ?? "failed"));
    };

    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > command.maxStdout) stop("output");
      else stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < STDERR_MAX_CHARS) stderr += chunk.toString("utf8").slice(0, STDERR_MAX_CHARS - stderr.length);
    });
    child.on("error", (error) => {
      stderr ||= `fatal: ${error.message}`;
      settle(null);
    });
    child.on("close", settle);
  });
}
