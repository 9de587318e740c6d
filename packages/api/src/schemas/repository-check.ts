import { z } from "zod";
import { branchSchema, repositorySchema } from "./deployment.js";

/** POST /deployments/check-repository: the deploy wizard's first step, before anything is queued. */
export const checkRepositoryInput = z.object({
  repository: repositorySchema,
  branch: branchSchema.default("main"),
});

export const checkRepositoryOutput = z.object({
  /** False for GitHub "owner/name" references: the GitHub integration answers for those. */
  checked: z.boolean(),
  repository: z.string(),
  branch: z.string(),
});
