import type { Deps } from "../deps.js";
import type { Env } from "../../env.js";
import type { Tx } from "../deployments/build-job.js";
import { linkedProjects, queueLinkedProject, type LinkedProject } from "./linked-projects.js";
import { closePreviews } from "./preview-close.js";
import { pullRequestEvent, type PullRequestEvent } from "./pull-request-payload.js";

// A pull request on a repository that projects deploy. opened, synchronize,
// reopened: a preview deployment of the head commit per such project, with the
// project's saved settings, its own URL and never production; the pull
// request's previews still queued are superseded by it. A fork's pull request
// builds without the project's env vars (its code could print them). closed:
// the previews are cancelled or removed (preview-close.ts). Runs inside the
// transaction that marks the delivery processed.

async function deployPreview(tx: Tx, env: Env, event: PullRequestEvent, project: LinkedProject): Promise<string> {
  const projectId = project.id;
  const queued = await queueLinkedProject(tx, env, project, {
    branch: event.headRef,
    commitHash: event.headSha,
    commitMessage: event.title,
    author: event.author,
    pullRequestNumber: event.number,
    withoutEnvVars: event.fromFork,
  });
  if ("skipped" in queued) return `project ${projectId}: skipped (${queued.skipped})`;
  const key = { projectId_pullRequestNumber: { projectId, pullRequestNumber: event.number } };
  await tx.githubPrComment.upsert({ where: key, create: { projectId, pullRequestNumber: event.number, fromFork: event.fromFork }, update: { fromFork: event.fromFork, closedAt: null } });
  return `project ${projectId}: preview ${queued.deploymentId}${queued.superseded ? `, ${queued.superseded} superseded` : ""}`;
}

export async function actOnPullRequest(tx: Tx, deps: Pick<Deps, "env"> & Partial<Pick<Deps, "log">>, payload: unknown): Promise<string> {
  const event = pullRequestEvent(payload);
  if ("ignored" in event) return `ignored: ${event.ignored}`;
  // Through the installation that sent the event, as for pushes; a suspended one previews nothing, but a closed PR's previews still go.
  const projects = await linkedProjects(tx, { repositoryId: event.repositoryId, installationId: event.installationId, includeSuspended: event.action === "closed" });
  if (projects.length === 0) return `ignored: no project deploys ${event.fullName}`;
  if (event.action === "closed") return `closed: ${(await closePreviews(tx, event.number, projects.map((p) => p.id))).join("; ")}`;
  const outcomes: string[] = [];
  for (const project of projects) outcomes.push(await deployPreview(tx, deps.env, event, project));
  deps.log?.info({ repository: event.fullName, pullRequest: event.number, commit: event.headSha, fromFork: event.fromFork }, "pull request previewed");
  return `previewed #${event.number}${event.fromFork ? " (fork, without env vars)" : ""}: ${outcomes.join("; ")}`;
}
