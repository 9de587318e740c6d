import type { Tx } from "../deployments/build-job.js";
import { insertLogLines } from "../deployments/log-writer.js";
import { finishDeployment } from "../deployments/transitions.js";

// One build per project and branch: a push makes the deployments of that
// branch still waiting in the queue pointless. They are cancelled with the
// reason (as Vercel's branch queue skips superseded commits); a build that
// already started finishes.

export interface SupersedeScope {
  projectId: string;
  branch: string;
  /** The new deployment, which stays. */
  except: string;
  commitHash: string;
  /** A preview: that pull request's queued previews are superseded instead (a push supersedes no preview). */
  pullRequestNumber?: number;
}

export async function supersedeQueued(tx: Tx, { projectId, branch, except, commitHash, pullRequestNumber }: SupersedeScope): Promise<number> {
  const scope = pullRequestNumber === undefined ? { branch, pullRequestNumber: null } : { pullRequestNumber };
  const waiting = await tx.deployment.findMany({ where: { projectId, ...scope, status: "queued", id: { not: except } }, select: { id: true } });
  let superseded = 0;
  for (const { id } of waiting) {
    const reason = `Superseded by a newer push (${commitHash.slice(0, 7)})`;
    if (!(await finishDeployment(tx, id, "cancelled", { from: ["queued"], errorMessage: reason }))) continue;
    await insertLogLines(tx, id, [{ level: "warning", message: `${reason}; this deployment was skipped` }]);
    superseded += 1;
  }
  return superseded;
}
