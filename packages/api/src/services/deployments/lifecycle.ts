import type { Database } from "@autostack/db";
import { publishEvent } from "../../events.js";
import type { Tx } from "./build-job.js";
import { lockProject, promoteIfNewer } from "./production.js";
import { startStage } from "./stages.js";
import { ACTIVE_STATUSES, asStatus } from "../../domain/deployments/status.js";
import { clip, finishDeployment, MAX_ERROR_MESSAGE } from "./transitions.js";
import { siteUrl, type UrlEnv } from "./urls.js";

// What the build worker reports, one function per transition. Each runs in
// one transaction, publishes `deployment.status`, and returns whether it
// applied: false means the deployment was cancelled, deleted or already
// moved on (a retry took over), and the worker should stop and clean up
// (remove an uploaded artifact, for instance).
//
// After markBuilding the worker passes its id (`{ workerId }`): a worker that
// was presumed dead (its heartbeat stopped, ADR 0009) while it was only slow
// or partitioned must not move a deployment that a retry on another worker
// now holds — not to deploying, not to success, not to failed.

/** Restricts a transition to the worker that holds the deployment (markBuilding's workerId). */
export interface WorkerGuard {
  workerId?: string;
}

function ownedBy(guard: WorkerGuard | undefined): { workerId?: string } {
  return guard?.workerId !== undefined ? { workerId: clip(guard.workerId, 128) } : {};
}

export interface CommitInfo {
  hash?: string | null;
  message?: string | null;
  author?: string | null;
}

function commitData(commit: CommitInfo | undefined) {
  if (!commit) return {};
  const hash = commit.hash?.trim().toLowerCase();
  return {
    ...(hash && /^[0-9a-f]{7,40}$/.test(hash) ? { commitHash: hash } : {}),
    ...(commit.message ? { commitMessage: clip(commit.message.trim(), 2000) } : {}),
    ...(commit.author ? { author: clip(commit.author.trim(), 255) } : {}),
  };
}

export interface BuildingOptions {
  workerId: string;
  commit?: CommitInfo;
}

/**
 * queued → building, whatever else of the branch is building. The build task
 * goes through startBuild (branch-queue.ts), which waits its turn in the
 * project's branch first and then calls markBuildingIn in the same transaction.
 */
export async function markBuilding(db: Database, id: string, options: BuildingOptions): Promise<boolean> {
  return db.$transaction((tx) => markBuildingIn(tx, id, options));
}

export async function markBuildingIn(tx: Tx, id: string, options: BuildingOptions): Promise<boolean> {
  const now = new Date();
  const rows = await tx.deployment.updateManyAndReturn({
    where: { id, status: "queued", cancelRequestedAt: null },
    data: { status: "building", workerId: clip(options.workerId, 128), startedAt: now, ...commitData(options.commit) },
    select: { id: true },
  });
  if (rows.length === 0) return false;
  await startStage(tx, id, "building", now);
  await publishEvent(tx, { type: "deployment.status", deploymentId: id, status: "building" });
  return true;
}

/** The commit actually checked out (hash, first line of the message, author). */
export async function recordCommit(db: Database, id: string, commit: CommitInfo, guard?: WorkerGuard): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.deployment.updateManyAndReturn({
      where: { id, status: { in: ACTIVE_STATUSES }, ...ownedBy(guard) },
      data: commitData(commit),
      select: { status: true },
    });
    if (!row) return false;
    await publishEvent(tx, { type: "deployment.status", deploymentId: id, status: asStatus(row.status) });
    return true;
  });
}

/** building → deploying (uploading the artifact). Refused once a cancel was requested. */
export async function markDeploying(db: Database, id: string, guard?: WorkerGuard): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const rows = await tx.deployment.updateManyAndReturn({
      where: { id, status: "building", cancelRequestedAt: null, ...ownedBy(guard) },
      data: { status: "deploying" },
      select: { id: true },
    });
    if (rows.length === 0) return false;
    await startStage(tx, id, "deploying", now);
    await publishEvent(tx, { type: "deployment.status", deploymentId: id, status: "deploying" });
    return true;
  });
}

export interface ArtifactInfo {
  artifactKey: string;
  bytes: number | bigint;
  files: number;
}

/**
 * building|deploying → success, only after the artifact is completely
 * stored. In the same transaction the project's production URL moves to this
 * deployment if it is the newest success. Refused after a cancel request.
 */
export async function markSucceeded(db: Database, env: UrlEnv, id: string, artifact: ArtifactInfo, guard?: WorkerGuard): Promise<boolean> {
  const target = await db.deployment.findUnique({ where: { id }, select: { projectId: true, slug: true, target: true } });
  if (!target) return false;
  return db.$transaction(async (tx) => {
    const project = await lockProject(tx, target.projectId);
    if (!project) return false;
    const row = await finishDeployment(tx, id, "success", {
      from: ["building", "deploying"],
      requireNoCancelRequest: true,
      ...ownedBy(guard),
      data: {
        artifactKey: artifact.artifactKey,
        artifactBytes: BigInt(artifact.bytes),
        artifactFiles: artifact.files,
        deployedUrl: siteUrl(env, target.slug),
      },
    });
    if (!row) return false;
    // A pull request's preview has its own URL only; production never moves to it.
    if (target.target !== "preview") await promoteIfNewer(tx, row.projectId, project.productionDeploymentId, row);
    return true;
  });
}

/** queued|building|deploying → failed, with the reason shown on the detail page. */
export async function markFailed(db: Database, id: string, message: string, guard?: WorkerGuard): Promise<boolean> {
  const row = await db.$transaction((tx) =>
    finishDeployment(tx, id, "failed", { from: ACTIVE_STATUSES, errorMessage: clip(message, MAX_ERROR_MESSAGE) || "Build failed", ...ownedBy(guard) }),
  );
  return row !== null;
}

/** queued|building|deploying → cancelled; the worker calls it once the container is stopped. */
export async function markCancelled(db: Database, id: string, guard?: WorkerGuard): Promise<boolean> {
  const row = await db.$transaction((tx) => finishDeployment(tx, id, "cancelled", { from: ACTIVE_STATUSES, ...ownedBy(guard) }));
  return row !== null;
}
