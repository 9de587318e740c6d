import type { Database } from "@autostack/db";
import { ConflictError, UnauthorizedError, ValidationError } from "../../errors.js";
import type { Deps } from "../deps.js";
import type { CookieToSet, RequestInfo } from "../http-request.js";
import { publishSignedOut, revokeAccessTokens, signAccessToken } from "./access-tokens.js";
import { authUserSelect, type AuthUser } from "./auth-user.js";
import type { AuthState } from "./authenticate.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords.js";
import { consumeRefreshToken, issueRefreshToken, revokeRefreshTokenFamilyOf } from "./refresh-tokens.js";
import { clearedSessionCookie, sessionCookie } from "./session-cookie.js";
import { createSession, invalidateSession } from "./sessions.js";

// Accounts: sign-up, login, logout, refresh and deletion. Cookies are not set
// here: each function returns the session cookie the response must carry and
// the procedure applies it, whatever transport answers.

export interface AuthResult {
  user: AuthUser;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** A sign-in: the token pair for the answer and the session cookie for the response. */
export interface SignedIn {
  result: AuthResult;
  cookie: CookieToSet;
}

type AccountDeps = Pick<Deps, "db" | "env" | "log">;
/** The request facts a sign-in records (session row) and logs. */
type Requester = Pick<RequestInfo, "requestId" | "ip" | "userAgent">;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Starts a browser session (cookie) and an API token pair for the user. */
export async function signIn(deps: Pick<Deps, "db" | "env">, req: Requester, user: AuthUser, rememberMe: boolean): Promise<SignedIn> {
  const { token, session } = await createSession(deps.db, user.id, { rememberMe, userAgent: req.userAgent, ip: req.ip });
  const result = await issueTokenPair(deps, user);
  return { result, cookie: sessionCookie(deps.env, token, session) };
}

export async function issueTokenPair(deps: Pick<Deps, "db" | "env">, user: AuthUser, familyId?: string): Promise<AuthResult> {
  const access = await signAccessToken(deps.env, { userId: user.id, email: user.email, name: user.name });
  const refreshToken = await issueRefreshToken(deps.db, deps.env, user.id, familyId);
  return { user, accessToken: access.token, refreshToken, expiresIn: access.expiresIn };
}

/** Rotates a refresh token: the old one is spent, the new pair stays in its family. */
export async function refreshTokenPair(deps: Pick<Deps, "db" | "env">, refreshToken: string): Promise<AuthResult> {
  const { userId, familyId } = await consumeRefreshToken(deps.db, refreshToken);
  const user = await deps.db.user.findUnique({ where: { id: userId }, select: authUserSelect });
  if (!user) throw new UnauthorizedError("Invalid refresh token");
  return issueTokenPair(deps, user, familyId);
}

export async function signup(deps: AccountDeps, req: Requester, input: { name: string; email: string; password: string }): Promise<SignedIn> {
  const email = normalizeEmail(input.email);
  const existing = await deps.db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw new ConflictError("An account with this email already exists", { fields: { email: "is already registered" } });
  const passwordHash = await hashPassword(input.password);
  let user: AuthUser;
  try {
    user = await deps.db.user.create({
      data: { name: input.name.trim(), email, passwordHash, preferences: { create: {} } },
      select: authUserSelect,
    });
  } catch (error) {
    // Two signups racing for one address: the unique index decides.
    if ((error as { code?: string }).code === "P2002") {
      throw new ConflictError("An account with this email already exists", { fields: { email: "is already registered" } });
    }
    throw error;
  }
  deps.log.info({ userId: user.id, requestId: req.requestId }, "user signed up");
  return signIn(deps, req, user, false);
}

export async function login(deps: AccountDeps, req: Requester, input: { email: string; password: string; rememberMe: boolean }): Promise<SignedIn> {
  const email = normalizeEmail(input.email);
  const row = await deps.db.user.findUnique({ where: { email }, select: { ...authUserSelect, passwordHash: true } });
  if (!row?.passwordHash) {
    await burnPasswordCheck(input.password);
    deps.log.info({ requestId: req.requestId, ip: req.ip }, "login failed");
    throw new UnauthorizedError("Invalid email or password");
  }
  if (!(await verifyPassword(row.passwordHash, input.password))) {
    deps.log.info({ requestId: req.requestId, ip: req.ip, userId: row.id }, "login failed");
    throw new UnauthorizedError("Invalid email or password");
  }
  const { passwordHash: _omit, ...user } = row;
  deps.log.info({ requestId: req.requestId, userId: user.id }, "login succeeded");
  return signIn(deps, req, user, input.rememberMe);
}

/** Ends the caller's session and tokens; returns the cookie that clears the browser's session. */
export async function logout(deps: Pick<Deps, "db" | "env">, auth: AuthState | null, input: { refreshToken?: string }): Promise<CookieToSet> {
  if (auth?.method === "cookie") await invalidateSession(deps.db, auth.session.id);
  // Logging out also ends the user's access tokens issued until now, wherever they are.
  if (auth) await revokeAccessTokens(deps.db, auth.user.id);
  if (input.refreshToken) await revokeRefreshTokenFamilyOf(deps.db, input.refreshToken);
  return clearedSessionCookie(deps.env);
}

/**
 * Deletes the caller's account once the typed confirmation (when given)
 * matches their address; returns the cookie that clears the browser's session.
 */
export async function deleteAccount(
  deps: AccountDeps,
  req: Pick<RequestInfo, "requestId">,
  user: AuthUser,
  input: { confirmEmail?: string },
): Promise<CookieToSet> {
  if (input.confirmEmail !== undefined && input.confirmEmail.toLowerCase() !== user.email) {
    throw new ValidationError("Type your email address to confirm", { confirmEmail: "does not match your email" });
  }
  // Projects, deployments, sessions, tokens and preferences cascade.
  await deleteUser(deps.db, user.id);
  deps.log.info({ userId: user.id, requestId: req.requestId }, "account deleted");
  return clearedSessionCookie(deps.env);
}

export async function deleteUser(db: Database, userId: string): Promise<void> {
  await db.user.deleteMany({ where: { id: userId } });
  await publishSignedOut(db, userId);
}
