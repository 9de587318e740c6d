import type { Database } from "@autostack/db";
import type { Env } from "../../env.js";
import { parseCookieHeader, type CookieOptions, type RequestInfo, type ResponseCookies } from "../../context.js";
import { verifyAccessToken } from "./access-tokens.js";
import { sessionCookieName, validateSessionToken, type SessionRecord } from "./sessions.js";

export interface AuthUser {
  id: string;
  name: string;
  email: string;
  avatarUrl: string | null;
  emailVerified: boolean;
  createdAt: Date;
}

export type AuthState =
  | { method: "cookie"; user: AuthUser; session: SessionRecord }
  | { method: "bearer"; user: AuthUser; session: null };

export function sessionCookieOptions(env: Pick<Env, "httpsOnly">, session: SessionRecord | null): CookieOptions {
  if (!session) return { maxAge: 0, httpOnly: true, sameSite: "lax", secure: env.httpsOnly, path: "/" };
  return {
    httpOnly: true,
    sameSite: "lax",
    secure: env.httpsOnly,
    path: "/",
    // Without "remember me" the cookie ends with the browser session.
    ...(session.rememberMe ? { expires: session.expiresAt } : {}),
  };
}

const userSelect = { id: true, name: true, email: true, avatarUrl: true, emailVerified: true, createdAt: true } as const;

/**
 * Resolves the caller from `Authorization: Bearer <jwt>` or the session cookie.
 * One code path for browsers and API clients.
 */
export async function authenticateRequest(
  deps: { db: Database; env: Env },
  req: RequestInfo,
  cookies: ResponseCookies,
): Promise<AuthState | null> {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.authorizationHeader ?? "")?.[1]?.trim();
  if (bearer) {
    const claims = await verifyAccessToken(deps.env, bearer);
    if (!claims) return null;
    const row = await deps.db.user.findUnique({ where: { id: claims.userId }, select: { ...userSelect, tokensValidAfter: true } });
    if (!row) return null;
    const { tokensValidAfter, ...user } = row;
    // Revoked by a logout or password reset after it was issued.
    if (tokensValidAfter && claims.issuedAtMs < tokensValidAfter.getTime()) return null;
    return { method: "bearer", user, session: null };
  }
  const name = sessionCookieName(deps.env);
  const token = parseCookieHeader(req.cookieHeader)[name];
  if (!token) return null;
  const validated = await validateSessionToken(deps.db, token);
  if (!validated) {
    cookies.set(name, "", sessionCookieOptions(deps.env, null));
    return null;
  }
  if (validated.renewed) cookies.set(name, token, sessionCookieOptions(deps.env, validated.session));
  return { method: "cookie", user: validated.user, session: validated.session };
}
