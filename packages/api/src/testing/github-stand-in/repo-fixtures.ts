import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { StandInRepo, StandInState } from "./state.js";

// A repository for the stand-in to serve: a bare git repository on disk with
// one commit on its default branch (and any extra branches), registered in
// the state. The caller removes `root` when done.

const run = promisify(execFile);

export interface FixtureRepoOptions {
  id: number;
  owner: string;
  name: string;
  files?: Record<string, string>;
  defaultBranch?: string;
  /** More branches, each pointing at the same commit. */
  branches?: string[];
  private?: boolean;
  /** Where to put it (a fresh temporary directory by default). */
  root?: string;
}

export async function createFixtureRepo(state: StandInState, options: FixtureRepoOptions): Promise<StandInRepo & { root: string; commit: string }> {
  const root = options.root ?? (await mkdtemp(path.join(tmpdir(), "autostack-stand-in-repo-")));
  const work = path.join(root, `${options.name}-work`);
  const gitDir = path.join(root, `${options.owner}--${options.name}.git`);
  const branch = options.defaultBranch ?? "main";
  const files = options.files ?? { "index.html": `<h1>${options.owner}/${options.name}</h1>\n` };
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, file)), { recursive: true });
    await writeFile(path.join(work, file), content);
  }
  const git = (cwd: string, ...args: string[]) =>
    run("git", ["-c", "user.name=Stand-in Author", "-c", "user.email=stand-in@example.com", "-c", `init.defaultBranch=${branch}`, ...args], { cwd });
  await git(work, "init", "-q");
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", `Initial ${options.name}`);
  for (const extra of options.branches ?? []) await git(work, "branch", extra);
  await git(root, "clone", "-q", "--bare", work, gitDir);
  const commit = (await git(work, "rev-parse", "HEAD")).stdout.trim();
  const repo: StandInRepo = { id: options.id, owner: options.owner, name: options.name, defaultBranch: branch, private: options.private ?? true, gitDir };
  state.repos = [...state.repos.filter((r) => r.id !== repo.id), repo];
  return { ...repo, root, commit };
}

export interface PullRequestRefOptions {
  number: number;
  files: Record<string, string>;
  message?: string;
}

/**
 * A pull request's head as GitHub keeps it in the base repository:
 * refs/pull/<n>/head, a commit on top of the default branch that no branch
 * of the repository contains (as a fork's commit is). Returns its hash.
 */
export async function addPullRequestRef(repo: { gitDir: string; defaultBranch: string }, options: PullRequestRefOptions): Promise<string> {
  const work = await mkdtemp(path.join(tmpdir(), "autostack-stand-in-pr-"));
  const git = (...args: string[]) => run("git", ["-c", "user.name=Fork Author", "-c", "user.email=fork@example.com", ...args], { cwd: work });
  try {
    await git("clone", "-q", "--branch", repo.defaultBranch, repo.gitDir, ".");
    for (const [file, content] of Object.entries(options.files)) {
      await mkdir(path.dirname(path.join(work, file)), { recursive: true });
      await writeFile(path.join(work, file), content);
    }
    await git("add", "-A");
    await git("commit", "-q", "-m", options.message ?? `Pull request #${options.number}`);
    await git("push", "-q", "origin", `HEAD:refs/pull/${options.number}/head`);
    return (await git("rev-parse", "HEAD")).stdout.trim();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
