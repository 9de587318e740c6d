import type { Octokit } from "@octokit/core";
import { githubApp, type GithubAppEnv } from "./app-client.js";
import { githubCall } from "./api-errors.js";

// Installation access tokens: an hour-long credential for one installation,
// minted with the App's JWT. The worker mints one per clone, scoped to the
// one repository and contents:read; it lives in memory only (never a log
// line, an error, the database or a job payload).

export interface InstallationToken {
  token: string;
  expiresAt: string;
}

export interface TokenScope {
  repositoryIds?: number[];
  /** With repositoryIds: the permissions asked for (contents and metadata read unless given). */
  permissions?: Partial<Record<"contents" | "metadata" | "statuses" | "pull_requests" | "issues", "read" | "write">>;
}

export async function mintInstallationToken(env: GithubAppEnv, installationId: number, scope: TokenScope = {}): Promise<InstallationToken> {
  const app = githubApp(env);
  const permissions = scope.permissions ?? { contents: "read" as const, metadata: "read" as const };
  const { data } = await githubCall("with an installation token", () =>
    app.octokit.request("POST /app/installations/{installation_id}/access_tokens", {
      installation_id: installationId,
      ...(scope.repositoryIds ? { repository_ids: scope.repositoryIds, permissions } : {}),
    }),
  );
  return { token: data.token, expiresAt: data.expires_at };
}

/** An Octokit acting as the installation (tokens minted and renewed by @octokit/auth-app). */
export async function installationOctokit(env: GithubAppEnv, installationId: number): Promise<Octokit> {
  const app = githubApp(env);
  return githubCall("for the installation", () => app.getInstallationOctokit(installationId));
}

export interface InstallationAccount {
  id: number;
  login: string;
  type: string;
}

/** The installation as the App sees it (JWT): whose account it is installed on. Null when GitHub does not know it. */
export async function fetchInstallation(env: GithubAppEnv, installationId: number): Promise<{ account: InstallationAccount; updatedAt: Date | null } | null> {
  const app = githubApp(env);
  try {
    const { data } = await app.octokit.request("GET /app/installations/{installation_id}", { installation_id: installationId });
    const account = data.account as { id: number; login?: string; slug?: string; type?: string } | null;
    const updatedAt = data.updated_at ? new Date(data.updated_at) : null;
    return { account: { id: account?.id ?? 0, login: account?.login ?? account?.slug ?? "", type: account?.type ?? "User" }, updatedAt };
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    return githubCall("for the installation", () => Promise.reject(error));
  }
}
