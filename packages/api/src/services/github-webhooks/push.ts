import type { Deps } from "../deps.js";
import { RateLimitError } from "../../errors.js";
import { buildConfigSelect } from "../deployments/build-config.js";
import type { Tx } from "../deployments/build-job.js";
import { insertQueuedDeployment } from "../deployments/enqueue.js";
import { openEnvVars } from "../deployments/env-vars.js";
import { pushedCommit } from "./push-payload.js";
import { supersedeQueued } from "./supersede.js";

// A push to a branch that projects deploy: a deployment of exactly the pushed
// commit per such project, with the project's saved settings (build command,
// output directory, env vars); the branch's deployments still queued are
// superseded by it. Runs inside the transaction that marks the delivery processed.

export async function deployPush(tx: Tx, deps: Pick<Deps, "env"> & Partial<Pick<Deps, "log">>, payload: unknown): Promise<string> {
  const commit = pushedCommit(payload);
  if ("ignored" in commit) return `ignored: ${commit.ignored}`;
  const projects = await tx.project.findMany({
    // Through the installation that sent the push: a project whose owner disconnected, connected another installation or whose installation is suspended, is not deployed.
    where: { githubRepoId: commit.repositoryId, branch: commit.branch, user: { githubConnection: { installationId: commit.installationId, suspendedAt: null } } },
    select: { id: true, userId: true, slug: true, repository: true, envVars: true, ...buildConfigSelect },
    orderBy: { createdAt: "asc" },
  });
  if (projects.length === 0) return `ignored: no project deploys ${commit.fullName}@${commit.branch}`;
  const outcomes: string[] = [];
  for (const project of projects) {
    const { id: projectId, userId, slug, envVars: sealed, ...config } = project;
    let deploymentId: string;
    try {
      deploymentId = await insertQueuedDeployment(tx, deps.env, {
        userId,
        projectId,
        projectSlug: slug,
        branch: commit.branch,
        ...config,
        envVars: openEnvVars(deps.env, sealed, { projectId }),
        commitHash: commit.commitHash,
        commitMessage: commit.commitMessage,
        author: commit.author,
      });
    } catch (error) {
      // Over the owner's hourly quota: this push is not deployed, and what is queued stays queued.
      if (!(error instanceof RateLimitError)) throw error;
      outcomes.push(`project ${projectId}: skipped (${error.message})`);
      continue;
    }
    const superseded = await supersedeQueued(tx, { projectId, branch: commit.branch, except: deploymentId, commitHash: commit.commitHash });
    outcomes.push(`project ${projectId}: deployment ${deploymentId}${superseded ? `, ${superseded} superseded` : ""}`);
  }
  deps.log?.info({ repository: commit.fullName, branch: commit.branch, commit: commit.commitHash }, "push deployed");
  return `deployed: ${outcomes.join("; ")}`;
}
