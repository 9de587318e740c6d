import type { Database, Prisma } from "@autostack/db";
import type { Deps } from "../deps.js";
import { NotFoundError } from "../../errors.js";

// Only the owner sees a deployment: for anyone else it does not exist (the
// same 404 as a missing one, so ids cannot be probed). The code is the
// spec's example, DEPLOYMENT_NOT_FOUND, on every face (REST, tRPC, WS).

export type DeploymentDeps = Pick<Deps, "db" | "env"> & Partial<Pick<Deps, "events" | "artifacts" | "log">>;

export function deploymentNotFound(id: string): NotFoundError {
  return new NotFoundError(`Deployment with ID '${id}' not found`, "DEPLOYMENT_NOT_FOUND");
}

export async function findOwnedDeployment<S extends Prisma.DeploymentSelect>(
  db: Database,
  userId: string,
  id: string,
  select: S,
): Promise<Prisma.DeploymentGetPayload<{ select: S }>> {
  const row = await db.deployment.findFirst({ where: { id, userId }, select });
  if (!row) throw deploymentNotFound(id);
  return row as Prisma.DeploymentGetPayload<{ select: S }>;
}
