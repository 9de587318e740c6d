import type { Database } from "@autostack/db";
import type { Context } from "../../context.js";
import { ConflictError, UnauthorizedError } from "../../errors.js";
import { publishSignedOut, revokeAccessTokens, signAccessToken } from "./access-tokens.js";
import type { AuthUser } from "./authenticate.js";
import { sessionCookieOptions } from "./authenticate.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords.js";
import { issueRefreshToken, revokeRefreshTokenFamilyOf } from "./refresh-tokens.js";
import { createSession, invalidateSession, sessionCookieName } from "./sessions.js";

export interface AuthResult {
  user: AuthUser;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const userSelect = { id: true, name: true, email: true, avatarUrl: true, emailVerified: true, createdAt: true } as const;

/** Starts a browser session (cookie) and an API token pair for the user. */
export async function signIn(ctx: Context, user: AuthUser, rememberMe: boolean): Promise<AuthResult> {
  const { token, session } = await createSession(ctx.db, user.id, {
    rememberMe,
    userAgent: ctx.req.userAgent,
    ip: ctx.req.ip,
  });
  ctx.cookies.set(sessionCookieName(ctx.env), token, sessionCookieOptions(ctx.env, session));
  return issueTokenPair(ctx, user);
}

export async function issueTokenPair(ctx: Pick<Context, "db" | "env">, user: AuthUser, familyId?: string): Promise<AuthResult> {
  const access = await signAccessToken(ctx.env, { userId: user.id, email: user.email, name: user.name });
  const refreshToken = await issueRefreshToken(ctx.db, ctx.env, user.id, familyId);
  return { user, accessToken: access.token, refreshToken, expiresIn: access.expiresIn };
}

export async function signup(ctx: Context, input: { name: string; email: string; password: string }): Promise<AuthResult> {
  const email = normalizeEmail(input.email);
  const existing = await ctx.db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw new ConflictError("An account with this email already exists", { fields: { email: "is already registered" } });
  const passwordHash = await hashPassword(input.password);
  let user: AuthUser;
  try {
    user = await ctx.db.user.create({
      data: { name: input.name.trim(), email, passwordHash, preferences: { create: {} } },
      select: userSelect,
    });
  } catch (error) {
    // Two signups racing for one address: the unique index decides.
    if ((error as { code?: string }).code === "P2002") {
      throw new ConflictError("An account with this email already exists", { fields: { email: "is already registered" } });
    }
    throw error;
  }
  ctx.log.info({ userId: user.id, requestId: ctx.req.requestId }, "user signed up");
  return signIn(ctx, user, false);
}

export async function login(ctx: Context, input: { email: string; password: string; rememberMe: boolean }): Promise<AuthResult> {
  const email = normalizeEmail(input.email);
  const row = await ctx.db.user.findUnique({ where: { email }, select: { ...userSelect, passwordHash: true } });
  if (!row?.passwordHash) {
    await burnPasswordCheck(input.password);
    ctx.log.info({ requestId: ctx.req.requestId, ip: ctx.req.ip }, "login failed");
    throw new UnauthorizedError("Invalid email or password");
  }
  if (!(await verifyPassword(row.passwordHash, input.password))) {
    ctx.log.info({ requestId: ctx.req.requestId, ip: ctx.req.ip, userId: row.id }, "login failed");
    throw new UnauthorizedError("Invalid email or password");
  }
  const { passwordHash: _omit, ...user } = row;
  ctx.log.info({ requestId: ctx.req.requestId, userId: user.id }, "login succeeded");
  return signIn(ctx, user, input.rememberMe);
}

export async function logout(ctx: Context, input: { refreshToken?: string }): Promise<void> {
  if (ctx.auth?.method === "cookie") await invalidateSession(ctx.db, ctx.auth.session.id);
  // Logging out also ends the user's access tokens issued until now, wherever they are.
  if (ctx.auth) await revokeAccessTokens(ctx.db, ctx.auth.user.id);
  if (input.refreshToken) await revokeRefreshTokenFamilyOf(ctx.db, input.refreshToken);
  ctx.cookies.set(sessionCookieName(ctx.env), "", sessionCookieOptions(ctx.env, null));
}

export async function deleteAccount(ctx: Context & { auth: NonNullable<Context["auth"]> }): Promise<void> {
  // Projects, deployments, sessions, tokens and preferences cascade.
  await deleteUser(ctx.db, ctx.auth.user.id);
  ctx.cookies.set(sessionCookieName(ctx.env), "", sessionCookieOptions(ctx.env, null));
  ctx.log.info({ userId: ctx.auth.user.id, requestId: ctx.req.requestId }, "account deleted");
}

export async function deleteUser(db: Database, userId: string): Promise<void> {
  await db.user.deleteMany({ where: { id: userId } });
  await publishSignedOut(db, userId);
}
