import type { Task } from "graphile-worker";
import type { Env } from "@autostack/api/env";
import { syncPrComment } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { failMalformed, UUID } from "./prevent-retries.js";

/**
 * Creates or edits a project's one comment on a pull request
 * ({ projectId, pullRequestNumber }) to show its newest preview as it is
 * now. Retried on network failures and GitHub's 5xx.
 */
export function createGitHubPrCommentTask({ db, env }: { db: Database; env: Env }): Task {
  return async (payload, helpers) => {
    const { projectId, pullRequestNumber } = (payload ?? {}) as { projectId?: unknown; pullRequestNumber?: unknown };
    if (typeof projectId !== "string" || !UUID.test(projectId) || typeof pullRequestNumber !== "number" || !Number.isSafeInteger(pullRequestNumber) || pullRequestNumber <= 0) {
      return failMalformed(helpers, "github-pr-comment", "projectId must be a UUID and pullRequestNumber a positive integer");
    }
    const outcome = await syncPrComment({ db, env }, projectId, pullRequestNumber);
    helpers.logger.info(`github-pr-comment ${projectId}#${pullRequestNumber}: ${outcome}`);
  };
}
