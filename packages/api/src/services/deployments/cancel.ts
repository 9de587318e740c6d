import type { Database } from "@autostack/db";
import { ConflictError } from "../../errors.js";
import { publishEvent } from "../../events.js";
import { findOwnedDeployment, type DeploymentDeps } from "./access.js";
import { getDeployment } from "./get.js";
import { insertLogLines } from "./log-writer.js";
import type { DeploymentDetail } from "./present.js";
import { asStatus, isFinalStatus } from "../../domain/deployments/status.js";
import { finishDeployment } from "./transitions.js";

// Cancelling. A queued deployment has no container yet: it is cancelled on
// the spot and its job removed. A running one gets cancel_requested_at and a
// status event; the worker watching it stops the container and reports
// markCancelled (and a dead worker's deployment is cancelled by
// failStuckDeployments). A finished deployment cannot be cancelled: 409.

/** queued → cancelled in one step; false when it had already left the queue. */
export async function cancelIfQueued(db: Database, id: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const row = await finishDeployment(tx, id, "cancelled", { from: ["queued"] });
    if (!row) return false;
    await insertLogLines(tx, id, [{ level: "warning", message: "Deployment cancelled before the build started" }]);
    return true;
  });
}

/** building|deploying: ask the worker to stop. Idempotent; false when not running. */
export async function requestCancellation(db: Database, id: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.deployment.updateManyAndReturn({
      where: { id, status: { in: ["building", "deploying"] }, cancelRequestedAt: null },
      data: { cancelRequestedAt: new Date() },
      select: { status: true },
    });
    if (!row) return false;
    await insertLogLines(tx, id, [{ level: "warning", message: "Cancellation requested; stopping the build" }]);
    await publishEvent(tx, { type: "deployment.status", deploymentId: id, status: asStatus(row.status) });
    return true;
  });
}

export async function cancelDeployment(deps: DeploymentDeps, userId: string, id: string): Promise<DeploymentDetail> {
  const { status } = await findOwnedDeployment(deps.db, userId, id, { status: true });
  if (isFinalStatus(status)) {
    throw new ConflictError(`Deployment has already finished (${status}); there is nothing to cancel`, { status });
  }
  // The status may move between the read and here; each step is guarded, so
  // whichever applies is right, and if neither does the build just finished.
  if (!(await cancelIfQueued(deps.db, id))) await requestCancellation(deps.db, id);
  deps.log?.info({ userId, deploymentId: id }, "deployment cancel requested");
  return getDeployment(deps, userId, id);
}
