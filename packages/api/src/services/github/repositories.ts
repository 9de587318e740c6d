import type { Deps } from "../deps.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import { githubCall } from "./api-errors.js";
import { requireConnection, requireInstallation } from "./connection.js";
import { installationOctokit } from "./installation-tokens.js";
import { cachedRepositories } from "./repository-cache.js";

// The repositories a connected user's installation can deploy, and their
// branches. A repository outside the installation is a 404, whether or not it
// exists on GitHub.

type RepoDeps = Pick<Deps, "db" | "env">;

export interface GithubRepository {
  id: string;
  name: string;
  fullName: string;
  owner: string;
  private: boolean;
  defaultBranch: string;
  url: string;
  updatedAt: string | null;
}

export interface GithubBranch {
  name: string;
  commitSha: string;
  protected: boolean;
}

const MAX_PAGES = 10;

interface RawRepository {
  id: number;
  name: string;
  full_name: string;
  owner: { login: string };
  private: boolean;
  default_branch?: string;
  html_url: string;
  updated_at?: string | null;
}

function present(repo: RawRepository): GithubRepository {
  return {
    id: String(repo.id),
    name: repo.name,
    fullName: repo.full_name,
    owner: repo.owner.login,
    private: repo.private,
    defaultBranch: repo.default_branch ?? "main",
    url: repo.html_url,
    updatedAt: repo.updated_at ?? null,
  };
}

async function fetchRepositories(deps: RepoDeps, installationId: number): Promise<GithubRepository[]> {
  const octokit = await installationOctokit(deps.env, installationId);
  const repositories: GithubRepository[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await githubCall("with the installation's repositories", () => octokit.request("GET /installation/repositories", { per_page: 100, page }));
    repositories.push(...(data.repositories as RawRepository[]).map(present));
    if (repositories.length >= data.total_count || data.repositories.length < 100) break;
  }
  return repositories;
}

export async function listRepositories(deps: RepoDeps, userId: string): Promise<GithubRepository[]> {
  const { installationId, cacheVersion } = await requireConnection(deps, userId);
  return cachedRepositories(userId, cacheVersion, () => fetchRepositories(deps, installationId));
}

export function parseFullName(fullName: string): { owner: string; name: string } {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(fullName);
  if (!match || match[2] === "." || match[2] === "..") throw new ValidationError("Invalid repository", { repo: "Must be a GitHub repository: owner/name" });
  return { owner: match[1]!, name: match[2]!.replace(/\.git$/i, "") };
}

/**
 * One repository of the user's installation, by `owner/name`, or by a bare
 * name when exactly one repository has it (case-insensitive, as GitHub is).
 */
export async function findRepository(deps: RepoDeps, userId: string, fullName: string): Promise<GithubRepository> {
  const bare = !fullName.includes("/");
  const { owner, name } = bare ? { owner: "", name: fullName } : parseFullName(fullName);
  const wanted = (bare ? name : `${owner}/${name}`).toLowerCase();
  const matches = (await listRepositories(deps, userId)).filter((repo) => (bare ? repo.name : repo.fullName).toLowerCase() === wanted);
  if (matches.length !== 1) throw new NotFoundError(`Repository ${bare ? name : `${owner}/${name}`} is not in your GitHub App installation`, "REPOSITORY_NOT_FOUND");
  return matches[0]!;
}

export async function listBranches(deps: RepoDeps, userId: string, fullName: string): Promise<GithubBranch[]> {
  const repository = await findRepository(deps, userId, fullName);
  const octokit = await installationOctokit(deps.env, await requireInstallation(deps, userId));
  const notFound = () => new NotFoundError(`Repository ${repository.fullName} is not in your GitHub App installation`, "REPOSITORY_NOT_FOUND");
  const { data } = await githubCall(
    "with the repository's branches",
    () => octokit.request("GET /repos/{owner}/{repo}/branches", { owner: repository.owner, repo: repository.name, per_page: 100 }),
    notFound,
  );
  return data.map((branch) => ({ name: branch.name, commitSha: branch.commit.sha, protected: branch.protected }));
}
