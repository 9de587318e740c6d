import { randomUUID } from "node:crypto";
import type { Env } from "../../env.js";
import { ValidationError } from "../../errors.js";
import { publishEvent } from "../../events.js";
import { consumeRateLimit } from "../rate-limit.js";
import type { BuildConfig } from "./build-config.js";
import { enqueueBuildJob, type Tx } from "./build-job.js";
import type { EnvVar } from "../../domain/deployments/env-vars-input.js";
import { sealEnvVars } from "./env-vars.js";
import { newDeploymentSlug } from "./slugs.js";
import { enqueueGitHubFollowUps } from "../github/follow-ups.js";
import { createInitialStages } from "./stages.js";
import { parseRepository, type ParsedRepository } from "../../domain/deployments/validation.js";

// What create and redeploy share: the repository policy, the per-user
// quota, and writing a queued deployment together with its job.

/**
 * Beyond the syntax (checked by the input schema): GitHub references wait
 * for the GitHub connection, and local repositories are for development
 * machines only (ALLOW_LOCAL_REPOS), since they let a user read the server's disk.
 */
export function resolveRepository(env: Pick<Env, "ALLOW_LOCAL_REPOS">, raw: string): ParsedRepository {
  const parsed = parseRepository(raw);
  if (!parsed.ok) throw new ValidationError("Invalid repository", { repository: parsed.message });
  const repo = parsed.value;
  if (repo.kind === "github") {
    throw new ValidationError("GitHub is not connected; enter an https:// Git URL instead", { repository: "GitHub is not connected" });
  }
  if (repo.kind === "local" && !env.ALLOW_LOCAL_REPOS) {
    throw new ValidationError("Local repositories are disabled on this server", {
      repository: "Local repositories are disabled on this server (ALLOW_LOCAL_REPOS); use an https:// Git URL",
    });
  }
  return repo;
}

/** The spec's "10 deployments per hour per user" (RATE_LIMIT_DEPLOYMENTS_PER_HOUR); redeploys count too. */
function consumeDeploymentQuota(tx: Tx, env: Pick<Env, "RATE_LIMIT_DEPLOYMENTS_PER_HOUR">, userId: string): Promise<void> {
  const limit = env.RATE_LIMIT_DEPLOYMENTS_PER_HOUR;
  return consumeRateLimit(tx, {
    key: `deployments:${userId}`,
    limit,
    windowSeconds: 3600,
    message: `You can start at most ${limit} deployment${limit === 1 ? "" : "s"} per hour`,
  });
}

export interface QueuedDeployment extends BuildConfig {
  userId: string;
  projectId: string;
  projectSlug: string;
  repository: string;
  branch: string;
  /** Sealed for the new deployment's row here (env-vars.ts). */
  envVars: EnvVar[];
  /** Set by a redeploy: the worker checks out this commit instead of the branch head. */
  commitHash?: string | null;
  commitMessage?: string | null;
  author?: string | null;
  /** "preview": a pull request's (pullRequestNumber), never production. Default "production". */
  target?: "production" | "preview";
  pullRequestNumber?: number | null;
}

type QueueEnv = Pick<Env, "RATE_LIMIT_DEPLOYMENTS_PER_HOUR" | "ENCRYPTION_KEY" | "JWT_SECRET">;

/**
 * Inside the caller's transaction: one use of the user's deployment quota, the
 * deployment (queued, first attempt), its stage rows, its build job and a
 * status event. All or nothing, so a deployment that fails to be written does
 * not count against the quota.
 */
export async function insertQueuedDeployment(tx: Tx, env: QueueEnv, data: QueuedDeployment): Promise<string> {
  await consumeDeploymentQuota(tx, env, data.userId);
  const now = new Date();
  const { projectSlug, envVars, ...fields } = data;
  // The id is chosen here so that the env vars can be sealed for this very row.
  const id = randomUUID();
  const deployment = await tx.deployment.create({
    data: { ...fields, id, envVarsEncrypted: sealEnvVars(env, envVars, { deploymentId: id }), slug: newDeploymentSlug(projectSlug), status: "queued", attempts: 1, createdAt: now },
    select: { id: true },
  });
  await createInitialStages(tx, deployment.id, now);
  await enqueueBuildJob(tx, deployment.id);
  await publishEvent(tx, { type: "deployment.status", deploymentId: deployment.id, status: "queued" });
  // A GitHub commit's status (pending) and a preview's PR comment, with the deployment.
  await enqueueGitHubFollowUps(tx, deployment.id);
  return deployment.id;
}

/**
 * Slugs are random; the unique index is the judge. A collision (or two
 * first deployments of one repository racing to create its project) aborts
 * the transaction with P2002, and the whole transaction runs again.
 */
export async function withUniqueRetry<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002" || attempt >= attempts) throw error;
    }
  }
}
