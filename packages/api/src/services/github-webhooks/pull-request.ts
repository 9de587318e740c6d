import type { Prisma } from "@autostack/db";
import type { Deps } from "../deps.js";
import { RateLimitError } from "../../errors.js";
import { buildConfigSelect } from "../deployments/build-config.js";
import type { Tx } from "../deployments/build-job.js";
import { insertQueuedDeployment } from "../deployments/enqueue.js";
import { openEnvVars } from "../deployments/env-vars.js";
import { closePreviews } from "./preview-close.js";
import { pullRequestEvent, type PullRequestEvent } from "./pull-request-payload.js";
import { supersedeQueued } from "./supersede.js";

// A pull request on a repository that projects deploy. opened, synchronize,
// reopened: a preview deployment of the head commit per such project, with the
// project's saved settings, its own URL and never production; the pull
// request's previews still queued are superseded by it. A fork's pull request
// builds without the project's env vars (its code could print them). closed:
// the previews are cancelled or removed (preview-close.ts). Runs inside the
// transaction that marks the delivery processed.

const projectSelect = { id: true, userId: true, slug: true, repository: true, envVars: true, ...buildConfigSelect } as const;

type PreviewProject = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;

async function deployPreview(tx: Tx, deps: Pick<Deps, "env">, event: PullRequestEvent, project: PreviewProject): Promise<string> {
  const { id: projectId, userId, slug, envVars: sealed, ...config } = project;
  let deploymentId: string;
  try {
    deploymentId = await insertQueuedDeployment(tx, deps.env, {
      ...config,
      userId,
      projectId,
      projectSlug: slug,
      branch: event.headRef,
      envVars: event.fromFork ? [] : openEnvVars(deps.env, sealed, { projectId }),
      commitHash: event.headSha,
      commitMessage: event.title,
      author: event.author,
      target: "preview",
      pullRequestNumber: event.number,
    });
  } catch (error) {
    if (!(error instanceof RateLimitError)) throw error;
    return `project ${projectId}: skipped (${error.message})`;
  }
  const superseded = await supersedeQueued(tx, { projectId, branch: event.headRef, except: deploymentId, commitHash: event.headSha, pullRequestNumber: event.number });
  const key = { projectId_pullRequestNumber: { projectId, pullRequestNumber: event.number } };
  await tx.githubPrComment.upsert({ where: key, create: { projectId, pullRequestNumber: event.number, fromFork: event.fromFork }, update: { fromFork: event.fromFork, closedAt: null } });
  return `project ${projectId}: preview ${deploymentId}${superseded ? `, ${superseded} superseded` : ""}`;
}

export async function actOnPullRequest(tx: Tx, deps: Pick<Deps, "env"> & Partial<Pick<Deps, "log">>, payload: unknown): Promise<string> {
  const event = pullRequestEvent(payload);
  if ("ignored" in event) return `ignored: ${event.ignored}`;
  const projects = await tx.project.findMany({
    // Through the installation that sent the event, as for pushes; a suspended one previews nothing, but a closed PR's previews still go.
    where: {
      githubRepoId: event.repositoryId,
      user: { githubConnection: { installationId: event.installationId, ...(event.action === "closed" ? {} : { suspendedAt: null }) } },
    },
    select: projectSelect,
    orderBy: { createdAt: "asc" },
  });
  if (projects.length === 0) return `ignored: no project deploys ${event.fullName}`;
  if (event.action === "closed") return `closed: ${(await closePreviews(tx, event.number, projects.map((p) => p.id))).join("; ")}`;
  const outcomes: string[] = [];
  for (const project of projects) outcomes.push(await deployPreview(tx, deps, event, project));
  deps.log?.info({ repository: event.fullName, pullRequest: event.number, commit: event.headSha, fromFork: event.fromFork }, "pull request previewed");
  return `previewed #${event.number}${event.fromFork ? " (fork, without env vars)" : ""}: ${outcomes.join("; ")}`;
}
