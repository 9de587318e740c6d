import { z } from "zod";
import type { Env } from "../../../env.js";
import { parseCookieHeader, type CookieToSet } from "../../http-request.js";
import { OAUTH_PROVIDERS, type OAuthProviderName } from "./providers.js";

// What a sign-in remembers between leaving for the provider and coming back:
// the provider, the state it must echo, the PKCE verifier and where to go
// afterwards, in one short-lived HttpOnly cookie (SameSite=Lax: it has to
// survive the provider's top-level redirect back). Over https the cookie is
// `__Host-` prefixed (Secure, Path=/, this host only), like the session
// cookie, so a deployed site on a subdomain cannot plant a state of its own
// (login CSRF); over plain http it is scoped to /api/auth.

export const OAUTH_FLOW_COOKIE = "autostack_oauth";
export const SECURE_OAUTH_FLOW_COOKIE = `__Host-${OAUTH_FLOW_COOKIE}`;
export const OAUTH_FLOW_MAX_AGE_SECONDS = 600;

export interface OAuthFlow {
  provider: OAuthProviderName;
  state: string;
  codeVerifier: string | null;
  /** A path on this site (already checked by safeRedirect). */
  redirectTo: string;
}

const flowSchema = z.object({
  provider: z.enum(OAUTH_PROVIDERS),
  state: z.string().min(16).max(200),
  codeVerifier: z.string().min(43).max(128).nullable(),
  redirectTo: z.string().max(2000),
});

type CookieEnv = Pick<Env, "httpsOnly">;

function cookieName(env: CookieEnv): string {
  return env.httpsOnly ? SECURE_OAUTH_FLOW_COOKIE : OAUTH_FLOW_COOKIE;
}

function options(env: CookieEnv, maxAge: number): CookieToSet["options"] {
  return { httpOnly: true, sameSite: "lax", secure: env.httpsOnly, path: env.httpsOnly ? "/" : "/api/auth", maxAge };
}

export function flowCookie(env: CookieEnv, flow: OAuthFlow): CookieToSet {
  return { name: cookieName(env), value: JSON.stringify(flow), options: options(env, OAUTH_FLOW_MAX_AGE_SECONDS) };
}

export function clearedFlowCookie(env: CookieEnv): CookieToSet {
  return { name: cookieName(env), value: "", options: options(env, 0) };
}

/** The flow this browser started, or null (none, expired, or not ours). */
export function readFlowCookie(env: CookieEnv, cookieHeader: string | undefined): OAuthFlow | null {
  const raw = parseCookieHeader(cookieHeader)[cookieName(env)];
  if (!raw) return null;
  try {
    const parsed = flowSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
