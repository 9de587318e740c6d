import type { Tx } from "./build-job.js";

// The project's production pointer (projects.production_deployment_id): the
// production URL serves whatever it names, so it only ever moves inside the
// transaction that makes a deployment successful or deletes one. Both lock
// the project row first (then touch the deployment), one order everywhere,
// so they serialise without deadlocking.

/** Locks the project row for the rest of the transaction; null if it is gone. */
export async function lockProject(tx: Tx, projectId: string): Promise<{ productionDeploymentId: string | null } | null> {
  const rows = await tx.$queryRaw<{ production: string | null }[]>`
    SELECT production_deployment_id::text AS production FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
  const row = rows[0];
  return row ? { productionDeploymentId: row.production } : null;
}

/**
 * Points production at `candidate` unless the current production deployment
 * was created later (a slow old build finishing after a newer one must not
 * take production back). "Newer" means requested later, so a redeploy of an
 * old commit does become production: that is how a rollback works.
 */
export async function promoteIfNewer(
  tx: Tx,
  projectId: string,
  currentId: string | null,
  candidate: { id: string; createdAt: Date },
): Promise<boolean> {
  if (currentId && currentId !== candidate.id) {
    const current = await tx.deployment.findUnique({ where: { id: currentId }, select: { createdAt: true, id: true } });
    if (current && (current.createdAt > candidate.createdAt || (current.createdAt.getTime() === candidate.createdAt.getTime() && current.id > candidate.id))) {
      return false;
    }
  }
  await tx.project.update({ where: { id: projectId }, data: { productionDeploymentId: candidate.id } });
  return true;
}

/** Before deleting the production deployment: fall back to the newest other success, or none. */
export async function replaceProduction(tx: Tx, projectId: string, removedId: string): Promise<string | null> {
  const next = await tx.deployment.findFirst({
    where: { projectId, status: "success", target: "production", id: { not: removedId } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  await tx.project.update({ where: { id: projectId }, data: { productionDeploymentId: next?.id ?? null } });
  return next?.id ?? null;
}
