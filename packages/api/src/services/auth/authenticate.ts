import type { Deps } from "../deps.js";
import { parseCookieHeader, type CookieToSet, type RequestInfo } from "../http-request.js";
import { verifyAccessToken } from "./access-tokens.js";
import { authUserSelect, type AuthUser } from "./auth-user.js";
import { clearedSessionCookie, sessionCookie } from "./session-cookie.js";
import { sessionCookieName, validateSessionToken, type SessionRecord } from "./sessions.js";

export type AuthState =
  | { method: "cookie"; user: AuthUser; session: SessionRecord }
  | { method: "bearer"; user: AuthUser; session: null };

export interface Authentication {
  auth: AuthState | null;
  /** Set it on the response: a renewed (sliding) session, or the clearing of a dead one. */
  cookie?: CookieToSet;
}

/**
 * Resolves the caller from `Authorization: Bearer <jwt>` or the session cookie.
 * One code path for browsers and API clients.
 */
export async function authenticateRequest(
  deps: Pick<Deps, "db" | "env">,
  req: Pick<RequestInfo, "authorizationHeader" | "cookieHeader">,
): Promise<Authentication> {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.authorizationHeader ?? "")?.[1]?.trim();
  if (bearer) {
    const claims = await verifyAccessToken(deps.env, bearer);
    if (!claims) return { auth: null };
    const row = await deps.db.user.findUnique({ where: { id: claims.userId }, select: { ...authUserSelect, tokensValidAfter: true } });
    if (!row) return { auth: null };
    const { tokensValidAfter, ...user } = row;
    // Revoked by a logout or password reset after it was issued.
    if (tokensValidAfter && claims.issuedAtMs < tokensValidAfter.getTime()) return { auth: null };
    return { auth: { method: "bearer", user, session: null } };
  }
  const token = parseCookieHeader(req.cookieHeader)[sessionCookieName(deps.env)];
  if (!token) return { auth: null };
  const validated = await validateSessionToken(deps.db, token);
  if (!validated) return { auth: null, cookie: clearedSessionCookie(deps.env) };
  const auth: AuthState = { method: "cookie", user: validated.user, session: validated.session };
  return validated.renewed ? { auth, cookie: sessionCookie(deps.env, token, validated.session) } : { auth };
}
