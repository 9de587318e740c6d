import type { Env } from "../../env.js";
import type { CookieOptions, CookieToSet } from "../http-request.js";
import { sessionCookieName, type SessionRecord } from "./sessions.js";

// The session cookie services ask the transport to set or clear. They return
// it rather than set it, so they need no response object (the procedure, or
// createContext for a renewal, applies it).

function sessionCookieOptions(env: Pick<Env, "httpsOnly">, session: SessionRecord | null): CookieOptions {
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

export function sessionCookie(env: Pick<Env, "httpsOnly">, token: string, session: SessionRecord): CookieToSet {
  return { name: sessionCookieName(env), value: token, options: sessionCookieOptions(env, session) };
}

export function clearedSessionCookie(env: Pick<Env, "httpsOnly">): CookieToSet {
  return { name: sessionCookieName(env), value: "", options: sessionCookieOptions(env, null) };
}
