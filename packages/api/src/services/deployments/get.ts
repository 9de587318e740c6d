import { findOwnedDeployment, type DeploymentDeps } from "./access.js";
import { detailSelect, toDetail, type DeploymentDetail } from "./present.js";

export async function getDeployment(deps: DeploymentDeps, userId: string, id: string): Promise<DeploymentDetail> {
  const row = await findOwnedDeployment(deps.db, userId, id, detailSelect);
  return toDetail(deps.env, row);
}
