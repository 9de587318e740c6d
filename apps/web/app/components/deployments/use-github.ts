import { trpcClient } from "~/lib/trpc.client";
import type { GitHubBranch, GitHubRepository } from "./types";
import { useRemote } from "./use-remote";

// The connected user's GitHub repositories (github.repos, cached for 5
// minutes on the server) and a repository's branches (github.branches),
// read from the browser when the wizard needs them.

export function useGitHubRepositories(enabled: boolean) {
  return useRemote<GitHubRepository[]>(enabled ? "repositories" : null, async (_key, signal) => (await trpcClient().github.repos.query(undefined, { signal })).repositories);
}

/** `fullName` null: no repository picked, nothing to read. */
export function useGitHubBranches(fullName: string | null) {
  return useRemote<GitHubBranch[]>(fullName, async (repo, signal) => (await trpcClient().github.branches.query({ repo }, { signal })).branches);
}
