import type { Deps } from "../deps.js";
import type { Tx } from "../deployments/build-job.js";
import { linkedProjects, queueLinkedProject } from "./linked-projects.js";
import { pushedCommit } from "./push-payload.js";

// A push to a branch that projects deploy: a deployment of exactly the pushed
// commit per such project, with the project's saved settings (build command,
// output directory, env vars); the branch's deployments still queued are
// superseded by it. Runs inside the transaction that marks the delivery processed.

export async function deployPush(tx: Tx, deps: Pick<Deps, "env"> & Partial<Pick<Deps, "log">>, payload: unknown): Promise<string> {
  const commit = pushedCommit(payload);
  if ("ignored" in commit) return `ignored: ${commit.ignored}`;
  const projects = await linkedProjects(tx, { repositoryId: commit.repositoryId, installationId: commit.installationId, branch: commit.branch });
  if (projects.length === 0) return `ignored: no project deploys ${commit.fullName}@${commit.branch}`;
  const outcomes: string[] = [];
  for (const project of projects) {
    const queued = await queueLinkedProject(tx, deps.env, project, commit);
    outcomes.push(
      "skipped" in queued
        ? `project ${project.id}: skipped (${queued.skipped})`
        : `project ${project.id}: deployment ${queued.deploymentId}${queued.superseded ? `, ${queued.superseded} superseded` : ""}`,
    );
  }
  deps.log?.info({ repository: commit.fullName, branch: commit.branch, commit: commit.commitHash }, "push deployed");
  return `deployed: ${outcomes.join("; ")}`;
}
