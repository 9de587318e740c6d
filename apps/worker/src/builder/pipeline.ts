import { lstat, mkdir, realpath, rm } from "node:fs/promises";
import path from "node:path";
import type { Env } from "@autostack/api/env";
import {
  loadBuildSpec,
  markBuilding,
  markCancelled,
  markDeploying,
  markFailed,
  markSucceeded,
  recordCommit,
  checkRepositoryAddress,
  pinnedGitConfig,
  RepositoryAddressError,
  SecretBoxError,
  type ArtifactStorage,
  type BuildSpec,
  type WorkerGuard,
} from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { cloneRepository } from "./clone.js";
import { BuildCancelled, BuildSuperseded, ownedBy, watchCancel } from "./cancel-watch.js";
import { watchDiskQuota, type DiskQuotaWatch } from "./disk-quota.js";
import { installationId } from "./installation.js";
import { containerLayerUsage } from "./layer-usage.js";
import { LogSink } from "./log-sink.js";
import { createMasker, urlSecrets } from "./mask.js";
import { BuildEnvironmentError, prepareBuildEnvironment, type BuildEnvironment } from "./build-environment.js";
import { measureOutput } from "./output-limits.js";
import { withRetries } from "./retry.js";
import { StepSetupError, type StepRunner } from "./step.js";

// One deployment's build, from the queued row to a stored artifact:
// clone → install + build in a container or sandbox (BUILD_RUNNER) → check
// the output → upload → success. Every way out leaves the deployment in a
// final state — unless another worker has taken it over meanwhile (this one
// was presumed dead, ADR 0009): then it stops and leaves the deployment alone.

export interface BuildPipelineDeps {
  db: Database;
  env: Env;
  storage: ArtifactStorage;
  /** Where the steps run (runners/create-runner.ts); its check() failing fails the deployment with its reason. */
  runner: StepRunner;
}

export interface BuildRunOptions {
  workerId: string;
  /** graphile-worker's shutdown signal. */
  signal?: AbortSignal;
  /** How often cancel_requested_at is polled (default 1 s). */
  cancelPollMs?: number;
  /** Pause between two measurements of the build's disk use (default 2 s). */
  diskPollMs?: number;
}

/** "skipped": not this worker's to build (no longer queued, or taken over by another worker). */
export type BuildOutcome = "skipped" | "success" | "failed" | "cancelled";

const MiB = 1024 * 1024;
const CLONE_TIMEOUT_MS = 120_000;

/** Thrown for an expected failure whose message is the deployment's error message. */
class BuildFailure extends Error {}

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
  if (!(await markBuilding(db, deploymentId, { workerId: options.workerId }))) return "skipped";
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
    await build(deps, spec, buildDir, sink, AbortSignal.any([cancel.signal, disk.signal]), guard, disk);
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

async function build(deps: BuildPipelineDeps, spec: BuildSpec, buildDir: string, sink: LogSink, signal: AbortSignal, guard: { workerId: string }, disk: DiskQuotaWatch): Promise<void> {
  const { db, env, storage, runner } = deps;
  const id = spec.deploymentId;
  const checkIn = () => {
    if (signal.aborted) throw new BuildCancelled();
  };

  const readiness = await runner.check();
  if (!readiness.ready) throw new BuildFailure(readiness.reason);
  for (const note of readiness.notes) sink.platform(note);

  await rm(buildDir, { recursive: true, force: true, maxRetries: 3 });
  await mkdir(buildDir, { recursive: true });
  const checkout = path.join(buildDir, "repo");
  sink.platform(`Cloning ${spec.repository}@${spec.branch}`);
  let pin;
  try {
    pin = await checkRepositoryAddress(spec.repository, { allowPrivate: env.ALLOW_PRIVATE_NETWORK_REPOS });
  } catch (error) {
    if (error instanceof RepositoryAddressError) throw new BuildFailure(`Clone refused: ${error.reason}`);
    throw error;
  }
  let commit;
  try {
    commit = await cloneRepository({
      url: spec.repository,
      branch: spec.branch,
      dir: checkout,
      commitHash: spec.commitHash,
      allowLocal: env.ALLOW_LOCAL_REPOS,
      gitConfig: pinnedGitConfig(pin),
      timeoutMs: CLONE_TIMEOUT_MS,
      signal,
    });
  } catch (error) {
    checkIn();
    throw new BuildFailure(`Clone failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  sink.platform(`Checked out ${commit.hash.slice(0, 7)}: ${commit.message}`);
  if (!(await recordCommit(db, id, commit, guard))) throw new BuildSuperseded();
  checkIn();

  const root = await realpath(checkout);
  const projectDir = await insideDirectory(root, spec.rootDirectory ?? ".", "Root directory");
  let prepared: BuildEnvironment;
  try {
    prepared = await prepareBuildEnvironment({ spec, projectDir, toolchains: readiness.toolchains, dataDir: env.DATA_DIR, cacheMb: env.BUILD_CACHE_MB });
  } catch (error) {
    if (error instanceof BuildEnvironmentError) throw new BuildFailure(error.message);
    throw error;
  }
  for (const note of prepared.notes) sink.platform(note.text, note.level);
  for (const mount of prepared.mounts) if (!mount.readOnly) await disk.include(mount.source); // the build cache's growth counts too
  const { install } = prepared;
  const deadline = Date.now() + env.BUILD_TIMEOUT;
  // Install and build are separate containers so that a failure says which
  // step failed; BUILD_TIMEOUT bounds both together.
  const runStep = async (step: "Install" | "Build", command: string) => {
    const timeoutMs = deadline - Date.now();
    if (timeoutMs <= 0) throw new BuildFailure(`Build timed out after ${formatSeconds(env.BUILD_TIMEOUT)}`);
    let result;
    try {
      result = await runner.run({
        command,
        workDir: projectDir,
        env: { ...prepared.env, ...Object.fromEntries(spec.envVars.map((v) => [v.key, v.value])) },
        mounts: prepared.mounts,
        memoryBytes: env.BUILD_MEMORY_MB * MiB,
        nanoCpus: Math.round(env.BUILD_CPUS * 1e9),
        pidsLimit: env.BUILD_PIDS_LIMIT,
        network: env.BUILD_NETWORK,
        owner: { deploymentId: id, workerId: guard.workerId, installationId: await installationId(db) },
        timeoutMs,
        signal,
        onLine: (stream, line) => sink.output(stream, line),
        onNotice: (text) => sink.platform(text, "warning"),
      });
    } catch (error) {
      if (error instanceof StepSetupError) throw new BuildFailure(error.message);
      throw error;
    }
    if (result.cancelled) throw new BuildCancelled();
    if (result.timedOut) throw new BuildFailure(`Build timed out after ${formatSeconds(env.BUILD_TIMEOUT)}`);
    if (result.oomKilled) throw new BuildFailure(`${step} ran out of memory (limit ${env.BUILD_MEMORY_MB} MB)`);
    if (result.exitCode !== 0) {
      const hint = step === "Install" && install?.caveat ? ` (${install.packageManager} is fetched with npx and needs network access to the npm registry)` : "";
      throw new BuildFailure(`${step} failed with exit code ${result.exitCode}${hint}`);
    }
    return result;
  };
  if (install) {
    sink.platform(`Installing with ${install.command} (${install.reason})`);
    if (install.caveat && env.BUILD_NETWORK === "none") {
      // npx would spend minutes retrying a registry it cannot reach.
      throw new BuildFailure(`Install needs the npm registry to fetch ${install.packageManager}, but builds have no network (BUILD_NETWORK=none); set an install command or use BUILD_NETWORK=public`);
    }
    if (install.caveat) sink.platform(install.caveat, "warning");
    const result = await runStep("Install", install.command);
    sink.platform(`Install finished in ${formatSeconds(result.durationMs)}`);
    checkIn();
  }
  if (spec.buildCommand.trim()) {
    sink.platform(`Running: ${spec.buildCommand}`);
    const result = await runStep("Build", spec.buildCommand);
    sink.platform(`Build finished in ${formatSeconds(result.durationMs)}`);
  }
  await disk.check(); // what the last step wrote after the last measurement
  checkIn();

  // Repository metadata is never part of a site (outputDir "." would publish it).
  await rm(path.join(root, ".git"), { recursive: true, force: true });
  const outDir = await insideDirectory(root, path.join(path.relative(root, projectDir) || ".", spec.outputDir || "."), "Output directory");
  const output = await measureOutput(outDir, { maxBytes: env.MAX_BUILD_SIZE * MiB, maxFiles: env.MAX_BUILD_FILES });
  if (output.over === "bytes") throw new BuildFailure(`Build output is larger than the limit of ${env.MAX_BUILD_SIZE} MB`);
  if (output.over === "files") throw new BuildFailure(`Build output has more than ${env.MAX_BUILD_FILES} files (MAX_BUILD_FILES)`);
  disk.stop(); // the steps are over: nothing but the worker writes now

  if (!(await markDeploying(db, id, guard))) throw new BuildCancelled();
  const uploaded = await storage.uploadDirectory(id, outDir);
  sink.platform(`Uploaded ${uploaded.files} ${uploaded.files === 1 ? "file" : "files"} (${(uploaded.bytes / 1024).toFixed(1)} KB)`);
  await sink.flush();
  if (!(await markSucceeded(db, env, id, { artifactKey: id, bytes: uploaded.bytes, files: uploaded.files }, guard))) {
    // The artifact key is the deployment's: once another attempt holds the
    // deployment, the files may be that attempt's too, and stay.
    const row = await db.deployment.findUnique({ where: { id }, select: { status: true, workerId: true } });
    if (row && !ownedBy(row, guard.workerId) && !["cancelled", "failed"].includes(row.status)) throw new BuildSuperseded();
    await storage.remove(id).catch(() => undefined);
    throw new BuildCancelled();
  }
  await saveBuildCache(prepared, projectDir, sink);
}

/** Keeps node_modules and framework caches for the next build; a failure here costs the cache, never the deployment. */
async function saveBuildCache(prepared: BuildEnvironment, projectDir: string, sink: LogSink): Promise<void> {
  if (!prepared.cache) return;
  try {
    const { saved, bytes } = await prepared.cache.save(projectDir, prepared.cacheKey);
    sink.platform(`Build cache saved${saved.length ? `: ${saved.join(", ")} and the package store` : ": the package store"} (${(bytes / 1024 / 1024).toFixed(1)} MB)`);
  } catch (error) {
    sink.platform(`Build cache not saved: ${error instanceof Error ? error.message : String(error)}`, "warning");
  }
}

/** The real path of `relative` below `root`; fails unless it is a directory that stays inside. */
async function insideDirectory(root: string, relative: string, what: string): Promise<string> {
  if (path.isAbsolute(relative)) throw new BuildFailure(`${what} must be relative: ${relative}`);
  let resolved: string;
  try {
    resolved = await realpath(path.resolve(root, relative));
  } catch {
    throw new BuildFailure(`${what} "${relative}" does not exist`);
  }
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw new BuildFailure(`${what} "${relative}" is outside the repository`);
  if (!(await lstat(resolved)).isDirectory()) throw new BuildFailure(`${what} "${relative}" is not a directory`);
  return resolved;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
