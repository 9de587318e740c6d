import type { Prisma } from "@autostack/db";

// The graphile-worker job that builds a deployment. It is added inside the
// transaction that creates (or re-queues) the deployment, through
// graphile-worker's own SQL API, so a job exists exactly when a queued
// deployment does. One attempt only: retries after a dead worker are decided
// by failStuckDeployments, which knows why the build stopped.

export type Tx = Prisma.TransactionClient;

export const BUILD_TASK = "build";

export interface BuildJobPayload {
  deploymentId: string;
}

export function buildJobKey(deploymentId: string): string {
  return `build:${deploymentId}`;
}

/**
 * With the same job key, graphile-worker replaces a waiting job; a locked one
 * (its worker died) loses its key and a fresh job is added beside it.
 */
export async function enqueueBuildJob(tx: Tx, deploymentId: string): Promise<void> {
  await tx.$executeRaw`SELECT FROM graphile_worker.add_job(
    ${BUILD_TASK}::text,
    json_build_object('deploymentId', ${deploymentId}::text),
    job_key := ${buildJobKey(deploymentId)}::text,
    max_attempts := 1)`;
}

/**
 * The build job again, `delayMs` from now (a deployment waiting for its
 * branch's build, branch-queue.ts). Called from the running job: that one
 * loses the key and ends normally, the new one carries it — so the stuck
 * sweep always finds a job for the queued deployment, and `attempts` is not
 * touched (waiting is not an attempt).
 */
export async function rescheduleBuildJob(tx: Tx, deploymentId: string, delayMs: number): Promise<void> {
  await tx.$executeRaw`SELECT FROM graphile_worker.add_job(
    ${BUILD_TASK}::text,
    json_build_object('deploymentId', ${deploymentId}::text),
    run_at := now() + make_interval(secs => ${delayMs / 1000}::float8),
    job_key := ${buildJobKey(deploymentId)}::text,
    max_attempts := 1)`;
}

/** Deletes a waiting job; a running one keeps going but is never retried. */
export async function removeBuildJob(tx: Tx, deploymentId: string): Promise<void> {
  await tx.$executeRaw`SELECT FROM graphile_worker.remove_job(${buildJobKey(deploymentId)}::text)`;
}
