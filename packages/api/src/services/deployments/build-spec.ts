import type { Database } from "@autostack/db";
import type { Env } from "../../env.js";
import { buildConfigSelect, type BuildConfig } from "./build-config.js";
import type { EnvVar } from "../../domain/deployments/env-vars-input.js";
import { openEnvVars } from "./env-vars.js";
import { asStatus, type DeploymentStatus } from "../../domain/deployments/status.js";

// Everything the build task needs to know about a deployment, in one read.
// The repository is already validated and canonical: `https://host/path` or
// `file:///abs/path` (only ever stored while ALLOW_LOCAL_REPOS was on).

export interface BuildSpec extends BuildConfig {
  deploymentId: string;
  slug: string;
  projectId: string;
  projectSlug: string;
  status: DeploymentStatus;
  /** Dispatches so far (1 on the first build, 2 on the retry). */
  attempts: number;
  cancelRequested: boolean;
  repository: string;
  branch: string;
  /** When set (a redeploy, or a retry of a build that recorded it), check out exactly this commit, not the branch head. */
  commitHash: string | null;
  /** A pull request's preview: its head is fetched from refs/pull/<n>/head (a fork's commit is on no branch). */
  pullRequestNumber: number | null;
  /** Decrypted: for the container's environment only, and to mask in log lines. */
  envVars: EnvVar[];
}

/** Null when the deployment no longer exists. Throws SecretBoxError if the key changed. */
export async function loadBuildSpec(db: Database, env: Pick<Env, "ENCRYPTION_KEY" | "JWT_SECRET">, id: string): Promise<BuildSpec | null> {
  const row = await db.deployment.findUnique({
    where: { id },
    select: {
      id: true,
      slug: true,
      projectId: true,
      status: true,
      attempts: true,
      cancelRequestedAt: true,
      repository: true,
      branch: true,
      commitHash: true,
      pullRequestNumber: true,
      ...buildConfigSelect,
      envVarsEncrypted: true,
      project: { select: { slug: true } },
    },
  });
  if (!row) return null;
  return {
    deploymentId: row.id,
    slug: row.slug,
    projectId: row.projectId,
    projectSlug: row.project.slug,
    status: asStatus(row.status),
    attempts: row.attempts,
    cancelRequested: row.cancelRequestedAt !== null,
    repository: row.repository,
    branch: row.branch ?? "main",
    commitHash: row.commitHash,
    pullRequestNumber: row.pullRequestNumber,
    buildCommand: row.buildCommand,
    installCommand: row.installCommand,
    outputDir: row.outputDir,
    rootDirectory: row.rootDirectory,
    nodeVersion: row.nodeVersion,
    envVars: openEnvVars(env, row.envVarsEncrypted, { deploymentId: row.id }),
  };
}
