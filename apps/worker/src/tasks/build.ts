import type { Task } from "graphile-worker";
import type { Env } from "@autostack/api/env";
import { createArtifactStorage, type ArtifactStorage, type Logger } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { runBuildPipeline, type BuildOutcome } from "../builder/pipeline.js";
import { createStepRunner } from "../builder/runners/create-runner.js";
import type { StepRunner } from "../builder/step.js";
import { failMalformed } from "./prevent-retries.js";

export interface BuildTaskDeps {
  db: Database;
  env: Env;
  storage?: ArtifactStorage;
  log?: Logger;
  /** Where steps run; by default what BUILD_RUNNER says. */
  runner?: StepRunner;
}

/** Builds one deployment ({ deploymentId }); the deployment always ends final, so the job itself only fails on a bad payload. */
export function createBuildTask(deps: BuildTaskDeps): Task {
  const storage = deps.storage ?? createArtifactStorage(deps.env);
  return async (payload, helpers) => {
    const deploymentId = (payload as { deploymentId?: unknown } | null)?.deploymentId;
    if (typeof deploymentId !== "string" || !deploymentId) {
      return failMalformed(helpers, "build", "deploymentId must be a string");
    }
    const outcome = await runBuild({ ...deps, storage }, deploymentId, helpers.job.locked_by ?? "unknown", helpers.abortSignal);
    helpers.logger.info(`build ${deploymentId}: ${outcome}`);
  };
}

/** The task body without graphile-worker: what tests call. */
export async function runBuild(
  deps: BuildTaskDeps & { storage: ArtifactStorage },
  deploymentId: string,
  workerId: string,
  signal?: AbortSignal,
): Promise<BuildOutcome> {
  const runner = deps.runner ?? createStepRunner(deps.env);
  return runBuildPipeline({ db: deps.db, env: deps.env, storage: deps.storage, runner }, deploymentId, { workerId, ...(signal ? { signal } : {}) });
}
