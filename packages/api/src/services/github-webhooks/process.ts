import type { Deps } from "../deps.js";
import { withUniqueRetry } from "../deployments/enqueue.js";
import { actOnInstallation, INSTALLATION_EVENTS } from "./installation.js";
import { actOnPullRequest } from "./pull-request.js";
import { deployPush } from "./push.js";

// The worker's side of a delivery (task github-webhook): claim the recorded
// delivery, act on it and record the outcome, all in one transaction, so a
// retried job never acts twice and a failed one leaves nothing half done.
// The payload is dropped once processed.

export async function processGitHubDelivery(deps: Pick<Deps, "db" | "env"> & Partial<Pick<Deps, "log">>, deliveryId: string): Promise<string | null> {
  return withUniqueRetry(() =>
    deps.db.$transaction(async (tx) => {
      const [delivery] = await tx.$queryRaw<{ event: string; payload: unknown }[]>`
        SELECT event, payload FROM github_webhook_deliveries
        WHERE id = ${deliveryId} AND processed_at IS NULL FOR UPDATE SKIP LOCKED`;
      if (!delivery) return null;
      const outcome =
        delivery.event === "push"
          ? await deployPush(tx, deps, delivery.payload)
          : delivery.event === "pull_request"
            ? await actOnPullRequest(tx, deps, delivery.payload)
            : INSTALLATION_EVENTS.has(delivery.event)
              ? await actOnInstallation(tx, delivery.event, delivery.payload)
              : `ignored: ${delivery.event} is not acted on`;
      await tx.$executeRaw`
        UPDATE github_webhook_deliveries SET processed_at = now(), outcome = ${outcome.slice(0, 4000)}, payload = NULL WHERE id = ${deliveryId}`;
      return outcome;
    }),
  );
}
