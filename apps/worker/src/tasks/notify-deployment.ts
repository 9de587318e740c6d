import type { Task } from "graphile-worker";
import type { Env } from "@autostack/api/env";
import { notifyDeployment, type Mailer } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { failMalformed } from "./prevent-retries.js";

/**
 * Mails a deployment's owner about its success or failure ({ deploymentId }).
 * An SMTP failure throws, so graphile-worker retries with backoff (the job's
 * max_attempts, notifications/enqueue.ts); once a mail went out, a retry or a
 * duplicate job finds it recorded and sends nothing (notifications/notify.ts).
 */
export function createNotifyDeploymentTask(deps: { db: Database; mailer: Mailer; env: Env }): Task {
  return async (payload, helpers) => {
    const deploymentId = (payload as { deploymentId?: unknown } | null)?.deploymentId;
    if (typeof deploymentId !== "string" || !/^[0-9a-f-]{36}$/i.test(deploymentId)) {
      return failMalformed(helpers, "notify_deployment", "deploymentId must be a UUID");
    }
    const result = await notifyDeployment(deps, deploymentId);
    helpers.logger.info(`notify_deployment ${deploymentId}: ${result}`);
  };
}
