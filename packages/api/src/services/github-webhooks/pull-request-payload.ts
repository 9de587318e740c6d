import { z } from "zod";

// The parts of a `pull_request` delivery the platform acts on.

const sha = z.string().regex(/^[0-9a-f]{40}$/);
const repo = z.object({ id: z.number().int().positive(), full_name: z.string().max(255), fork: z.boolean().optional() });

export const pullRequestPayloadSchema = z.object({
  action: z.string().max(64),
  number: z.number().int().positive(),
  pull_request: z.object({
    title: z.string().optional(),
    user: z.object({ login: z.string().optional() }).nullish(),
    head: z.object({ sha, ref: z.string().min(1).max(255), repo: repo.nullable() }),
    base: z.object({ ref: z.string().max(255), repo }),
  }),
  installation: z.object({ id: z.number().int().positive() }),
});

export interface PullRequestEvent {
  action: "preview" | "closed";
  installationId: bigint;
  /** The base repository (where the projects and refs/pull/<n>/head are). */
  repositoryId: string;
  fullName: string;
  number: number;
  headSha: string;
  headRef: string;
  /** The head is in another repository (a fork, or one deleted since): its code must not see the project's env vars. */
  fromFork: boolean;
  title: string | null;
  author: string | null;
}

const PREVIEW_ACTIONS = new Set(["opened", "synchronize", "reopened"]);

export function pullRequestEvent(payload: unknown): PullRequestEvent | { ignored: string } {
  const parsed = pullRequestPayloadSchema.safeParse(payload);
  if (!parsed.success) return { ignored: "malformed pull_request payload" };
  const { action, number, pull_request: pr, installation } = parsed.data;
  if (!PREVIEW_ACTIONS.has(action) && action !== "closed") return { ignored: `pull_request ${action.slice(0, 32)} is not acted on` };
  const head = pr.head.repo;
  return {
    action: action === "closed" ? "closed" : "preview",
    installationId: BigInt(installation.id),
    repositoryId: String(pr.base.repo.id),
    fullName: pr.base.repo.full_name,
    number,
    headSha: pr.head.sha,
    headRef: pr.head.ref.slice(0, 100),
    // Compared with the base rather than trusting head.repo.fork: a pull request between two branches of a forked repository is not from a fork.
    fromFork: !head || head.id !== pr.base.repo.id || head.full_name !== pr.base.repo.full_name,
    title: pr.title?.slice(0, 2000) ?? null,
    author: pr.user?.login?.slice(0, 255) ?? null,
  };
}
