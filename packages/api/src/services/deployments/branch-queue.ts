import { Prisma, type Database } from "@autostack/db";
import { rescheduleBuildJob } from "./build-job.js";
import { insertLogLines } from "./log-writer.js";
import { markBuildingIn, type BuildingOptions } from "./lifecycle.js";

// One build per project and branch at a time (previews: per pull request). A deployment whose branch is
// already building (or uploading) stays queued and its build job comes back
// a few seconds later, until the older build is over; so two quick pushes
// build one after the other and the newest finishes last. Not
// graphile-worker's queue_name: a dead worker's locked queue would hold the
// branch for hours, while here a build stuck on a dead worker is ended or
// retried by the stuck sweep (stuck.ts) and the waiting one moves on.
// Two workers starting builds of one branch at once are serialised by a
// transaction-scoped advisory lock on the project and branch.

export const BRANCH_WAIT_MS = 5000;

/**
 * Which line a deployment waits in besides its project and branch: production builds of a branch, or one pull
 * request's previews (a fork's PR from its own "main" does not wait behind the project's production builds of main).
 */
const LANE = Prisma.sql`CASE WHEN target = 'preview' THEN 'pr:' || coalesce(pull_request_number::text, '') ELSE 'production' END`;

const BRANCH_LOCK_CLASS = 0x62726e63; // "brnc"
const WAITING_LINE = "Waiting for the build of ";

export type BuildStart = "building" | "waiting" | "gone";

export interface StartOptions extends BuildingOptions {
  /** How long until the job looks again while the branch is busy (default BRANCH_WAIT_MS). */
  waitMs?: number;
}

/** queued → building when the branch is free; otherwise "waiting" (job re-scheduled); "gone" when no longer queued. */
export async function startBuild(db: Database, id: string, options: StartOptions): Promise<BuildStart> {
  return db.$transaction(async (tx) => {
    const [target] = await tx.$queryRaw<{ project_id: string; branch: string | null; lane: string }[]>`
      SELECT project_id::text, branch, ${LANE} AS lane FROM deployments WHERE id = ${id}::uuid AND status = 'queued' AND cancel_requested_at IS NULL`;
    if (!target) return "gone";
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${BRANCH_LOCK_CLASS}::int, hashtext(${target.project_id}::text || ':' || ${target.lane}::text || ':' || coalesce(${target.branch}::text, '')))`;
    // A cancel committed meanwhile wins; one that comes later waits for this transaction.
    const [still] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM deployments WHERE id = ${id}::uuid AND status = 'queued' AND cancel_requested_at IS NULL FOR UPDATE`;
    if (!still) return "gone";
    const [busy] = await tx.$queryRaw<{ id: string; commit_hash: string | null }[]>`
      SELECT id::text, commit_hash FROM deployments
      WHERE project_id = ${target.project_id}::uuid AND branch IS NOT DISTINCT FROM ${target.branch}::text AND ${LANE} = ${target.lane}::text
        AND status IN ('building', 'deploying') AND id <> ${id}::uuid
      ORDER BY created_at LIMIT 1`;
    if (!busy) return (await markBuildingIn(tx, id, options)) ? "building" : "gone";
    await rescheduleBuildJob(tx, id, options.waitMs ?? BRANCH_WAIT_MS);
    const told = await tx.deploymentLog.count({ where: { deploymentId: id, message: { startsWith: WAITING_LINE } } });
    if (told === 0) {
      const older = busy.commit_hash ? busy.commit_hash.slice(0, 7) : `deployment ${busy.id.slice(0, 8)}`;
      await insertLogLines(tx, id, [{ level: "info", message: `${WAITING_LINE}${older} to finish` }]);
    }
    return "waiting";
  });
}
