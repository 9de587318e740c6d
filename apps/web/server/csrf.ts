import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { AppError, SECURE_SESSION_COOKIE, SESSION_COOKIE, parseCookieHeader, type Env, type Logger } from "@autostack/api";
import { sendError } from "./http-errors.js";

// Cross-site request forgery protection by origin check (OWASP's "verifying
// origin with standard headers"). Browsers send Origin on every state-changing
// request and a page cannot forge it; the session cookie is SameSite=Lax as a
// second layer. API clients authenticate with a bearer token, which a foreign
// page cannot attach, so they need no Origin.

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type OriginEnv = Pick<Env, "APP_URL" | "FRONTEND_URL">;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Origin header, or the origin of the Referer when a browser sent no Origin. */
export function requestOrigin(req: IncomingMessage): string | undefined {
  const origin = header(req, "origin");
  if (origin) return origin;
  const referer = header(req, "referer");
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return "null";
  }
}

/** Same host as the request itself (any scheme: TLS may end at a proxy), or the configured app URL. */
export function isTrustedOrigin(origin: string, req: IncomingMessage, env: OriginEnv): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, privacy redirects) and garbage
  }
  const host = header(req, "host");
  if (host && parsed.host === host.toLowerCase()) return true;
  return [env.APP_URL, env.FRONTEND_URL].some((url) => new URL(url).origin === parsed.origin);
}

export function hasBearerToken(req: IncomingMessage): boolean {
  return /^Bearer\s+\S/i.test(header(req, "authorization") ?? "");
}

export function hasSessionCookie(req: IncomingMessage): boolean {
  const cookies = parseCookieHeader(header(req, "cookie"));
  return SESSION_COOKIE in cookies || SECURE_SESSION_COOKIE in cookies;
}

/**
 * Refuses a state-changing request that a foreign page could have made:
 * - a foreign Origin/Referer is always refused (this also stops login CSRF,
 *   where a page signs the victim in to the attacker's account);
 * - with the session cookie, an Origin/Referer proving same-site is required.
 * Requests with a bearer token are exempt.
 */
export function csrfProtection(env: OriginEnv, log: Logger): RequestHandler {
  return (req, res, next) => {
    if (!UNSAFE_METHODS.has(req.method) || hasBearerToken(req)) return next();
    const origin = requestOrigin(req);
    const trusted = origin === undefined ? !hasSessionCookie(req) : isTrustedOrigin(origin, req, env);
    if (trusted) return next();
    log.warn({ method: req.method, path: req.path, origin: origin ?? null }, "cross-site request refused");
    sendError(req, res, new AppError("FORBIDDEN", 403, "Cross-site request refused: the Origin header does not match this site"), log);
  };
}
