import { jwtVerify, SignJWT } from "jose";
import type { Env } from "../../env.js";
import { durationToSeconds } from "../../env.js";

// Stateless access tokens for API clients: HS256 JWTs with the spec's claims
// (userId, email, name, iat, exp), sent as `Authorization: Bearer`.

export interface AccessTokenClaims {
  userId: string;
  email: string;
  name: string;
}

function key(env: Pick<Env, "JWT_SECRET">): Uint8Array {
  return new TextEncoder().encode(env.JWT_SECRET);
}

export async function signAccessToken(
  env: Pick<Env, "JWT_SECRET" | "JWT_EXPIRES_IN">,
  claims: AccessTokenClaims,
): Promise<{ token: string; expiresIn: number }> {
  const expiresIn = durationToSeconds(env.JWT_EXPIRES_IN);
  const token = await new SignJWT({ userId: claims.userId, email: claims.email, name: claims.name })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(`${expiresIn}s`)
    .sign(key(env));
  return { token, expiresIn };
}

export async function verifyAccessToken(env: Pick<Env, "JWT_SECRET">, token: string): Promise<AccessTokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key(env), { algorithms: ["HS256"] });
    if (typeof payload.userId !== "string" || typeof payload.email !== "string" || typeof payload.name !== "string") return null;
    return { userId: payload.userId, email: payload.email, name: payload.name };
  } catch {
    return null;
  }
}
