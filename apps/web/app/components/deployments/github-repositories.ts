import type { GitHubRepository } from "./types";

// The deploy wizard's GitHub repository list, pure (unit tests load it
// directly): the search box's filter and how a repository is described.

/** Repositories whose name or full name contains every word of the query (case-insensitive); all of them for an empty query. */
export function filterRepositories(repositories: readonly GitHubRepository[], query: string): GitHubRepository[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...repositories];
  return repositories.filter((repo) => {
    const haystack = `${repo.fullName} ${repo.name}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** Most recently updated first (those without a time last), then by full name. */
export function sortRepositories(repositories: readonly GitHubRepository[]): GitHubRepository[] {
  const time = (repo: GitHubRepository) => (repo.updatedAt ? Date.parse(repo.updatedAt) || 0 : 0);
  return [...repositories].sort((a, b) => time(b) - time(a) || a.fullName.localeCompare(b.fullName));
}

/** "owner/name" (no scheme, not a path): a repository of the user's GitHub connection rather than a Git URL. */
export function isGitHubReference(repository: string): boolean {
  const value = repository.trim();
  return value !== "" && !value.includes(":") && !value.startsWith("/");
}
