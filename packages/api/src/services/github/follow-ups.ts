import type { Prisma } from "@autostack/db";

// What GitHub hears about a deployment of one of its commits: a commit status
// (pending when queued, then success, failure or error) and, for a pull
// request's preview, the PR's one comment. Both are graphile-worker jobs added
// inside the transaction that queues or finishes the deployment, so they
// exist exactly when the status change does. Payloads name the deployment (or
// project and pull request) and the state at enqueue time, nothing secret;
// the task reads the current state when it runs and reports that.

export const COMMIT_STATUS_TASK = "github-commit-status";
export const PR_COMMENT_TASK = "github-pr-comment";
/** Network failures and GitHub's 5xx are retried with graphile-worker's backoff, this many runs in all. */
export const GITHUB_JOB_MAX_ATTEMPTS = 5;

export interface CommitStatusJobPayload {
  deploymentId: string;
  /** The deployment's status when the job was added (informative: the task reports the current one). */
  status: string;
}

export interface PrCommentJobPayload {
  projectId: string;
  pullRequestNumber: number;
}

type Tx = Prisma.TransactionClient;

/** A waiting comment job of the same pull request is replaced (it would render the same current state). */
export async function enqueuePrComment(tx: Tx, projectId: string, pullRequestNumber: number): Promise<void> {
  await tx.$executeRaw`SELECT FROM graphile_worker.add_job(
    ${PR_COMMENT_TASK}::text,
    json_build_object('projectId', ${projectId}::text, 'pullRequestNumber', ${pullRequestNumber}::int),
    job_key := ${`github-pr-comment:${projectId}:${pullRequestNumber}`}::text,
    max_attempts := ${GITHUB_JOB_MAX_ATTEMPTS}::int)`;
}

/**
 * For a deployment of a GitHub commit (its project linked to a repository of
 * an installation, its commit known): the commit status job, and the PR
 * comment job for a preview. Nothing for any other deployment.
 */
export async function enqueueGitHubFollowUps(tx: Tx, deploymentId: string): Promise<void> {
  const row = await tx.deployment.findUnique({
    where: { id: deploymentId },
    select: { status: true, commitHash: true, projectId: true, pullRequestNumber: true, project: { select: { githubRepoId: true, githubInstallationId: true } } },
  });
  if (!row?.project.githubRepoId || row.project.githubInstallationId === null) return;
  if (row.commitHash) {
    // One queue per deployment: its status jobs run one after the other, so an older one's POST never lands after a newer one's.
    await tx.$executeRaw`SELECT FROM graphile_worker.add_job(
      ${COMMIT_STATUS_TASK}::text,
      json_build_object('deploymentId', ${deploymentId}::text, 'status', ${row.status}::text),
      queue_name := ${`github-status:${deploymentId}`}::text,
      max_attempts := ${GITHUB_JOB_MAX_ATTEMPTS}::int)`;
  }
  if (row.pullRequestNumber !== null) await enqueuePrComment(tx, row.projectId, row.pullRequestNumber);
}
