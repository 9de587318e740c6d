import { jwtVerify, SignJWT } from "jose";
import type { Database } from "@autostack/db";
import { publishEvent } from "../../events.js";
import type { Env } from "../../env.js";
import { durationToSeconds } from "../../env.js";

// Stateless access tokens for API clients: HS256 JWTs with the spec's claims
// (userId, email, name, iat, exp), sent as `Authorization: Bearer`.

export interface AccessTokenClaims {
  userId: string;
  email: string;
  name: string;
}

export interface VerifiedAccessToken extends AccessTokenClaims {
  /** When it was issued, in ms (`iat`; whole seconds in tokens issued before it carried milliseconds). */
  issuedAtMs: number;
}

function key(env: Pick<Env, "JWT_SECRET">): Uint8Array {
  return new TextEncoder().encode(env.JWT_SECRET);
}

export async function signAccessToken(
  env: Pick<Env, "JWT_SECRET" | "JWT_EXPIRES_IN">,
  claims: AccessTokenClaims,
): Promise<{ token: string; expiresIn: number }> {
  const expiresIn = durationToSeconds(env.JWT_EXPIRES_IN);
  // iat in milliseconds (NumericDate may be fractional): a login in the same second as a logout is not older than it.
  const issuedAt = Date.now() / 1000;
  const token = await new SignJWT({ userId: claims.userId, email: claims.email, name: claims.name })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + expiresIn)
    .sign(key(env));
  return { token, expiresIn };
}

export async function verifyAccessToken(env: Pick<Env, "JWT_SECRET">, token: string): Promise<VerifiedAccessToken | null> {
  try {
    const { payload } = await jwtVerify(token, key(env), { algorithms: ["HS256"] });
    if (typeof payload.userId !== "string" || typeof payload.email !== "string" || typeof payload.name !== "string") return null;
    const issuedAtMs = (payload.iat ?? 0) * 1000;
    return { userId: payload.userId, email: payload.email, name: payload.name, issuedAtMs };
  } catch {
    return null;
  }
}

/**
 * Ends every access token of the user issued until now (logout, password reset): checked on each request,
 * and every web process closes the user's WebSockets authenticated until now (they never make another request).
 */
export async function revokeAccessTokens(db: Database, userId: string): Promise<void> {
  await db.user.updateMany({ where: { id: userId }, data: { tokensValidAfter: new Date() } });
  await publishSignedOut(db, userId);
}

/** Tells every web process that the user's connections authenticated until now have ended. */
export async function publishSignedOut(db: Database, userId: string): Promise<void> {
  await publishEvent(db, { type: "user.signed-out", userId, at: Date.now() });
}
