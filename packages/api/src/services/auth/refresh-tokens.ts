import { randomUUID } from "node:crypto";
import type { Database } from "@autostack/db";
import { durationToSeconds, type Env } from "../../env.js";
import { UnauthorizedError } from "../../errors.js";
import { generateToken, hashToken } from "./tokens.js";

// Opaque refresh tokens, rotated on every use. Each login starts a family;
// presenting an already-used token means it leaked, so the whole family is
// revoked (RFC 6819 §5.2.2.3 / OAuth 2.0 Security BCP refresh token rotation).

export async function issueRefreshToken(
  db: Database,
  env: Pick<Env, "REFRESH_TOKEN_EXPIRES_IN">,
  userId: string,
  familyId: string = randomUUID(),
): Promise<string> {
  const token = generateToken(32);
  await db.refreshToken.create({
    data: {
      userId,
      familyId,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + durationToSeconds(env.REFRESH_TOKEN_EXPIRES_IN) * 1000),
    },
  });
  return token;
}

/** Marks the token used and returns its owner and family; throws 401 otherwise. */
export async function consumeRefreshToken(db: Database, token: string): Promise<{ userId: string; familyId: string }> {
  const tokenHash = hashToken(token);
  const row = await db.refreshToken.findUnique({ where: { tokenHash } });
  if (!row) throw new UnauthorizedError("Invalid refresh token");
  if (row.revokedAt || row.expiresAt.getTime() <= Date.now()) throw new UnauthorizedError("Refresh token expired or revoked");
  // Conditional update: of two concurrent uses, exactly one wins.
  const claimed = await db.refreshToken.updateMany({
    where: { id: row.id, usedAt: null, revokedAt: null },
    data: { usedAt: new Date() },
  });
  if (claimed.count === 0) {
    await revokeRefreshFamily(db, row.familyId);
    throw new UnauthorizedError("Refresh token reuse detected; please sign in again");
  }
  return { userId: row.userId, familyId: row.familyId };
}

export async function revokeRefreshFamily(db: Database, familyId: string): Promise<void> {
  await db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
}

export async function revokeRefreshTokenFamilyOf(db: Database, token: string): Promise<void> {
  const row = await db.refreshToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { familyId: true } });
  if (row) await revokeRefreshFamily(db, row.familyId);
}

export async function revokeAllRefreshTokens(db: Database, userId: string): Promise<void> {
  await db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}
