import { rm } from "node:fs/promises";
import path from "node:path";
import { loadBuildSpec, markCancelled, markFailed, SecretBoxError, startBuild, type BuildSpec, type WorkerGuard } from "@autostack/api/services";
import { BuildFailure } from "./build-failure.js";
import { runBuildSteps } from "./build-steps.js";
import { BuildCancelled, BuildSuperseded, ownedBy, watchCancel } from "./cancel-watch.js";
import { watchDiskQuota } from "./disk-quota.js";
import { containerLayerUsage } from "./layer-usage.js";
import { LogSink } from "./log-sink.js";
import { createMasker, urlSecrets } from "./mask.js";
import { withRetries } from "./retry.js";
import type { BuildPipelineDeps } from "./pipeline-deps.js";

// One deployment's build, from the queued row to a stored artifact:
// clone → install + build in a container or sandbox (BUILD_RUNNER) → check
// the output → upload → success (the steps: build-steps.ts; cancel and
// takeover watching: cancel-watch.ts). Every way out leaves the deployment in a
// final state — unless another worker has taken it over meanwhile (this one
// was presumed dead, ADR 0009): then it stops and leaves the deployment alone.

export interface BuildRunOptions {
  workerId: string;
  /** graphile-worker's shutdown signal. */
  signal?: AbortSignal;
  /** How often cancel_requested_at is polled (default 1 s). */
  cancelPollMs?: number;
  /** Pause between two measurements of the build's disk use (default 2 s). */
  diskPollMs?: number;
}

/**
 * "skipped": not this worker's to build (no longer queued, or taken over by another worker);
 * "waiting": an older build of the branch is running, the job comes back later (branch-queue.ts).
 */
export type BuildOutcome = "skipped" | "waiting" | "success" | "failed" | "cancelled";

const MiB = 1024 * 1024;

export async function runBuildPipeline(deps: BuildPipelineDeps, deploymentId: string, options: BuildRunOptions): Promise<BuildOutcome> {
  const { db, env } = deps;
  let spec: BuildSpec | null;
  try {
    // Retried while the database is away; a key that no longer opens the env vars fails at once.
    spec = await withRetries(() => loadBuildSpec(db, env, deploymentId), { isPermanent: (error) => error instanceof SecretBoxError, signal: options.signal });
  } catch (error) {
    // A changed ENCRYPTION_KEY can never succeed: fail the deployment rather than leave it queued.
    if (!(error instanceof SecretBoxError)) throw error;
    await markFailed(db, deploymentId, `Could not read the deployment's configuration: ${error.message}`);
    return "failed";
  }
  if (!spec || spec.status !== "queued") return "skipped";
  const start = await startBuild(db, deploymentId, { workerId: options.workerId });
  if (start !== "building") return start === "waiting" ? "waiting" : "skipped";
  const guard = { workerId: options.workerId } satisfies WorkerGuard;

  // Env var values and the clone URL's credentials never reach a log line or an error message.
  const mask = createMasker([...spec.envVars.map((v) => v.value), ...urlSecrets(spec.repository)]);
  const sink = LogSink.forDeployment(db, deploymentId, mask, { limitBytes: env.BUILD_LOG_LIMIT_MB * MiB });
  const buildDir = path.resolve(env.DATA_DIR, "builds", deploymentId);
  const cancel = watchCancel(db, deploymentId, options.workerId, options.signal, options.cancelPollMs ?? 1000);
  // BUILD_DISK_MB (disk-quota.ts): over it, the running step is stopped like a cancel.
  const disk = watchDiskQuota({
    dir: buildDir,
    limitBytes: env.BUILD_DISK_MB * MiB,
    intervalMs: options.diskPollMs ?? 2000,
    ...(deps.runner.kind === "docker" ? { otherUsage: containerLayerUsage(env.DOCKER_HOST, deploymentId, options.workerId) } : {}),
  });
  try {
    await runBuildSteps(deps, spec, buildDir, sink, AbortSignal.any([cancel.signal, disk.signal]), guard, disk);
    return "success";
  } catch (error) {
    // null: deleted; undefined: could not be read (then nothing is presumed).
    const row = await db.deployment
      .findUnique({ where: { id: deploymentId }, select: { cancelRequestedAt: true, status: true, workerId: true } })
      .catch(() => undefined);
    // Presumed dead while only slow: the deployment is another attempt's now
    // (or was finished by the sweep). Its log and status are not ours to write.
    if (error instanceof BuildSuperseded || cancel.superseded() || (row && !ownedBy(row, options.workerId))) {
      await sink.discard();
      return "skipped";
    }
    const overDisk = disk.exceeded() ? `Build used more than ${env.BUILD_DISK_MB} MB of disk (BUILD_DISK_MB)` : null;
    if (!overDisk && (error instanceof BuildCancelled || cancel.signal.aborted)) {
      if (row === null || row?.cancelRequestedAt || cancel.cancelRequested()) {
        sink.platform("Build cancelled", "warning");
        await sink.flush();
        await markCancelled(db, deploymentId, guard);
        return "cancelled";
      }
      if (options.signal?.aborted) {
        sink.platform("Build interrupted: the worker is shutting down", "error");
        await sink.flush();
        await markFailed(db, deploymentId, "Build interrupted: the worker shut down", guard);
        return "failed";
      }
    }
    const message = overDisk ?? (error instanceof BuildFailure ? error.message : `Internal error: ${error instanceof Error ? error.message : String(error)}`);
    sink.platform(message, "error");
    await sink.flush();
    await markFailed(db, deploymentId, mask(message), guard);
    return "failed";
  } finally {
    cancel.stop();
    disk.stop();
    await rm(buildDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    await sink.close().catch(() => undefined);
  }
}
