import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { GIT_SAFE_ARGS, gitEnvironment } from "@autostack/api/services";

const run = promisify(execFile);

export interface CloneOptions {
  url: string;
  branch: string;
  /** Absolute path of the (not yet existing or empty) checkout directory. */
  dir: string;
  /** Check out exactly this commit instead of the branch head. */
  commitHash?: string | null;
  /**
   * A pull request's preview: its head is fetched from the base repository's
   * refs/pull/<n>/head (a fork's commits are on no branch of it), and then
   * exactly commitHash when the pull request moved on since.
   */
  pullRequestNumber?: number | null;
  /** `-c` options for every git call (the address pin: the clone connects only to the address that was checked). */
  gitConfig?: string[];
  /** Allows file:// repositories (ALLOW_LOCAL_REPOS). */
  allowLocal?: boolean;
  /** Allows http:// (an operator's own GitHub at an http GITHUB_URL: the tests' stand-in). */
  allowHttp?: boolean;
  /** More environment for git: credentials as GIT_CONFIG_* (never in the URL or argv). */
  gitEnv?: Record<string, string>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ClonedCommit {
  hash: string;
  message: string;
  author: string;
}

export class CloneError extends Error {}

/**
 * A shallow clone of one branch with git, run through execFile (argv, no
 * shell), no prompts, a private HOME (no user config or credential helpers)
 * and only the https (or, locally, file) transport.
 */
export async function cloneRepository(options: CloneOptions): Promise<ClonedCommit> {
  const home = await mkdtemp(path.join(tmpdir(), "autostack-git-home-"));
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const git = async (args: string[], cwd?: string): Promise<string> => {
    const timeout = Math.max(1000, deadline - Date.now());
    try {
      const { stdout } = await run("git", [...GIT_SAFE_ARGS, ...(options.gitConfig ?? []), ...args], {
        cwd,
        timeout,
        killSignal: "SIGKILL",
        maxBuffer: 4 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
        env: { ...gitEnvironment(home, ["https", ...(options.allowHttp ? ["http"] : []), ...(options.allowLocal ? ["file"] : [])].join(":")), ...options.gitEnv },
      });
      return stdout;
    } catch (error) {
      const failure = error as { killed?: boolean; stderr?: string; name?: string };
      if (failure.name === "AbortError") throw error;
      if (failure.killed) throw new CloneError(`git ${args[0]} timed out`);
      // git's own verdict is its last "fatal:" line; advice lines may follow it.
      const lines = (failure.stderr ?? "").trim().split("\n").filter(Boolean);
      const detail = lines.findLast((line) => /^(fatal|error):/.test(line)) ?? lines.at(-1) ?? String(error);
      throw new CloneError(`git ${args[0]} failed: ${detail}`);
    }
  };
  try {
    if (options.commitHash && !/^[0-9a-f]{7,40}$/i.test(options.commitHash)) throw new CloneError(`invalid commit hash ${options.commitHash}`);
    if (options.pullRequestNumber != null) {
      await clonePullRequest(git, options, options.pullRequestNumber);
    } else {
      await git(["clone", "--depth", "1", "--branch", options.branch, "--single-branch", "--", options.url, options.dir]);
      if (options.commitHash) {
        await git(["fetch", "--depth", "1", "origin", options.commitHash], options.dir);
        await git(["checkout", "--detach", "FETCH_HEAD"], options.dir);
      }
    }
    const [hash = "", message = "", author = ""] = (await git(["log", "-1", "--format=%H%x00%s%x00%an"], options.dir)).trim().split("\0");
    return { hash, message, author };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

type Git = (args: string[], cwd?: string) => Promise<string>;

/** An empty repository with origin at the URL, then the pull request's head (or exactly commitHash) checked out detached. */
async function clonePullRequest(git: Git, options: CloneOptions, number: number): Promise<void> {
  if (!Number.isSafeInteger(number) || number <= 0) throw new CloneError(`invalid pull request number ${number}`);
  await git(["init", "-q", "--", options.dir]);
  await git(["remote", "add", "origin", "--", options.url], options.dir);
  await git(["fetch", "--depth", "1", "origin", `+refs/pull/${number}/head:refs/remotes/origin/pull/${number}`], options.dir);
  const head = (await git(["rev-parse", `refs/remotes/origin/pull/${number}`], options.dir)).trim();
  if (options.commitHash && !head.startsWith(options.commitHash.toLowerCase())) {
    // The pull request moved on after this deployment was queued: its commit is still reachable by hash.
    await git(["fetch", "--depth", "1", "origin", options.commitHash], options.dir);
    await git(["checkout", "-q", "--detach", "FETCH_HEAD"], options.dir);
    return;
  }
  await git(["checkout", "-q", "--detach", head], options.dir);
}
