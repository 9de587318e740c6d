import type { Database } from "@autostack/db";
import { publishEvent } from "../../events.js";
import { enqueueBuildJob } from "./build-job.js";
import { insertLogLines } from "./log-writer.js";
import { resetStages } from "./stages.js";
import { asStatus } from "../../domain/deployments/status.js";
import { clip, finishDeployment } from "./transitions.js";

// Nothing stays queued, building or deploying for ever. The worker runs this
// sweep periodically (any process may: every step is guarded). A deployment
// is stuck when
//   - it is building/deploying and its worker's heartbeat is older than the
//     timeout, or missing while the build started longer ago than that
//     (SIGKILL, OOM, host restart; a worker takes jobs a moment before its
//     first heartbeat, so a missing row alone does not mean death);
//   - its build job is gone or failed permanently while it is still active
//     (the task threw or returned without reporting an outcome);
//   - it is queued but its job has been locked for longer than the timeout
//     (a worker took it and died before markBuilding).
// A stuck deployment is cancelled if the user asked for that, retried once
// (attempts counts dispatches: 1 at creation), and otherwise failed, each
// with a log line that says why.

export interface StuckSweepResult {
  retried: string[];
  failed: string[];
  cancelled: string[];
}

interface Candidate {
  id: string;
  status: string;
  attempts: number;
  worker_id: string | null;
  started_at: Date | null;
  cancel_requested: boolean;
  heartbeat_at: Date | null;
  job_id: string | null;
  job_locked_at: Date | null;
  job_dead: boolean;
  job_error: string | null;
}

export const MAX_BUILD_ATTEMPTS = 2;

function stuckReason(c: Candidate, cutoff: Date, timeoutSeconds: number): string | null {
  const running = c.status === "building" || c.status === "deploying";
  if (running && !c.worker_id) return "The build was running without a worker";
  const silent = c.heartbeat_at ? c.heartbeat_at < cutoff : !c.started_at || c.started_at < cutoff;
  if (running && silent) {
    return `The build worker (${c.worker_id}) stopped responding (no heartbeat for over ${timeoutSeconds} s)`;
  }
  if (!c.job_id || c.job_dead) {
    const detail = c.job_error ? `: ${clip(c.job_error.split("\n")[0]!.trim(), 300)}` : "";
    return `The build job ended without reporting a result${detail}`;
  }
  if (c.status === "queued" && c.job_locked_at && c.job_locked_at < cutoff) {
    return "A worker took the build job but never started it";
  }
  return null;
}

async function findCandidates(db: Database): Promise<Candidate[]> {
  return db.$queryRaw<Candidate[]>`
    SELECT d.id::text AS id, d.status, d.attempts, d.worker_id, d.started_at,
           d.cancel_requested_at IS NOT NULL AS cancel_requested,
           h.last_seen_at AS heartbeat_at,
           j.id::text AS job_id, j.locked_at AS job_locked_at,
           (j.id IS NOT NULL AND j.locked_at IS NULL AND j.attempts >= j.max_attempts) AS job_dead,
           j.last_error AS job_error
    FROM deployments d
    LEFT JOIN worker_heartbeats h ON h.worker_id = d.worker_id
    LEFT JOIN graphile_worker.jobs j ON j.key = 'build:' || d.id::text
    WHERE d.status IN ('queued', 'building', 'deploying')`;
}

/** Back to the queue with a new job; guarded on the state we judged stuck. */
async function retry(db: Database, c: Candidate, reason: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const rows = await tx.deployment.updateManyAndReturn({
      where: { id: c.id, status: c.status, attempts: c.attempts, workerId: c.worker_id },
      data: { status: "queued", workerId: null, startedAt: null, attempts: { increment: 1 } },
      select: { attempts: true },
    });
    if (rows.length === 0) return false;
    await resetStages(tx, c.id, now);
    await enqueueBuildJob(tx, c.id);
    await insertLogLines(tx, c.id, [
      { level: "warning", message: `${reason}. Retrying the build (attempt ${rows[0]!.attempts} of ${MAX_BUILD_ATTEMPTS}).` },
    ]);
    await publishEvent(tx, { type: "deployment.status", deploymentId: c.id, status: "queued" });
    return true;
  });
}

async function finish(db: Database, c: Candidate, outcome: "failed" | "cancelled", message: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const row = await finishDeployment(tx, c.id, outcome, {
      from: [asStatus(c.status)],
      errorMessage: outcome === "failed" ? message : null,
    });
    if (!row) return false;
    await insertLogLines(tx, c.id, [{ level: outcome === "failed" ? "error" : "warning", message }]);
    return true;
  });
}

export async function failStuckDeployments(db: Database, options: { heartbeatTimeoutMs: number; now?: Date }): Promise<StuckSweepResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.heartbeatTimeoutMs);
  const timeoutSeconds = Math.round(options.heartbeatTimeoutMs / 1000);
  const result: StuckSweepResult = { retried: [], failed: [], cancelled: [] };
  for (const candidate of await findCandidates(db)) {
    const reason = stuckReason(candidate, cutoff, timeoutSeconds);
    if (!reason) continue;
    if (candidate.cancel_requested) {
      if (await finish(db, candidate, "cancelled", `${reason}. The deployment was cancelled as requested.`)) result.cancelled.push(candidate.id);
    } else if (candidate.attempts < MAX_BUILD_ATTEMPTS) {
      if (await retry(db, candidate, reason)) result.retried.push(candidate.id);
    } else if (await finish(db, candidate, "failed", `${reason}. The build was already retried once; giving up.`)) {
      result.failed.push(candidate.id);
    }
  }
  return result;
}
