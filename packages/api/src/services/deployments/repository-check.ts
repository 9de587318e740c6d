import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Database } from "@autostack/db";
import type { Env } from "../../env.js";
import { ValidationError } from "../../errors.js";
import { parseRepository } from "../../domain/deployments/validation.js";
import { GitFailure, runGit } from "../frameworks/git-process.js";
import { consumeRateLimit } from "../rate-limit.js";
import { resolveRepository } from "./enqueue.js";
import { GIT_SAFE_ARGS, gitEnvironment } from "./git-environment.js";
import { checkRepositoryAddress, pinnedGitConfig, type Lookup } from "./repository-address.js";

// Before anything is queued (POST /deployments, and the deploy wizard's first
// step through deployment.checkRepository): does the repository answer, and
// does it have the branch? One `git ls-remote` under the clone's own rules —
// the repository policy (resolveRepository: ALLOW_LOCAL_REPOS), public hosts
// only unless ALLOW_PRIVATE_NETWORK_REPOS, the connection pinned to the
// address checked and no redirect followed (repository-address.ts), git run
// with no prompt, no credential helper and no configuration of the server's
// (git-environment.ts) — with a deadline and its output capped. Nothing is
// downloaded but the one ref line asked for.

export const CHECK_TIMEOUT_MS = 15_000;
const LS_REMOTE_MAX_BYTES = 64 * 1024;

export const REPOSITORY_UNREACHABLE = "Repository not found or not reachable";

export interface RepositoryCheckDeps {
  env: Pick<Env, "ALLOW_LOCAL_REPOS" | "ALLOW_PRIVATE_NETWORK_REPOS">;
}

export interface RepositoryCheckInput {
  repository: string;
  branch: string;
}

/** `checked: false`: a GitHub "owner/name" reference, which the GitHub integration answers for (services/github). */
export type RepositoryCheckResult = { checked: true; repository: string; branch: string } | { checked: false; repository: string; branch: string };

export interface RepositoryCheckOptions {
  timeoutMs?: number;
  lookup?: Lookup;
}

function repositoryError(message: string): ValidationError {
  return new ValidationError(message, { repository: message });
}

export function branchNotFound(branch: string): ValidationError {
  const message = `Branch "${branch}" not found`;
  return new ValidationError(message, { branch: message });
}

/**
 * Throws a ValidationError on `repository` (unreachable, not a repository,
 * refused by the address rules) or on `branch` (the repository answered
 * without it). GitHub "owner/name" references pass unchecked here.
 */
export async function checkRepository(deps: RepositoryCheckDeps, input: RepositoryCheckInput, options: RepositoryCheckOptions = {}): Promise<RepositoryCheckResult> {
  const parsed = parseRepository(input.repository);
  if (parsed.ok && parsed.value.kind === "github") return { checked: false, repository: parsed.value.url, branch: input.branch };
  const repo = resolveRepository(deps.env, input.repository);
  const pin = await checkRepositoryAddress(repo.url, { allowPrivate: deps.env.ALLOW_PRIVATE_NETWORK_REPOS, ...(options.lookup ? { lookup: options.lookup } : {}) });
  const timeoutMs = options.timeoutMs ?? CHECK_TIMEOUT_MS;
  const base = await mkdtemp(path.join(tmpdir(), "autostack-ls-remote-"));
  let output: Buffer;
  try {
    output = await runGit({
      args: [...GIT_SAFE_ARGS, ...pinnedGitConfig(pin), "ls-remote", "--heads", "--", repo.url, `refs/heads/${input.branch}`],
      env: gitEnvironment(base, repo.url.startsWith("file:") ? "file" : "https"),
      cwd: base,
      deadline: Date.now() + timeoutMs,
      maxStdout: LS_REMOTE_MAX_BYTES,
    });
  } catch (error) {
    if (!(error instanceof GitFailure)) throw error;
    if (error.reason === "timeout") throw repositoryError(`The repository did not answer within ${Math.round(timeoutMs / 1000)} s`);
    throw repositoryError(REPOSITORY_UNREACHABLE);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
  const wanted = `refs/heads/${input.branch}`;
  const found = output.toString("utf8").split("\n").some((line) => line.split("\t")[1] === wanted);
  if (!found) throw branchNotFound(input.branch);
  return { checked: true, repository: repo.url, branch: input.branch };
}

/**
 * What POST /deployments runs before the quota is charged or a project is
 * written: the whole check when REPOSITORY_CHECK is on (the default), else
 * only the address rules, leaving a host that does not resolve to the clone.
 */
export async function checkBeforeQueueing(deps: RepositoryCheckDeps & { env: Pick<Env, "REPOSITORY_CHECK"> }, input: RepositoryCheckInput): Promise<void> {
  if (deps.env.REPOSITORY_CHECK) {
    await checkRepository(deps, input);
    return;
  }
  const parsed = parseRepository(input.repository);
  if (parsed.ok && parsed.value.kind !== "github") await checkRepositoryAddress(parsed.value.url, { allowPrivate: deps.env.ALLOW_PRIVATE_NETWORK_REPOS, unresolvedOk: true });
}

export const CHECKS_PER_MINUTE = 30;

/** deployment.checkRepository: the check for one user, at most CHECKS_PER_MINUTE a minute (each starts a git process). */
export async function checkRepositoryFor(deps: RepositoryCheckDeps & { db: Database }, userId: string, input: RepositoryCheckInput): Promise<RepositoryCheckResult> {
  await consumeRateLimit(deps.db, {
    key: `check-repository:${userId}`,
    limit: CHECKS_PER_MINUTE,
    windowSeconds: 60,
    message: `At most ${CHECKS_PER_MINUTE} repository checks per minute`,
  });
  return checkRepository(deps, input);
}
