import { describe, expect, it } from "vitest";
import { filterRepositories, isGitHubReference, sortRepositories } from "../../app/components/deployments/github-repositories";
import type { GitHubRepository } from "../../app/components/deployments/types";

// The deploy wizard's GitHub repository list: the search box's filter, the
// order, and what counts as a GitHub owner/name reference.

function repo(fullName: string, updatedAt: string | null = null): GitHubRepository {
  const [owner = "", name = ""] = fullName.split("/");
  return { id: fullName, name, fullName, owner, private: true, defaultBranch: "main", url: `https://github.com/${fullName}`, updatedAt };
}

const repos = [repo("octocat/site"), repo("octocat/docs-site"), repo("acme/api"), repo("acme/Website")];

describe("filterRepositories", () => {
  it("keeps everything for an empty or blank query", () => {
    expect(filterRepositories(repos, "")).toEqual(repos);
    expect(filterRepositories(repos, "   ")).toEqual(repos);
  });

  it("matches the name or the owner, case-insensitively", () => {
    expect(filterRepositories(repos, "SITE").map((r) => r.fullName)).toEqual(["octocat/site", "octocat/docs-site", "acme/Website"]);
    expect(filterRepositories(repos, "acme").map((r) => r.fullName)).toEqual(["acme/api", "acme/Website"]);
    expect(filterRepositories(repos, "octocat/si").map((r) => r.fullName)).toEqual(["octocat/site"]);
  });

  it("needs every word of the query", () => {
    expect(filterRepositories(repos, "octo docs").map((r) => r.fullName)).toEqual(["octocat/docs-site"]);
    expect(filterRepositories(repos, "acme docs")).toEqual([]);
  });

  it("finds nothing for a query that matches no repository", () => {
    expect(filterRepositories(repos, "no-such-repository")).toEqual([]);
  });
});

describe("sortRepositories", () => {
  it("puts the most recently updated first, those without a time last, ties by full name", () => {
    const sorted = sortRepositories([repo("b/old", "2025-01-01T00:00:00Z"), repo("z/none"), repo("a/none"), repo("c/new", "2026-06-01T00:00:00Z")]);
    expect(sorted.map((r) => r.fullName)).toEqual(["c/new", "b/old", "a/none", "z/none"]);
  });
});

describe("isGitHubReference", () => {
  it("is owner/name, not a URL, a path or nothing", () => {
    expect(isGitHubReference("octocat/site")).toBe(true);
    expect(isGitHubReference(" octocat/site ")).toBe(true);
    expect(isGitHubReference("https://github.com/octocat/site.git")).toBe(false);
    expect(isGitHubReference("file:///tmp/site")).toBe(false);
    expect(isGitHubReference("/srv/git/site")).toBe(false);
    expect(isGitHubReference("")).toBe(false);
  });
});
