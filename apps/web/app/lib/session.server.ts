import { redirect, type AppLoadContext } from "@remix-run/node";
import { parseCookieHeader, SECURE_SESSION_COOKIE, SESSION_COOKIE } from "@autostack/api";
import { isUnauthorized } from "./errors.server";
import { loginUrl } from "./redirect";

/**
 * Whether the request carries a session cookie at all. Cheap (no database):
 * pages that merely adapt to a possibly signed-in visitor skip the session
 * lookup for everybody else.
 */
export function hasSessionCookie(request: Request): boolean {
  const cookies = parseCookieHeader(request.headers.get("Cookie") ?? undefined);
  return Boolean(cookies[SESSION_COOKIE] ?? cookies[SECURE_SESSION_COOKIE]);
}

/** Whether the request belongs to a signed-in user (one session lookup, only when a cookie is present). */
export async function isSignedIn(request: Request, context: AppLoadContext): Promise<boolean> {
  if (!hasSessionCookie(request)) return false;
  try {
    await context.caller.auth.session();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a protected call; a signed-out visitor (no or expired session) is sent
 * to the login page, and comes back here afterwards.
 */
export async function requireAuth<T>(request: Request, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isUnauthorized(error)) throw error;
    const url = new URL(request.url);
    throw redirect(loginUrl(url.pathname + url.search));
  }
}
