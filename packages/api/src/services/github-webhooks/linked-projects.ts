import type { Prisma } from "@autostack/db";
import type { Env } from "../../env.js";
import { RateLimitError } from "../../errors.js";
import { buildConfigSelect } from "../deployments/build-config.js";
import type { Tx } from "../deployments/build-job.js";
import { insertQueuedDeployment } from "../deployments/enqueue.js";
import { openEnvVars } from "../deployments/env-vars.js";
import { supersedeQueued } from "./supersede.js";

// What pushes and pull requests share: the projects a delivery is for, and
// queuing one of them at a commit with its saved settings.

const linkedProjectSelect = { id: true, userId: true, slug: true, repository: true, envVars: true, ...buildConfigSelect } as const;

export type LinkedProject = Prisma.ProjectGetPayload<{ select: typeof linkedProjectSelect }>;

export interface LinkScope {
  repositoryId: string;
  installationId: bigint;
  /** Only projects that deploy this branch (pushes). */
  branch?: string;
  /** Also through a suspended installation (a closed pull request's previews still go). */
  includeSuspended?: boolean;
}

/**
 * Projects linked to the repository through the installation that sent the
 * delivery: a project whose owner disconnected, connected another
 * installation, or (unless asked) whose installation is suspended, is not one.
 */
export function linkedProjects(tx: Tx, { repositoryId, installationId, branch, includeSuspended = false }: LinkScope): Promise<LinkedProject[]> {
  return tx.project.findMany({
    where: {
      githubRepoId: repositoryId,
      ...(branch === undefined ? {} : { branch }),
      user: { githubConnection: { installationId, ...(includeSuspended ? {} : { suspendedAt: null }) } },
    },
    select: linkedProjectSelect,
    orderBy: { createdAt: "asc" },
  });
}

export interface CommitToDeploy {
  branch: string;
  commitHash: string;
  commitMessage: string | null;
  author: string | null;
  /** A pull request's preview (never production). */
  pullRequestNumber?: number;
  /** A fork's code could print them. */
  withoutEnvVars?: boolean;
}

export type QueuedFromGitHub = { deploymentId: string; superseded: number } | { skipped: string };

/**
 * A deployment of the project at exactly that commit with its saved settings,
 * then its line's queued deployments superseded by it. Over the owner's
 * hourly quota nothing is queued, and what is queued stays queued.
 */
export async function queueLinkedProject(tx: Tx, env: Env, project: LinkedProject, commit: CommitToDeploy): Promise<QueuedFromGitHub> {
  const { id: projectId, userId, slug, envVars: sealed, ...config } = project;
  const { branch, commitHash, commitMessage, author, pullRequestNumber, withoutEnvVars } = commit;
  let deploymentId: string;
  try {
    deploymentId = await insertQueuedDeployment(tx, env, {
      ...config,
      branch,
      commitHash,
      commitMessage,
      author,
      userId,
      projectId,
      projectSlug: slug,
      envVars: withoutEnvVars ? [] : openEnvVars(env, sealed, { projectId }),
      ...(pullRequestNumber === undefined ? {} : { target: "preview", pullRequestNumber }),
    });
  } catch (error) {
    if (!(error instanceof RateLimitError)) throw error;
    return { skipped: error.message };
  }
  const superseded = await supersedeQueued(tx, { projectId, branch, except: deploymentId, commitHash, pullRequestNumber });
  return { deploymentId, superseded };
}
