import type { Prisma } from "@autostack/db";
import { publishEvent } from "../../events.js";
import { removeBuildJob, type Tx } from "./build-job.js";
import { finishStages } from "./stages.js";
import { enqueueDeploymentNotification } from "../notifications/enqueue.js";
import { enqueueGitHubFollowUps } from "../github/follow-ups.js";
import type { DeploymentStatus } from "../../domain/deployments/status.js";

// The one way a deployment reaches a final status. The UPDATE is conditional
// (WHERE status IN (...)), so of two racing parties (a late worker and a
// cancel, or a sweeper and a revived worker) exactly one wins and the other
// learns it lost from the null result.

export const MAX_ERROR_MESSAGE = 2000;

export function secondsBetween(start: Date, end: Date): number {
  return Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000));
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface FinishOptions {
  from: DeploymentStatus[];
  /** Refuse when the user asked to cancel (a success must not override that). */
  requireNoCancelRequest?: boolean;
  /** Refuse unless this worker holds the deployment (a retry on another worker took over otherwise). */
  workerId?: string;
  errorMessage?: string | null;
  data?: Prisma.DeploymentUpdateManyMutationInput;
  now?: Date;
}

export interface FinishedRow {
  id: string;
  projectId: string;
  createdAt: Date;
}

export async function finishDeployment(
  tx: Tx,
  id: string,
  outcome: "success" | "failed" | "cancelled",
  options: FinishOptions,
): Promise<FinishedRow | null> {
  const now = options.now ?? new Date();
  const errorMessage = options.errorMessage ? clip(options.errorMessage.trim(), MAX_ERROR_MESSAGE) : null;
  const [row] = await tx.deployment.updateManyAndReturn({
    where: {
      id,
      status: { in: options.from },
      ...(options.requireNoCancelRequest ? { cancelRequestedAt: null } : {}),
      ...(options.workerId !== undefined ? { workerId: options.workerId } : {}),
    },
    data: { ...options.data, status: outcome, completedAt: now, errorMessage },
    select: { id: true, projectId: true, createdAt: true, startedAt: true },
  });
  if (!row) return null;
  if (row.startedAt) {
    await tx.deployment.update({ where: { id }, data: { buildDuration: secondsBetween(row.startedAt, now) } });
  }
  await finishStages(tx, id, outcome, now, errorMessage ?? (outcome === "cancelled" ? "Cancelled" : null));
  // A job still waiting would start a build nobody wants; a running one is
  // left to finish its task (the worker stops on the status change).
  if (outcome !== "success") await removeBuildJob(tx, id);
  // The owner's mail (as their preferences say) goes with the final status: both commit or neither.
  if (outcome !== "cancelled") await enqueueDeploymentNotification(tx, id);
  // So does GitHub's commit status (and a preview's PR comment), for a deployment of a GitHub commit.
  await enqueueGitHubFollowUps(tx, id);
  await publishEvent(tx, { type: "deployment.status", deploymentId: id, status: outcome });
  return { id: row.id, projectId: row.projectId, createdAt: row.createdAt };
}
