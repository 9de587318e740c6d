import type { Deps } from "../deps.js";
import { parseRepository } from "../../domain/deployments/validation.js";
import { requireInstallation } from "./connection.js";
import { findRepository } from "./repositories.js";

// `repository: "owner/name"` in POST /deployments: a repository of the user's
// GitHub App installation. It is stored as its clone URL under GITHUB_URL
// (`${GITHUB_URL}/owner/name.git`), so a project is the same project whether
// it was created from the list or by pasting that URL, and the worker knows
// from the project's githubRepoId to clone it with an installation token.

export interface GithubDeployRepository {
  kind: "github";
  url: string;
  name: string;
  githubRepoId: string;
  githubInstallationId: bigint;
}

/** Null when `repository` is not in the owner/name form (a Git URL or path: the caller's usual rules apply). */
export async function githubDeployRepository(deps: Pick<Deps, "db" | "env">, userId: string, repository: string): Promise<GithubDeployRepository | null> {
  const parsed = parseRepository(repository);
  if (!parsed.ok || parsed.value.kind !== "github") return null;
  const installationId = await requireInstallation(deps, userId);
  const found = await findRepository(deps, userId, parsed.value.url);
  return {
    kind: "github",
    url: `${deps.env.GITHUB_URL}/${found.fullName}.git`,
    name: found.name,
    githubRepoId: found.id,
    githubInstallationId: BigInt(installationId),
  };
}
