import type { Deps } from "../deps.js";
import { reportCommitStatus } from "./commit-status.js";
import { COMMIT_STATUS_TASK, PR_COMMENT_TASK } from "./follow-ups.js";
import { syncPrComment } from "./pr-comment.js";

// Test fixture: plays the worker for the GitHub follow-up jobs. It takes the
// jobs that are really in graphile-worker's table (so a test sees what the
// transactions enqueued), runs each with the service the worker's task
// calls, and deletes it as a completed job would be.

export interface RanJob {
  task: string;
  payload: Record<string, unknown>;
  outcome: string;
}

export async function runGitHubJobs(deps: Pick<Deps, "db" | "env">): Promise<RanJob[]> {
  const jobs = await deps.db.$queryRaw<{ id: bigint; task: string; payload: Record<string, unknown> }[]>`
    SELECT j.id, t.identifier AS task, j.payload FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier IN (${COMMIT_STATUS_TASK}, ${PR_COMMENT_TASK}) ORDER BY j.id`;
  const ran: RanJob[] = [];
  for (const job of jobs) {
    const outcome =
      job.task === COMMIT_STATUS_TASK
        ? await reportCommitStatus(deps, String(job.payload.deploymentId))
        : await syncPrComment(deps, String(job.payload.projectId), Number(job.payload.pullRequestNumber));
    await deps.db.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE id = ${job.id}`;
    ran.push({ task: job.task, payload: job.payload, outcome });
  }
  return ran;
}

/** The jobs of `task` waiting in the queue. */
export async function waitingJobs(deps: Pick<Deps, "db">, task: string): Promise<Record<string, unknown>[]> {
  const rows = await deps.db.$queryRaw<{ payload: Record<string, unknown> }[]>`
    SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = ${task} ORDER BY j.id`;
  return rows.map((row) => row.payload);
}

export interface LinkedProject {
  userId: string;
  projectId: string;
  /** The deployment that created the project (a plain one, before it was linked). */
  firstDeploymentId: string;
}

/**
 * A user connected to installation `installationId` whose project (saved
 * settings and an env var) deploys `owner/name` of the stand-in at `githubUrl`.
 */
export async function linkProject(
  h: { deps: Pick<Deps, "db"> },
  queue: (userId: string) => Promise<{ id: string }>,
  link: { userId: string; githubUrl: string; repoId: number; fullName: string; installationId: number },
): Promise<LinkedProject> {
  const first = await queue(link.userId);
  const { projectId } = await h.deps.db.deployment.findUniqueOrThrow({ where: { id: first.id }, select: { projectId: true } });
  await h.deps.db.project.update({
    where: { id: projectId },
    data: { repository: `${link.githubUrl}/${link.fullName}.git`, githubRepoId: String(link.repoId), githubInstallationId: BigInt(link.installationId) },
  });
  await h.deps.db.githubConnection.create({ data: { userId: link.userId, githubUsername: link.fullName.split("/")[0]!, installationId: BigInt(link.installationId) } });
  return { userId: link.userId, projectId, firstDeploymentId: first.id };
}
