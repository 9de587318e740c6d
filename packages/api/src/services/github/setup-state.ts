import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Env } from "../../env.js";
import { deriveKey } from "../crypto/secret-box.js";

// The `state` of an App installation: GitHub hands it back to the Setup URL
// unchanged. It binds the installation to the user who asked for it (their
// id, HMAC-signed with a key derived from JWT_SECRET) and expires, so a setup
// link forged or sent to someone else connects nobody's account.

const PURPOSE = "autostack:github-setup-state";
export const SETUP_STATE_TTL_MS = 15 * 60 * 1000;

type KeyEnv = Pick<Env, "JWT_SECRET">;

function sign(env: KeyEnv, body: string): string {
  return createHmac("sha256", deriveKey(env.JWT_SECRET, PURPOSE)).update(body).digest("base64url");
}

export function createSetupState(env: KeyEnv, userId: string, now = Date.now()): string {
  const body = `${userId}.${now + SETUP_STATE_TTL_MS}.${randomBytes(12).toString("base64url")}`;
  return `${body}.${sign(env, body)}`;
}

/** Whether `state` was issued to this user and has not expired. */
export function verifySetupState(env: KeyEnv, state: string, userId: string, now = Date.now()): boolean {
  return setupStateIssuedAt(env, state, userId, now) !== null;
}

/** When a valid state for this user was issued (ms); null when it is not one. */
export function setupStateIssuedAt(env: KeyEnv, state: string, userId: string, now = Date.now()): number | null {
  const parts = state.split(".");
  if (parts.length !== 4) return null;
  const body = parts.slice(0, 3).join(".");
  const expected = Buffer.from(sign(env, body));
  const given = Buffer.from(parts[3]!);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const expiresAt = Number(parts[1]);
  return parts[0] === userId && expiresAt > now ? expiresAt - SETUP_STATE_TTL_MS : null;
}
