import path from "node:path";
import type Docker from "dockerode";
import type { Task } from "graphile-worker";
import type { Env } from "@autostack/api/env";
import { BUILD_TASK, createArtifactStorage, createLocalArtifactStorage, failStuckDeployments, type ArtifactStorage, type StuckSweepResult } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { createDockerClient } from "../builder/runners/docker/docker-client.js";
import { LEFTOVER_GRACE_MS, removeLeftoverCheckouts, unneededUploads, type RemovedLeftover } from "../builder/leftovers.js";
import { removeLeftoverContainers, type OrphanContainer } from "../builder/orphans.js";

// Rescues what a dead worker left behind (ADR 0009): its graphile-worker locks
// (held 4 hours otherwise) and its deployments (retried once, then failed).
// Runs every 15 s in every worker (liveness.ts) for the 60 s guarantee, and
// as a cron task every minute as a backstop; every step is guarded, so
// concurrent runs do no harm.

export interface RecoveryResult extends StuckSweepResult {
  /** graphile-worker ids whose jobs were unlocked. */
  unlockedWorkers: string[];
}

/**
 * A worker is dead when it holds a job locked for longer than the heartbeat
 * timeout without a fresh heartbeat. The age condition spares a worker that
 * has just started and not beaten yet.
 */
async function deadWorkers(db: Database, cutoff: Date): Promise<string[]> {
  const rows = await db.$queryRaw<{ worker_id: string }[]>`
    SELECT DISTINCT j.locked_by AS worker_id
    FROM graphile_worker.jobs j
    WHERE j.locked_by IS NOT NULL AND j.locked_at < ${cutoff}
      AND NOT EXISTS (SELECT 1 FROM worker_heartbeats h WHERE h.worker_id = j.locked_by AND h.last_seen_at >= ${cutoff})`;
  return rows.map((row) => row.worker_id);
}

export async function recoverStuckBuilds(db: Database, options: { heartbeatTimeoutMs: number; now?: Date }): Promise<RecoveryResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.heartbeatTimeoutMs);
  const dead = await deadWorkers(db, cutoff);
  let spentBuildJobs: bigint[] = [];
  if (dead.length > 0) {
    // A build job is taken with its single attempt spent: once unlocked it
    // never runs again, and the deployment row, not the job, is the record.
    spentBuildJobs = (
      await db.$queryRaw<{ id: bigint }[]>`
        SELECT id FROM graphile_worker.jobs
        WHERE locked_by = ANY(${dead}::text[]) AND task_identifier = ${BUILD_TASK} AND attempts >= max_attempts`
    ).map((row) => row.id);
    // The SQL behind WorkerUtils.forceUnlockWorkers, without a second pool:
    // other tasks of the dead worker become runnable again at once.
    await db.$executeRaw`SELECT graphile_worker.force_unlock_workers(${dead}::text[])`;
  }
  const swept = await failStuckDeployments(db, { heartbeatTimeoutMs: options.heartbeatTimeoutMs, now });
  // The sweep re-enqueued a fresh job where a retry was due (add_job detaches
  // the key of a spent job), so the spent ones are garbage now.
  if (spentBuildJobs.length > 0) await db.$executeRaw`SELECT FROM graphile_worker.complete_jobs(${spentBuildJobs}::bigint[])`;
  // Their deployments are dealt with: nothing waits for these rows any more.
  // A worker that was only partitioned recreates its row on its next beat.
  await db.workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: cutoff } } });
  return { ...swept, unlockedWorkers: dead };
}

export function hasRecovered(result: RecoveryResult): boolean {
  return result.unlockedWorkers.length + result.retried.length + result.failed.length + result.cancelled.length > 0;
}

export interface LeftoverSweepOptions {
  dataDir: string;
  /** The engine whose build containers are swept; none with the bubblewrap runner. */
  docker?: Docker;
  /** The artifact store whose uncommitted uploads are swept; by default the local one under `dataDir`. */
  storage?: ArtifactStorage;
  graceMs?: number;
  now?: Date;
  /** Called once per removal, for its log line. */
  onRemoved: (message: string, meta: Record<string, string | null>) => void;
  /** Called when one part of the sweep fails; the other parts still run. */
  onError: (message: string, error: unknown) => void;
}

export interface LeftoverSweepResult {
  containers: OrphanContainer[];
  files: RemovedLeftover[];
}

/**
 * Removes what finished or deleted deployments left behind (ADR 0014): build
 * containers, checkouts under DATA_DIR/builds and uploads the artifact store
 * never committed (temporary directories under DATA_DIR/artifacts, or S3
 * upload prefixes). Never anything of a queued, building or deploying
 * deployment; see build/orphans.ts and build/leftovers.ts for the rules.
 */
export async function removeBuildLeftovers(db: Database, options: LeftoverSweepOptions): Promise<LeftoverSweepResult> {
  const timing = { graceMs: options.graceMs ?? LEFTOVER_GRACE_MS, ...(options.now ? { now: options.now } : {}) };
  const result: LeftoverSweepResult = { containers: [], files: [] };
  if (options.docker) {
    try {
      result.containers = await removeLeftoverContainers(options.docker, db, timing);
    } catch (error) {
      options.onError("could not sweep leftover build containers", error);
    }
    for (const container of result.containers) {
      options.onRemoved("removed a leftover build container", { containerId: container.id, deploymentId: container.deploymentId });
    }
  }
  const storage = options.storage ?? createLocalArtifactStorage(path.resolve(options.dataDir, "artifacts"));
  const uploads = async (): Promise<RemovedLeftover[]> =>
    (await storage.removeLeftoverUploads(unneededUploads(db, timing))).map((upload) => ({ kind: "upload", path: upload.location, deploymentId: upload.key }));
  const sweeps: [string, () => Promise<RemovedLeftover[]>][] = [
    ["could not sweep leftover checkouts", () => removeLeftoverCheckouts(db, path.resolve(options.dataDir, "builds"), timing)],
    ["could not sweep leftover artifact uploads", uploads],
  ];
  for (const [failure, sweep] of sweeps) {
    try {
      result.files.push(...(await sweep()));
    } catch (error) {
      options.onError(failure, error);
    }
  }
  for (const file of result.files) {
    const what = file.kind === "checkout" ? "removed a leftover checkout" : "removed a leftover artifact upload";
    options.onRemoved(what, { deploymentId: file.deploymentId, path: file.path });
  }
  return result;
}

export type LeftoverSweeper = (report: Pick<LeftoverSweepOptions, "onRemoved" | "onError">) => Promise<LeftoverSweepResult>;

/**
 * removeBuildLeftovers for what `env` configures: this worker's engine (with
 * the Docker runner), DATA_DIR and the artifact store. The clients are made
 * on first use and kept, and with them the S3 sweep's place in the bucket.
 */
export function createLeftoverSweeper(db: Database, env: Env): LeftoverSweeper {
  let docker: Docker | undefined;
  let storage: ArtifactStorage | undefined;
  return (report) =>
    removeBuildLeftovers(db, {
      dataDir: env.DATA_DIR,
      ...(env.BUILD_RUNNER === "docker" ? { docker: (docker ??= createDockerClient(env.DOCKER_HOST)) } : {}),
      storage: (storage ??= createArtifactStorage(env)),
      ...report,
    });
}

/** The cron backstop (crontab in tasks/index.ts); it also sweeps the leftovers of finished and deleted deployments. */
export function createRecoverStuckBuildsTask({ db, env }: { db: Database; env: Env }): Task {
  const sweepLeftovers = createLeftoverSweeper(db, env);
  return async (_payload, helpers) => {
    const result = await recoverStuckBuilds(db, { heartbeatTimeoutMs: env.WORKER_HEARTBEAT_TIMEOUT_MS });
    if (hasRecovered(result)) helpers.logger.warn("rescued work of dead workers", { ...result });
    await sweepLeftovers({
      onRemoved: (message, meta) => helpers.logger.info(message, meta),
      // An engine or bucket that is down must not fail the task: the stuck-build rescue above is what matters.
      onError: (message, error) => helpers.logger.warn(message, { error }),
    });
  };
}
