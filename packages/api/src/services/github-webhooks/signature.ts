import { createHmac, timingSafeEqual } from "node:crypto";

// GitHub signs each delivery: X-Hub-Signature-256 = "sha256=" + the hex
// HMAC-SHA256 of the raw body under the App's webhook secret.

const HEADER = /^sha256=([0-9a-f]{64})$/;

/** True only for a well-formed header whose digest matches, compared in constant time. */
export function hasValidSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const match = HEADER.exec(header ?? "");
  if (!match) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, "hex"));
}

/** The header value GitHub would send for this body (tests and the stand-in sign with it). */
export function signWebhookBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}
