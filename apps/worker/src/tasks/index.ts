import type { TaskList } from "graphile-worker";
import type { Env } from "@autostack/api/env";
import type { Mailer } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { createBuildTask } from "./build.js";
import { createGitHubWebhookTask } from "./github-webhook.js";
import { createGitHubCommitStatusTask } from "./github-commit-status.js";
import { createGitHubPrCommentTask } from "./github-pr-comment.js";
import { createRemovePreviewArtifactsTask } from "./remove-preview-artifacts.js";
import { createNotifyDeploymentTask } from "./notify-deployment.js";
import { createPruneRateLimitsTask } from "./prune-rate-limits.js";
import { createRecoverStuckBuildsTask } from "./recover-stuck-builds.js";
import { createSendEmailTask } from "./send-email.js";

export interface TaskDeps {
  db: Database;
  mailer: Mailer;
  env: Env;
}

export function createTaskList(deps: TaskDeps): TaskList {
  return {
    "send-email": createSendEmailTask(deps),
    "prune-rate-limits": createPruneRateLimitsTask(deps),
    build: createBuildTask(deps),
    "github-webhook": createGitHubWebhookTask(deps),
    "recover-stuck-builds": createRecoverStuckBuildsTask(deps),
    notify_deployment: createNotifyDeploymentTask(deps),
    "github-commit-status": createGitHubCommitStatusTask(deps),
    "github-pr-comment": createGitHubPrCommentTask(deps),
    "remove-preview-artifacts": createRemovePreviewArtifactsTask(deps),
  };
}

// Maintenance schedule. graphile-worker records each tick in the database, so
// a tick runs once however many worker processes are up.
// recover-stuck-builds also runs every 15 s in each worker (liveness.ts); the
// minute tick is the backstop should that timer ever stop.
export const crontab = ["0 * * * * prune-rate-limits", "* * * * * recover-stuck-builds"].join("\n");
