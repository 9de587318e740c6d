import { generateKeyPairSync, randomUUID } from "node:crypto";
import { signWebhookBody } from "./signature.js";
import type { RawDelivery } from "./delivery-input.js";

// Test fixtures: a configured GitHub App and signed deliveries.

export const WEBHOOK_SECRET = "webhook-secret-for-tests-0123456789";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

export const appEnv = {
  GITHUB_APP_ID: "4242",
  GITHUB_APP_SLUG: "autostack-test",
  GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
};

/** A delivery of `event` with `payload`, signed as GitHub signs it. */
export function signedDelivery(event: string, payload: unknown): RawDelivery & { deliveryId: string } {
  const body = Buffer.from(JSON.stringify(payload));
  return { event, deliveryId: randomUUID(), signature: signWebhookBody(WEBHOOK_SECRET, body), body };
}

/** A push of `sha` to `branch` of repository `repoId` (GitHub's payload, trimmed to what matters). */
export function pushPayload(repoId: number, branch: string, sha: string, message = "Fix the header") {
  return {
    ref: `refs/heads/${branch}`,
    before: "0".repeat(40),
    after: sha,
    created: false,
    deleted: false,
    repository: { id: repoId, full_name: "octo/site", private: true },
    head_commit: { id: sha, message, author: { name: "Mona Lisa", email: "mona@example.com", username: "mona" } },
    installation: { id: 77 },
  };
}
