import type { Deps } from "../deps.js";
import { NotFoundError } from "../../errors.js";
import { parseDelivery, type RawDelivery } from "./delivery-input.js";

// POST /api/webhooks/github: answer fast, build nothing here. A signed
// delivery is recorded once (its X-GitHub-Delivery is the key) together with
// the job that processes it, in one transaction; a redelivery finds the row
// and creates nothing. Events the platform does not act on (ping, …) are
// recorded as such, without their payload.

export const GITHUB_WEBHOOK_TASK = "github-webhook";

export interface GitHubWebhookJobPayload {
  deliveryId: string;
}

/** The events processGitHubDelivery acts on; others are recorded as ignored. */
export const HANDLED_EVENTS: ReadonlySet<string> = new Set(["push", "pull_request", "installation", "installation_repositories"]);

export interface ReceivedDelivery {
  /** 202: recorded and queued (or recorded as ignored); 200: a redelivery, nothing new. */
  status: 200 | 202;
  body: { received: true; deliveryId: string; duplicate: boolean; ignored: boolean };
}

export async function receiveGitHubDelivery(deps: Pick<Deps, "db" | "env">, raw: RawDelivery): Promise<ReceivedDelivery> {
  const secret = deps.env.GITHUB_WEBHOOK_SECRET;
  if (!secret) throw new NotFoundError("The GitHub App is not configured on this server", "GITHUB_NOT_CONFIGURED");
  const delivery = parseDelivery(secret, raw);
  const handled = HANDLED_EVENTS.has(delivery.event);
  const created = await deps.db.$transaction(async (tx) => {
    const { count } = await tx.githubWebhookDelivery.createMany({
      data: [
        {
          id: delivery.id,
          event: delivery.event,
          action: delivery.action,
          installationId: delivery.installationId,
          payload: handled ? (delivery.payload as object) : undefined,
          processedAt: handled ? null : new Date(),
          outcome: handled ? null : "ignored: not an event the platform acts on",
        },
      ],
      skipDuplicates: true,
    });
    if (count === 1 && handled) {
      await tx.$executeRaw`SELECT FROM graphile_worker.add_job(
        ${GITHUB_WEBHOOK_TASK}::text,
        json_build_object('deliveryId', ${delivery.id}::text),
        max_attempts := 5)`;
    }
    return count === 1;
  });
  return { status: created ? 202 : 200, body: { received: true, deliveryId: delivery.id, duplicate: !created, ignored: !handled } };
}
