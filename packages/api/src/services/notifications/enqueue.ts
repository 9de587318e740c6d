import type { Prisma } from "@autostack/db";

// The graphile-worker job that mails a deployment's owner about its outcome.
// It is added by finishDeployment (deployments/transitions.ts) inside the
// transaction that records success or failure, through graphile-worker's own
// SQL API, so the job exists exactly when the final status does. The payload
// is the deployment id only; the task reads everything else when it runs.

export const NOTIFY_DEPLOYMENT_TASK = "notify_deployment";

/** SMTP failures are retried with graphile-worker's exponential backoff, this many runs in all. */
export const NOTIFY_MAX_ATTEMPTS = 5;

export interface NotifyDeploymentPayload {
  deploymentId: string;
}

export function notifyJobKey(deploymentId: string): string {
  return `notify:${deploymentId}`;
}

/**
 * The job key makes a second enqueue replace a job still waiting instead of
 * adding another; duplicates that slip through anyway (one was running) are
 * harmless: the task mails at most once per deployment (notify.ts).
 */
export async function enqueueDeploymentNotification(tx: Prisma.TransactionClient, deploymentId: string): Promise<void> {
  await tx.$executeRaw`SELECT FROM graphile_worker.add_job(
    ${NOTIFY_DEPLOYMENT_TASK}::text,
    json_build_object('deploymentId', ${deploymentId}::text),
    job_key := ${notifyJobKey(deploymentId)}::text,
    max_attempts := ${NOTIFY_MAX_ATTEMPTS}::int)`;
}
