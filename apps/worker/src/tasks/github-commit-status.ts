import type { Task } from "graphile-worker";
import type { Env } from "@autostack/api/env";
import { reportCommitStatus } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { failMalformed, UUID } from "./prevent-retries.js";

/**
 * Posts a deployment's commit status to GitHub ({ deploymentId, status }):
 * the status the deployment has when this runs, so a late job never
 * overwrites a newer state. Network failures and GitHub's 5xx throw and are
 * retried (the job's max_attempts); a repository that is gone is not.
 */
export function createGitHubCommitStatusTask({ db, env }: { db: Database; env: Env }): Task {
  return async (payload, helpers) => {
    const deploymentId = (payload as { deploymentId?: unknown } | null)?.deploymentId;
    if (typeof deploymentId !== "string" || !UUID.test(deploymentId)) {
      return failMalformed(helpers, "github-commit-status", "deploymentId must be a UUID");
    }
    const outcome = await reportCommitStatus({ db, env }, deploymentId);
    helpers.logger.info(`github-commit-status ${deploymentId}: ${outcome}`);
  };
}
