import { createHash } from "node:crypto";
import { bodyParams, clientCredentials, consent, randomToken, takeCode } from "./oauth-routes.js";
import type { StandInResponse, StandInRoute } from "./router.js";

// Google's OAuth 2.0 endpoints for sign-in, on the same stand-in under
// /google: authorize (PKCE S256 required, answered at once as
// state.googleSignedInSub, or denied when that is null), token (checks the
// client, the single-use code and the code_verifier) and OpenID userinfo.

export const GOOGLE_PATHS = {
  authorization: "/google/o/oauth2/v2/auth",
  token: "/google/token",
  userinfo: "/google/v1/userinfo",
} as const;

/** GOOGLE_AUTHORIZATION_URL, GOOGLE_TOKEN_URL and GOOGLE_USERINFO_URL for a stand-in at `url`. */
export function googleEnv(url: string): Record<"GOOGLE_AUTHORIZATION_URL" | "GOOGLE_TOKEN_URL" | "GOOGLE_USERINFO_URL", string> {
  return {
    GOOGLE_AUTHORIZATION_URL: `${url}${GOOGLE_PATHS.authorization}`,
    GOOGLE_TOKEN_URL: `${url}${GOOGLE_PATHS.token}`,
    GOOGLE_USERINFO_URL: `${url}${GOOGLE_PATHS.userinfo}`,
  };
}

const oauthError = (status: number, error: string, description: string): StandInResponse => ({ status, json: { error, error_description: description } });

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

export const googleRoutes: StandInRoute[] = [
  {
    method: "GET",
    path: new RegExp(`^${GOOGLE_PATHS.authorization}$`),
    handle(request) {
      const query = request.url.searchParams;
      if (query.get("client_id") !== request.state.config.googleClientId) return { status: 400, text: "Error 401: invalid_client" };
      const challenge = query.get("code_challenge");
      if (query.get("response_type") !== "code" || query.get("code_challenge_method") !== "S256" || !challenge) {
        return { status: 400, text: "Error 400: invalid_request (PKCE S256 is required here)" };
      }
      return consent(request, request.state.googleSignedInSub, { provider: "google", clientId: request.state.config.googleClientId, codeChallenge: challenge });
    },
  },
  {
    method: "POST",
    path: new RegExp(`^${GOOGLE_PATHS.token}$`),
    handle(request) {
      const params = bodyParams(request);
      const client = clientCredentials(request, params);
      const { googleClientId, googleClientSecret } = request.state.config;
      if (!client || client.id !== googleClientId || client.secret !== googleClientSecret) return oauthError(401, "invalid_client", "The OAuth client was not found.");
      if (params.get("grant_type") !== "authorization_code") return oauthError(400, "unsupported_grant_type", "Invalid grant_type");
      const code = takeCode(request.state, "google", params, client.id);
      if (!code) return oauthError(400, "invalid_grant", "Malformed auth code.");
      const verifier = params.get("code_verifier");
      if (!verifier || s256(verifier) !== code.codeChallenge) return oauthError(400, "invalid_grant", "Invalid code verifier.");
      const token = randomToken("ya29.");
      request.state.googleTokens.set(token, { sub: code.subject });
      return { status: 200, json: { access_token: token, token_type: "Bearer", expires_in: 3599, scope: "openid profile email" } };
    },
  },
  {
    method: "GET",
    path: new RegExp(`^${GOOGLE_PATHS.userinfo}$`),
    handle(request) {
      const match = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? "");
      const owner = match ? request.state.googleTokens.get(match[1]!) : undefined;
      const user = owner && request.state.googleUsers.find((u) => u.sub === owner.sub);
      if (!user) return oauthError(401, "invalid_token", "Invalid Credentials");
      return { status: 200, json: { sub: user.sub, name: user.name, email: user.email, email_verified: user.emailVerified } };
    },
  },
];
