import type { Tx } from "../deployments/build-job.js";
import { insertLogLines } from "../deployments/log-writer.js";
import { lockProject } from "../deployments/production.js";
import { finishDeployment } from "../deployments/transitions.js";
import { publishEvent } from "../../events.js";
import { asStatus } from "../../domain/deployments/status.js";
import { enqueuePrComment } from "../github/follow-ups.js";
import { enqueueArtifactRemoval } from "./preview-artifacts.js";

// A pull request was closed: its previews go. Queued ones are cancelled,
// running ones asked to stop (the worker then cancels them and drops what it
// uploaded), and finished ones lose their artifact: the rows stay (history,
// logs), artifact_key becomes null so their URL answers 404, and the files
// are removed by a job added in this same transaction. The comment says so.

export async function closePreviews(tx: Tx, pullRequestNumber: number, projectIds: string[]): Promise<string[]> {
  const outcomes: string[] = [];
  for (const projectId of projectIds) {
    // As markSucceeded does first: no artifact key can be set between the read and the update below.
    await lockProject(tx, projectId);
    const previews = await tx.deployment.findMany({ where: { projectId, pullRequestNumber, target: "preview" }, select: { id: true, status: true, artifactKey: true } });
    const reason = `Pull request #${pullRequestNumber} was closed`;
    let cancelled = 0;
    for (const { id, status } of previews) {
      if (status === "queued" && (await finishDeployment(tx, id, "cancelled", { from: ["queued"], errorMessage: reason }))) {
        await insertLogLines(tx, id, [{ level: "warning", message: `${reason}; this preview was skipped` }]);
        cancelled += 1;
      } else if (status === "building" || status === "deploying") {
        const [row] = await tx.deployment.updateManyAndReturn({ where: { id, status: { in: ["building", "deploying"] }, cancelRequestedAt: null }, data: { cancelRequestedAt: new Date() }, select: { status: true } });
        if (!row) continue;
        await insertLogLines(tx, id, [{ level: "warning", message: `${reason}; stopping the build` }]);
        await publishEvent(tx, { type: "deployment.status", deploymentId: id, status: asStatus(row.status) });
        cancelled += 1;
      }
    }
    const removed = previews.flatMap((row) => (row.artifactKey ? [{ id: row.id, key: row.artifactKey }] : []));
    await tx.deployment.updateMany({ where: { id: { in: removed.map((row) => row.id) } }, data: { artifactKey: null } });
    await enqueueArtifactRemoval(tx, removed.map((row) => row.key));
    const { count } = await tx.githubPrComment.updateMany({ where: { projectId, pullRequestNumber }, data: { closedAt: new Date() } });
    if (count > 0) await enqueuePrComment(tx, projectId, pullRequestNumber);
    outcomes.push(`project ${projectId}: ${cancelled} cancelled, ${removed.length} removed`);
  }
  return outcomes;
}
