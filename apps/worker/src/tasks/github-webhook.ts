import type { Task } from "graphile-worker";
import type { Env } from "@autostack/api/env";
import { processGitHubDelivery } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import { failMalformed } from "./prevent-retries.js";

/**
 * Acts on one recorded GitHub delivery (push → deployments). A database
 * failure throws and graphile-worker retries; processing is one transaction
 * that marks the delivery processed, so a retry never acts twice.
 */
export function createGitHubWebhookTask({ db, env }: { db: Database; env: Env }): Task {
  return async (payload, helpers) => {
    const deliveryId = (payload as { deliveryId?: unknown } | null)?.deliveryId;
    if (typeof deliveryId !== "string") {
      return failMalformed(helpers, "github-webhook", "deliveryId must be a string");
    }
    const outcome = await processGitHubDelivery({ db, env }, deliveryId);
    helpers.logger.info("GitHub delivery processed", { deliveryId, outcome: outcome ?? "already processed" });
  };
}
