import { randomBytes } from "node:crypto";
import { githubError, type StandInRequest, type StandInResponse, type StandInRoute } from "./router.js";
import { API_PREFIX } from "./server.js";
import type { StandInOAuthCode, StandInState, StandInUser } from "./state.js";

// GitHub's OAuth App sign-in: the consent screen (answered at once as
// state.signedInUserId, or denied when that is null), the code exchange and
// the two REST calls sign-in makes (/user, /user/emails). Codes are single-use
// and expire after CODE_LIFETIME_MS, as GitHub's do (10 minutes there).

export const CODE_LIFETIME_MS = 60_000;

export const randomToken = (prefix: string) => `${prefix}${randomBytes(20).toString("hex")}`;

/** A form or JSON body as a flat map of strings (the token endpoints accept both). */
export function bodyParams(request: StandInRequest): Map<string, string> {
  const text = request.body.toString("utf8");
  if (String(request.headers["content-type"] ?? "").includes("application/json")) {
    const json = JSON.parse(text || "{}") as Record<string, unknown>;
    return new Map(Object.entries(json).filter((e): e is [string, string] => typeof e[1] === "string"));
  }
  return new Map(new URLSearchParams(text));
}

/** Client credentials from HTTP Basic (as arctic sends them) or the body. */
export function clientCredentials(request: StandInRequest, params: Map<string, string>): { id: string; secret: string } | null {
  const basic = /^Basic (.+)$/i.exec(request.headers.authorization ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return null;
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  }
  const id = params.get("client_id");
  const secret = params.get("client_secret");
  return id && secret ? { id, secret } : null;
}

/** Back to redirect_uri with a fresh code, or with error=access_denied when nobody consents. */
export function consent(request: StandInRequest, subject: string | null, code: Omit<StandInOAuthCode, "subject" | "expiresAt" | "redirectUri">): StandInResponse {
  const redirectUri = request.url.searchParams.get("redirect_uri");
  if (!redirectUri) return { status: 400, text: "redirect_uri is required" };
  const back = new URL(redirectUri);
  const state = request.url.searchParams.get("state");
  if (subject === null) {
    back.searchParams.set("error", "access_denied");
    back.searchParams.set("error_description", "The user has denied your application access.");
  } else {
    const value = randomToken("code_");
    request.state.oauthCodes.set(value, { ...code, subject, redirectUri, expiresAt: Date.now() + CODE_LIFETIME_MS });
    back.searchParams.set("code", value);
  }
  if (state !== null) back.searchParams.set("state", state);
  return { status: 302, redirect: back.toString() };
}

/** Spends a code: null when unknown, already used, expired, or issued to another client or redirect URI. */
export function takeCode(state: StandInState, provider: StandInOAuthCode["provider"], params: Map<string, string>, clientId: string): StandInOAuthCode | null {
  const value = params.get("code") ?? "";
  const code = state.oauthCodes.get(value);
  if (!code) return null;
  state.oauthCodes.delete(value);
  if (code.provider !== provider || code.clientId !== clientId || code.expiresAt < Date.now()) return null;
  const redirectUri = params.get("redirect_uri");
  if (redirectUri !== undefined && redirectUri !== code.redirectUri) return null;
  return code;
}

/** GitHub answers JSON only when asked to (arctic asks); otherwise form-encoded. */
function tokenAnswer(request: StandInRequest, body: Record<string, string>): StandInResponse {
  if (String(request.headers.accept ?? "").includes("application/json")) return { status: 200, json: body };
  return { status: 200, text: new URLSearchParams(body).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
}

function tokenUser(request: StandInRequest): StandInUser | null {
  const match = /^(?:Bearer|token) (\S+)$/i.exec(request.headers.authorization ?? "");
  const owner = match ? request.state.userTokens.get(match[1]!) : undefined;
  return (owner && request.state.users.find((u) => u.id === owner.userId)) || null;
}

export const oauthRoutes: StandInRoute[] = [
  {
    method: "GET",
    path: /^\/login\/oauth\/authorize$/,
    handle(request) {
      if (request.url.searchParams.get("client_id") !== request.state.config.oauthClientId) return { status: 404, text: "Unknown OAuth application" };
      const userId = request.state.signedInUserId;
      return consent(request, userId === null ? null : String(userId), { provider: "github", clientId: request.state.config.oauthClientId, codeChallenge: null });
    },
  },
  {
    method: "POST",
    path: /^\/login\/oauth\/access_token$/,
    handle(request) {
      const params = bodyParams(request);
      const client = clientCredentials(request, params);
      const { oauthClientId, oauthClientSecret } = request.state.config;
      if (!client || client.id !== oauthClientId || client.secret !== oauthClientSecret) {
        return tokenAnswer(request, { error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect." });
      }
      const code = takeCode(request.state, "github", params, client.id);
      if (!code) return tokenAnswer(request, { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
      const token = randomToken("gho_");
      request.state.userTokens.set(token, { userId: Number(code.subject) });
      return tokenAnswer(request, { access_token: token, token_type: "bearer", scope: "read:user,user:email" });
    },
  },
  {
    method: "GET",
    path: new RegExp(`^${API_PREFIX}/user$`),
    handle(request) {
      const user = tokenUser(request);
      if (!user) return githubError(401, "Bad credentials");
      return { status: 200, json: { id: user.id, login: user.login, name: user.name, avatar_url: `${request.webUrl}/avatars/${user.id}`, type: "User" } };
    },
  },
  {
    method: "GET",
    path: new RegExp(`^${API_PREFIX}/user/emails$`),
    handle(request) {
      const user = tokenUser(request);
      if (!user) return githubError(401, "Bad credentials");
      return { status: 200, json: user.emails.map((e) => ({ ...e, visibility: e.primary ? "private" : null })) };
    },
  },
];
