import { publishEvent } from "../../events.js";
import { deploymentNotFound, findOwnedDeployment, type DeploymentDeps } from "./access.js";
import { cancelIfQueued, requestCancellation } from "./cancel.js";
import { lockProject, replaceProduction } from "./production.js";
import { asStatus, isFinalStatus } from "../../domain/deployments/status.js";

/**
 * Deletes a deployment with its logs and stages (cascade) and then its
 * artifact. A running build is asked to stop first; the worker finds the
 * row gone and stops as well. If this was the production deployment, the
 * production URL moves to the newest other success (or to nothing) in the
 * same transaction as the delete, so it never points at a missing artifact
 * longer than the storage removal takes.
 */
export async function removeDeployment(deps: DeploymentDeps, userId: string, id: string): Promise<void> {
  const found = await findOwnedDeployment(deps.db, userId, id, { status: true, projectId: true });
  if (!isFinalStatus(found.status) && !(await cancelIfQueued(deps.db, id))) await requestCancellation(deps.db, id);

  const artifactKey = await deps.db.$transaction(async (tx) => {
    const project = await lockProject(tx, found.projectId);
    if (project?.productionDeploymentId === id) await replaceProduction(tx, found.projectId, id);
    // With the project row locked no markSucceeded can set the artifact key
    // between this read and the delete (it locks the project first too).
    const row = await tx.deployment.findFirst({ where: { id, userId }, select: { artifactKey: true, status: true } });
    if (!row || (await tx.deployment.deleteMany({ where: { id, userId } })).count === 0) throw deploymentNotFound(id);
    // Subscribers wake up, find the row gone and end their streams.
    await publishEvent(tx, { type: "deployment.status", deploymentId: id, status: asStatus(row.status) });
    return row.artifactKey;
  });

  deps.log?.info({ userId, deploymentId: id }, "deployment deleted");
  if (!artifactKey) return;
  if (!deps.artifacts) {
    deps.log?.warn({ deploymentId: id, artifactKey }, "no artifact store configured; artifact left in place");
    return;
  }
  try {
    await deps.artifacts.remove(artifactKey);
  } catch (error) {
    // The rows are gone and the user asked for that; an orphaned artifact is
    // only storage, so it is logged for cleanup rather than failing the request.
    deps.log?.error({ err: error, deploymentId: id, artifactKey }, "artifact removal failed");
  }
}
