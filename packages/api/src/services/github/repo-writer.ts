import type { Octokit } from "@octokit/core";
import type { Env } from "../../env.js";
import { userOctokit } from "./app-client.js";
import { GithubApiError, statusOf } from "./api-errors.js";
import { mintInstallationToken, type TokenScope } from "./installation-tokens.js";

// Writing to a repository as the App's installation (commit statuses, PR
// comments): a token minted for that one repository and the permissions the
// write needs, held in memory for the call only. GitHub's refusals that a
// retry cannot change (the repository or comment is gone, 422, no
// permission) end the job quietly; network failures, rate limits and 5xx
// throw for graphile-worker to retry. No error carries the token, a URL or
// GitHub's answer.

export type RepoWriterEnv = Pick<Env, "GITHUB_APP_ID" | "GITHUB_APP_PRIVATE_KEY" | "GITHUB_API_URL">;

export interface RepoLink {
  installationId: bigint;
  repositoryId: string;
  owner: string;
  name: string;
}

export type WriteResult<T> = { ok: true; value: T } | { ok: false; gaveUp: string };

const RETRYABLE = new Set([408, 429]);

function permanent(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && !RETRYABLE.has(status);
}

export async function writeAsInstallation<T>(
  env: RepoWriterEnv,
  link: RepoLink,
  permissions: TokenScope["permissions"],
  what: string,
  write: (octokit: Octokit) => Promise<T>,
): Promise<WriteResult<T>> {
  let token: string;
  try {
    ({ token } = await mintInstallationToken(env, Number(link.installationId), { repositoryIds: [Number(link.repositoryId)], permissions }));
  } catch (error) {
    const status = error instanceof GithubApiError ? error.githubStatus : undefined;
    if (permanent(status)) return { ok: false, gaveUp: `GitHub issued no installation token (HTTP ${status})` };
    throw error instanceof GithubApiError ? error : new GithubApiError("with an installation token", undefined);
  }
  try {
    return { ok: true, value: await write(userOctokit(env, token)) };
  } catch (error) {
    const status = statusOf(error);
    if (permanent(status)) return { ok: false, gaveUp: `GitHub refused ${what} (HTTP ${status})` };
    throw new GithubApiError(what, status);
  }
}

/** owner/name of a repository stored as its clone URL under GITHUB_URL; null for any other URL. */
export function repoOfCloneUrl(githubUrl: string, repository: string): { owner: string; name: string } | null {
  if (!repository.startsWith(`${githubUrl}/`)) return null;
  const match = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+?)(?:\.git)?$/.exec(repository.slice(githubUrl.length + 1));
  return match ? { owner: match[1]!, name: match[2]! } : null;
}

/** The installation and repository a deployment's project writes to; null when it is not linked to GitHub. */
export function repoLinkOf(
  env: Pick<Env, "GITHUB_URL">,
  project: { repository: string; githubRepoId: string | null; githubInstallationId: bigint | null; user: { githubConnection: { installationId: bigint | null } | null } },
): RepoLink | null {
  const repo = repoOfCloneUrl(env.GITHUB_URL, project.repository);
  // The owner's current installation first (as clones do); the one the project was linked through otherwise.
  const installationId = project.user.githubConnection?.installationId ?? project.githubInstallationId;
  if (!repo || !project.githubRepoId || installationId === null) return null;
  return { installationId, repositoryId: project.githubRepoId, ...repo };
}

export const repoLinkSelect = {
  repository: true,
  githubRepoId: true,
  githubInstallationId: true,
  user: { select: { githubConnection: { select: { installationId: true } } } },
} as const;
