import { timingSafeEqual } from "node:crypto";
import { CodeChallengeMethod, generateCodeVerifier, generateState, OAuth2RequestError, type OAuth2Tokens } from "arctic";
import { RateLimitError } from "../../../errors.js";
import type { Deps } from "../../deps.js";
import type { CookieToSet, RequestInfo } from "../../http-request.js";
import { consumeRateLimit } from "../../rate-limit.js";
import { sessionCookie } from "../session-cookie.js";
import { createSession } from "../sessions.js";
import { safeRedirect } from "../../../domain/redirects.js";
import { clearedFlowCookie, flowCookie, readFlowCookie } from "./flow-cookie.js";
import { userForOAuthProfile } from "./link-account.js";
import { OAuthProviderError, withDeadline } from "./provider-fetch.js";
import { oauthProvider, type OAuthProvider, type OAuthProviderName } from "./providers.js";

// Sign-in with GitHub or Google, transport-free: each step returns where the
// browser goes next and the cookies the response sets; the HTTP route only
// applies them. Every failure lands on /login?error=<code> (the page maps the
// code to a sentence; nothing the provider or the visitor sent is reflected)
// with no session.

export type OAuthErrorCode = "not_configured" | "state" | "denied" | "code" | "email" | "provider" | "rate_limited";

export interface OAuthRedirect {
  location: string;
  cookies: CookieToSet[];
}

type OAuthDeps = Pick<Deps, "db" | "env" | "log">;
type Requester = Pick<RequestInfo, "ip" | "requestId" | "userAgent" | "cookieHeader">;

function toLogin(provider: OAuthProviderName, error: OAuthErrorCode, cookies: CookieToSet[] = []): OAuthRedirect {
  return { location: `/login?error=oauth_${error}&provider=${provider}`, cookies };
}

/** Start and callback count against the per-IP auth limit, as the other sign-in routes do. */
async function withinAuthLimit(deps: OAuthDeps, req: Requester): Promise<boolean> {
  try {
    await consumeRateLimit(deps.db, { key: `auth:${req.ip}`, limit: deps.env.RATE_LIMIT_AUTH_PER_MINUTE, windowSeconds: 60 });
    return true;
  } catch (error) {
    if (error instanceof RateLimitError) return false;
    throw error;
  }
}

/** GET /api/auth/<provider>: off to the provider's consent screen, remembering the flow in a cookie. */
export async function startOAuth(deps: OAuthDeps, req: Requester, name: OAuthProviderName, query: { redirectTo?: string | null }): Promise<OAuthRedirect> {
  const provider = oauthProvider(deps.env, name);
  if (!provider) return toLogin(name, "not_configured");
  if (!(await withinAuthLimit(deps, req))) return toLogin(name, "rate_limited");
  const state = generateState();
  const codeVerifier = provider.pkce ? generateCodeVerifier() : null;
  const url = codeVerifier
    ? provider.client.createAuthorizationURLWithPKCE(provider.authorizationEndpoint, state, CodeChallengeMethod.S256, codeVerifier, provider.scopes)
    : provider.client.createAuthorizationURL(provider.authorizationEndpoint, state, provider.scopes);
  const redirectTo = safeRedirect(query.redirectTo);
  return { location: url.toString(), cookies: [flowCookie(deps.env, { provider: name, state, codeVerifier, redirectTo })] };
}

function sameState(expected: string, received: string | null | undefined): boolean {
  if (!received) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function exchangeCode(provider: OAuthProvider, code: string, codeVerifier: string | null): Promise<string | OAuthErrorCode> {
  let tokens: OAuth2Tokens;
  try {
    tokens = await withDeadline(provider.client.validateAuthorizationCode(provider.tokenEndpoint, code, codeVerifier), `POST ${provider.tokenEndpoint}`);
  } catch (error) {
    // The provider refused the code (invalid_grant: bad, spent or expired);
    // anything else (unreachable, timeout, an unexpected answer) is the provider's trouble.
    return error instanceof OAuth2RequestError ? "code" : "provider";
  }
  // GitHub answers a bad or spent code with 200 and {"error":"bad_verification_code"}.
  if ("error" in tokens.data) return "code";
  return "access_token" in tokens.data && typeof tokens.data.access_token === "string" ? tokens.data.access_token : "provider";
}

export interface CallbackQuery {
  code?: string | null;
  state?: string | null;
  error?: string | null;
}

/** GET /api/auth/<provider>/callback: check the state, trade the code, find or create the user, start a session. */
export async function finishOAuth(deps: OAuthDeps, req: Requester, name: OAuthProviderName, query: CallbackQuery): Promise<OAuthRedirect> {
  // The flow cookie is spent whatever happens next.
  const cleared = [clearedFlowCookie(deps.env)];
  const fail = (error: OAuthErrorCode, reason: string) => {
    deps.log.info({ requestId: req.requestId, ip: req.ip, provider: name, reason }, "oauth sign-in failed");
    return toLogin(name, error, cleared);
  };
  const provider = oauthProvider(deps.env, name);
  if (!provider) return toLogin(name, "not_configured");
  if (!(await withinAuthLimit(deps, req))) return toLogin(name, "rate_limited", cleared);

  const flow = readFlowCookie(deps.env, req.cookieHeader);
  if (!flow || flow.provider !== name) return fail("state", "no sign-in in progress in this browser");
  if (!sameState(flow.state, query.state)) return fail("state", "state does not match");
  if (query.error) return query.error === "access_denied" ? fail("denied", "consent denied") : fail("provider", "the provider answered with an error");
  if (!query.code) return fail("code", "no code");

  const accessToken = await exchangeCode(provider, query.code, flow.codeVerifier);
  if (accessToken === "code" || accessToken === "provider") return fail(accessToken, "code exchange failed");

  let outcome;
  try {
    outcome = await userForOAuthProfile(deps.db, name, await provider.fetchProfile(accessToken));
  } catch (error) {
    if (error instanceof OAuthProviderError) return fail("provider", error.message);
    throw error;
  }
  if (outcome.kind === "no-verified-email") return fail("email", "no verified email address");

  const { token, session } = await createSession(deps.db, outcome.user.id, { rememberMe: false, userAgent: req.userAgent, ip: req.ip });
  deps.log.info({ requestId: req.requestId, userId: outcome.user.id, provider: name, account: outcome.kind }, "oauth sign-in succeeded");
  return { location: flow.redirectTo, cookies: [...cleared, sessionCookie(deps.env, token, session)] };
}
