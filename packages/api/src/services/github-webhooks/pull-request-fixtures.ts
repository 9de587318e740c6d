// Test fixture: a pull_request delivery's payload as GitHub sends it (trimmed
// to what matters). `fork` puts the head in another repository.

export interface PullRequestFixture {
  action: "opened" | "synchronize" | "reopened" | "closed" | "edited";
  repoId: number;
  fullName?: string;
  number: number;
  sha: string;
  ref?: string;
  fork?: boolean;
  installationId?: number;
}

export function pullRequestPayload({ action, repoId, fullName = "octo/site", number, sha, ref = "feature/preview", fork = false, installationId = 77 }: PullRequestFixture) {
  const base = { id: repoId, full_name: fullName, fork: false, private: true };
  const head = fork ? { id: repoId + 100_000, full_name: `forker/${fullName.split("/")[1]}`, fork: true, private: false } : base;
  return {
    action,
    number,
    pull_request: {
      number,
      state: action === "closed" ? "closed" : "open",
      title: `Preview me (#${number})`,
      user: { login: fork ? "forker" : "mona" },
      head: { sha, ref, label: `${head.full_name.split("/")[0]}:${ref}`, repo: head },
      base: { sha: "f".repeat(40), ref: "main", repo: base },
    },
    repository: base,
    installation: { id: installationId },
  };
}
