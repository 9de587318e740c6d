import type { Deps } from "../deps.js";
import { basicAuthGitConfig, gitConfigEnvironment } from "../deployments/git-environment.js";
import { mintInstallationToken } from "./installation-tokens.js";

// How the worker clones a repository of a user's GitHub App installation:
// with a fresh installation token for that one repository (contents:read),
// minted at clone time and handed to git through its environment as HTTP
// Basic `x-access-token:<token>` — never in the URL, argv, a log line, an
// error, the database or the job payload. GITHUB_URL is the operator's own
// setting, so it is trusted even on a private or loopback address (GitHub
// Enterprise on the office network, the tests' stand-in).

export class GithubCloneAccessError extends Error {
  override name = "GithubCloneAccessError";
}

export interface GithubCloneAccess {
  /** Extra environment for every git process of the clone. */
  gitEnv: Record<string, string>;
  /** Transports git may use: http too when GITHUB_URL is http (a local stand-in). */
  allowHttp: boolean;
}

/** Null when the project's repository is not one of a GitHub App installation (a plain Git URL). */
export async function githubCloneAccess(deps: Pick<Deps, "db" | "env">, projectId: string, repositoryUrl: string): Promise<GithubCloneAccess | null> {
  const { env } = deps;
  const project = await deps.db.project.findUnique({
    where: { id: projectId },
    select: { githubRepoId: true, user: { select: { githubConnection: { select: { installationId: true, suspendedAt: true } } } } },
  });
  if (!project?.githubRepoId || !repositoryUrl.startsWith(`${env.GITHUB_URL}/`)) return null;
  const installationId = project.user.githubConnection?.installationId;
  if (!installationId) throw new GithubCloneAccessError("GitHub is not connected: connect it again in Settings → GitHub to deploy this repository");
  if (project.user.githubConnection?.suspendedAt) {
    throw new GithubCloneAccessError("The GitHub App's installation is suspended: unsuspend it on GitHub to deploy this repository");
  }
  if (!env.githubAppConfigured) throw new GithubCloneAccessError("The GitHub App is not configured on this server");
  return repositoryReadAccess(env, installationId, project.githubRepoId);
}

/** A fresh token that reads one repository of an installation, as git's environment (for a clone or a detection). */
export async function repositoryReadAccess(env: Deps["env"], installationId: bigint | number, repositoryId: string): Promise<GithubCloneAccess> {
  const { token } = await mintInstallationToken(env, Number(installationId), { repositoryIds: [Number(repositoryId)] }).catch((error: unknown) => {
    throw new GithubCloneAccessError(error instanceof Error ? error.message : "GitHub did not issue an installation token");
  });
  return {
    gitEnv: gitConfigEnvironment([basicAuthGitConfig(env.GITHUB_URL, "x-access-token", token)]),
    allowHttp: env.GITHUB_URL.startsWith("http://"),
  };
}
