import { z } from "zod";

// GitHub Integration endpoints (the spec's /api/github/*): inputs and outputs.

export const githubConnectionOutput = z.object({
  connected: z.boolean(),
  username: z.string().nullable(),
  installationId: z.string().nullable(),
  account: z.object({ login: z.string(), type: z.string() }).nullable(),
  connectedAt: z.date().nullable(),
  /** GitHub suspended the installation: connected, but nothing deploys until it is unsuspended. */
  suspended: z.boolean(),
  /** Whether this server has a GitHub App configured (Connect works only then). */
  available: z.boolean(),
});

export const githubConnectionStatusOutput = z.object({ connected: z.boolean(), username: z.string().nullable() });

export const githubConnectOutput = z.object({ url: z.string() });

export const githubRepositoryOutput = z.object({
  id: z.string(),
  name: z.string(),
  fullName: z.string(),
  owner: z.string(),
  private: z.boolean(),
  defaultBranch: z.string(),
  url: z.string(),
  updatedAt: z.string().nullable(),
});

export const githubReposOutput = z.object({ repositories: z.array(githubRepositoryOutput) });

/** `owner/name`; REST sends it URL-encoded in one path segment (`owner%2Fname`), which arrives still encoded. */
export const githubBranchesInput = z.object({
  repo: z
    .string()
    .min(1)
    .max(240)
    .transform((value) => (/%2f/i.test(value) ? value.replace(/%2f/gi, "/") : value)),
});

export const githubBranchesOutput = z.object({
  branches: z.array(z.object({ name: z.string(), commitSha: z.string(), protected: z.boolean() })),
});
