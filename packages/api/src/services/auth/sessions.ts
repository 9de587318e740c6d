import type { Database } from "@autostack/db";
import { authUserSelect, type AuthUser } from "./auth-user.js";
import { generateToken, hashToken } from "./tokens.js";

// Sessions as the Lucia guide describes (ADR 0003): a random token in an
// HttpOnly cookie, only its SHA-256 in the database, sliding expiry, revocable.

export const SESSION_COOKIE = "autostack_session";
/**
 * Over https the cookie is `__Host-` prefixed: browsers then accept it only
 * from this exact host, Secure and with Path=/, so a deployed site on a
 * subdomain (<slug>.<APP_DOMAIN>) cannot set or shadow it (cookie tossing).
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function sessionCookieName(env: { httpsOnly: boolean }): string {
  return env.httpsOnly ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}
const DAY_MS = 86_400_000;
export const SESSION_LIFETIME_MS = DAY_MS; // browser session, renewed while used
export const REMEMBER_ME_LIFETIME_MS = 30 * DAY_MS;

export interface SessionRecord {
  id: string;
  userId: string;
  expiresAt: Date;
  rememberMe: boolean;
}

export interface NewSession {
  token: string;
  session: SessionRecord;
}

function lifetime(rememberMe: boolean): number {
  return rememberMe ? REMEMBER_ME_LIFETIME_MS : SESSION_LIFETIME_MS;
}

export async function createSession(
  db: Database,
  userId: string,
  options: { rememberMe: boolean; userAgent?: string; ip?: string },
): Promise<NewSession> {
  const token = generateToken();
  const row = await db.session.create({
    data: {
      userId,
      token: hashToken(token),
      expiresAt: new Date(Date.now() + lifetime(options.rememberMe)),
      rememberMe: options.rememberMe,
      userAgent: options.userAgent?.slice(0, 500),
      ipAddress: options.ip?.slice(0, 64),
    },
    select: { id: true, userId: true, expiresAt: true, rememberMe: true },
  });
  return { token, session: row };
}

export interface ValidatedSession {
  session: SessionRecord;
  /** True when the expiry moved forward and the cookie must be sent again. */
  renewed: boolean;
  user: AuthUser;
}

export async function validateSessionToken(db: Database, token: string): Promise<ValidatedSession | null> {
  const row = await db.session.findUnique({
    where: { token: hashToken(token) },
    select: {
      id: true,
      userId: true,
      expiresAt: true,
      rememberMe: true,
      user: { select: authUserSelect },
    },
  });
  // Prisma loads the user with a second query: an account deleted in between
  // (by a request running at the same time) comes back as null, whatever the type says.
  if (!row || !(row.user as ValidatedSession["user"] | null)) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) {
    await db.session.deleteMany({ where: { id: row.id } });
    return null;
  }
  const span = lifetime(row.rememberMe);
  let renewed = false;
  let expiresAt = row.expiresAt;
  if (row.expiresAt.getTime() - now < span / 2) {
    expiresAt = new Date(now + span);
    await db.session.update({ where: { id: row.id }, data: { expiresAt } });
    renewed = true;
  }
  const { user, ...session } = row;
  return { session: { ...session, expiresAt }, renewed, user };
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
}

export async function invalidateAllSessions(db: Database, userId: string): Promise<void> {
  await db.session.deleteMany({ where: { userId } });
}
