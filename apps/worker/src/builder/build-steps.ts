import { mkdir, realpath, rm } from "node:fs/promises";
import path from "node:path";
import { checkRepositoryAddress, githubCloneAccess, GithubCloneAccessError, markDeploying, markSucceeded, pinnedGitConfig, recordCommit, RepositoryAddressError, type BuildSpec } from "@autostack/api/services";
import { BuildEnvironmentError, prepareBuildEnvironment, type BuildEnvironment } from "./build-environment.js";
import { BuildFailure, formatSeconds, insideDirectory } from "./build-failure.js";
import { BuildCancelled, BuildSuperseded, ownedBy } from "./cancel-watch.js";
import { cloneRepository } from "./clone.js";
import type { DiskQuotaWatch } from "./disk-quota.js";
import { installationId } from "./installation.js";
import type { LogSink } from "./log-sink.js";
import { measureOutput } from "./output-limits.js";
import type { BuildPipelineDeps } from "./pipeline-deps.js";
import { StepSetupError } from "./step.js";

// The steps of one build, in order: check the runner, clone the pinned
// address, prepare the environment (Node.js, install command, cache), install
// and build in the runner, check and upload the output, keep the cache. Any
// expected failure is a BuildFailure whose message the deployment shows;
// pipeline.ts turns the way out into the deployment's final state.

const MiB = 1024 * 1024;
const CLONE_TIMEOUT_MS = 120_000;

export async function runBuildSteps(deps: BuildPipelineDeps, spec: BuildSpec, buildDir: string, sink: LogSink, signal: AbortSignal, guard: { workerId: string }, disk: DiskQuotaWatch): Promise<void> {
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
  let github;
  try {
    // A GitHub App repository: a fresh installation token, through git's environment only.
    github = await githubCloneAccess({ db, env }, spec.projectId, spec.repository);
    pin = github ? null : await checkRepositoryAddress(spec.repository, { allowPrivate: env.ALLOW_PRIVATE_NETWORK_REPOS });
  } catch (error) {
    if (error instanceof RepositoryAddressError) throw new BuildFailure(`Clone refused: ${error.reason}`);
    if (error instanceof GithubCloneAccessError) throw new BuildFailure(`Clone refused: ${error.message}`);
    throw error;
  }
  let commit;
  try {
    commit = await cloneRepository({
      url: spec.repository,
      branch: spec.branch,
      dir: checkout,
      commitHash: spec.commitHash,
      pullRequestNumber: spec.pullRequestNumber,
      allowLocal: env.ALLOW_LOCAL_REPOS,
      gitConfig: pinnedGitConfig(pin),
      ...(github ? { gitEnv: github.gitEnv, allowHttp: github.allowHttp } : {}),
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

