import { z } from "zod";

// The parts of a `push` delivery the platform acts on. The signature proved
// who sent it; its shape is still checked like any input.

const sha = z.string().regex(/^[0-9a-f]{40}$/);

export const pushPayloadSchema = z.object({
  ref: z.string().max(255),
  after: sha,
  deleted: z.boolean().optional(),
  repository: z.object({ id: z.number().int().positive(), full_name: z.string().max(255) }),
  installation: z.object({ id: z.number().int().positive() }),
  head_commit: z
    .object({
      id: sha,
      message: z.string(),
      author: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
    })
    .nullish(),
});

export type PushPayload = z.infer<typeof pushPayloadSchema>;

export interface PushedCommit {
  installationId: bigint;
  repositoryId: string;
  fullName: string;
  branch: string;
  commitHash: string;
  commitMessage: string | null;
  author: string | null;
}

const BRANCH_REF = "refs/heads/";
const MAX_COMMIT_MESSAGE = 2000;

/** The commit a push put at a branch's head; null for tags, deleted branches and malformed payloads, with why. */
export function pushedCommit(payload: unknown): PushedCommit | { ignored: string } {
  const parsed = pushPayloadSchema.safeParse(payload);
  if (!parsed.success) return { ignored: "malformed push payload" };
  const push = parsed.data;
  if (!push.ref.startsWith(BRANCH_REF)) return { ignored: `not a branch (${push.ref})` };
  if (push.deleted || /^0+$/.test(push.after)) return { ignored: "the branch was deleted" };
  const head = push.head_commit?.id === push.after ? push.head_commit : null;
  return {
    installationId: BigInt(push.installation.id),
    repositoryId: String(push.repository.id),
    fullName: push.repository.full_name,
    branch: push.ref.slice(BRANCH_REF.length),
    commitHash: push.after,
    commitMessage: head ? head.message.slice(0, MAX_COMMIT_MESSAGE) : null,
    author: head?.author?.name?.slice(0, 255) ?? head?.author?.username?.slice(0, 255) ?? null,
  };
}
