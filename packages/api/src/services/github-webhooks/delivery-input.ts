import { UnauthorizedError, ValidationError } from "../../errors.js";
import { hasValidSignature } from "./signature.js";

// A delivery as it arrives: checked before anything is stored. The signature
// first (a request without a valid one learns nothing else), then the
// headers and the JSON body.

export interface RawDelivery {
  /** X-GitHub-Event */
  event: string | undefined;
  /** X-GitHub-Delivery */
  deliveryId: string | undefined;
  /** X-Hub-Signature-256 */
  signature: string | undefined;
  body: Buffer;
}

export interface Delivery {
  id: string;
  event: string;
  action: string | null;
  installationId: bigint | null;
  payload: Record<string, unknown>;
}

const DELIVERY_ID = /^[A-Za-z0-9-]{1,64}$/;
const EVENT = /^[a-z_]{1,64}$/;

function installationIdOf(payload: Record<string, unknown>): bigint | null {
  const installation = payload.installation as { id?: unknown } | undefined;
  const id = installation?.id;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? BigInt(id) : null;
}

export function parseDelivery(secret: string, raw: RawDelivery): Delivery {
  if (!hasValidSignature(secret, raw.body, raw.signature)) {
    throw new UnauthorizedError("Missing or invalid X-Hub-Signature-256");
  }
  if (!raw.deliveryId || !DELIVERY_ID.test(raw.deliveryId)) {
    throw new ValidationError("Missing or malformed X-GitHub-Delivery", { "X-GitHub-Delivery": "must be the delivery's GUID" });
  }
  if (!raw.event || !EVENT.test(raw.event)) {
    throw new ValidationError("Missing or malformed X-GitHub-Event", { "X-GitHub-Event": "must be an event name such as push" });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(raw.body.toString("utf8"));
  } catch {
    throw new ValidationError("Webhook body is not JSON", { body: "must be the JSON payload (content type application/json)" });
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new ValidationError("Webhook body is not a JSON object", { body: "must be a JSON object" });
  }
  const record = payload as Record<string, unknown>;
  const action = typeof record.action === "string" ? record.action.slice(0, 64) : null;
  return { id: raw.deliveryId, event: raw.event, action, installationId: installationIdOf(record), payload: record };
}
