import type { Env } from "@autostack/api/env";
import type { ArtifactStorage } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import type { StepRunner } from "./step.js";

/** What a build needs from its worker (pipeline.ts, build-steps.ts). */
export interface BuildPipelineDeps {
  db: Database;
  env: Env;
  storage: ArtifactStorage;
  /** Where the steps run (runners/create-runner.ts); its check() failing fails the deployment with its reason. */
  runner: StepRunner;
}
