import type { Tx } from "./build-job.js";
import type { StageName } from "../../domain/deployments/status.js";

// deployment_stages rows. A deployment starts with Queued (in progress) and
// Building and Deploying (pending), so the detail page can draw the whole
// pipeline at once; the final row (Success, Failed or Cancelled) is added
// when the deployment ends. Stages never reached stay pending.

export async function createInitialStages(tx: Tx, deploymentId: string, now: Date): Promise<void> {
  await tx.deploymentStage.createMany({
    data: [
      { deploymentId, stageName: "queued", status: "in_progress", startedAt: now },
      { deploymentId, stageName: "building", status: "pending" },
      { deploymentId, stageName: "deploying", status: "pending" },
    ],
  });
}

/** Completes whatever is in progress and starts `stage`. */
export async function startStage(tx: Tx, deploymentId: string, stage: StageName, now: Date): Promise<void> {
  await tx.deploymentStage.updateMany({
    where: { deploymentId, status: "in_progress" },
    data: { status: "completed", completedAt: now },
  });
  const updated = await tx.deploymentStage.updateMany({
    where: { deploymentId, stageName: stage },
    data: { status: "in_progress", startedAt: now, completedAt: null, errorMessage: null },
  });
  if (updated.count === 0) {
    await tx.deploymentStage.create({ data: { deploymentId, stageName: stage, status: "in_progress", startedAt: now } });
  }
}

/**
 * Closes the stage in progress and appends the final row. On success the
 * interrupted stage completed; on failure or cancellation it failed, carrying
 * the reason. The Cancelled row itself is "completed": the cancel succeeded.
 */
export async function finishStages(
  tx: Tx,
  deploymentId: string,
  outcome: "success" | "failed" | "cancelled",
  now: Date,
  errorMessage: string | null,
): Promise<void> {
  await tx.deploymentStage.updateMany({
    where: { deploymentId, status: "in_progress" },
    data: outcome === "success" ? { status: "completed", completedAt: now } : { status: "failed", completedAt: now, errorMessage },
  });
  await tx.deploymentStage.create({
    data: {
      deploymentId,
      stageName: outcome,
      status: outcome === "failed" ? "failed" : "completed",
      startedAt: now,
      completedAt: now,
      errorMessage: outcome === "success" ? null : errorMessage,
    },
  });
}

/** Back to a fresh queue entry (a retried build starts over). */
export async function resetStages(tx: Tx, deploymentId: string, now: Date): Promise<void> {
  await tx.deploymentStage.deleteMany({ where: { deploymentId } });
  await createInitialStages(tx, deploymentId, now);
}
