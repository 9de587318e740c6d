import { OAuth2Client } from "arctic";
import type { Env } from "../../../env.js";
import { githubProfile, googleProfile, type OAuthProfile } from "./profiles.js";

// The two sign-in providers as data: arctic's generic OAuth2Client with the
// endpoints from the environment (so GitHub Enterprise, or a local stand-in,
// works), the scopes, whether the flow uses PKCE, and how to read the profile.

export const OAUTH_PROVIDERS = ["github", "google"] as const;
export type OAuthProviderName = (typeof OAUTH_PROVIDERS)[number];

export function isOAuthProviderName(value: string): value is OAuthProviderName {
  return (OAUTH_PROVIDERS as readonly string[]).includes(value);
}

export interface OAuthProvider {
  name: OAuthProviderName;
  client: OAuth2Client;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  scopes: string[];
  pkce: boolean;
  fetchProfile(accessToken: string): Promise<OAuthProfile>;
}

export type OAuthEnv = Pick<
  Env,
  | "APP_URL"
  | "GITHUB_CLIENT_ID"
  | "GITHUB_CLIENT_SECRET"
  | "GITHUB_CALLBACK_URL"
  | "GITHUB_URL"
  | "GITHUB_API_URL"
  | "GOOGLE_CLIENT_ID"
  | "GOOGLE_CLIENT_SECRET"
  | "GOOGLE_CALLBACK_URL"
  | "GOOGLE_AUTHORIZATION_URL"
  | "GOOGLE_TOKEN_URL"
  | "GOOGLE_USERINFO_URL"
>;

/** The provider's settings, or null when its client id and secret are not both set. */
export function oauthProvider(env: OAuthEnv, name: OAuthProviderName): OAuthProvider | null {
  if (name === "github") {
    if (!env.GITHUB_CLIENT_ID || !env.GITHUB_CLIENT_SECRET) return null;
    const callback = env.GITHUB_CALLBACK_URL ?? `${env.APP_URL}/api/auth/github/callback`;
    return {
      name,
      client: new OAuth2Client(env.GITHUB_CLIENT_ID, env.GITHUB_CLIENT_SECRET, callback),
      authorizationEndpoint: `${env.GITHUB_URL}/login/oauth/authorize`,
      tokenEndpoint: `${env.GITHUB_URL}/login/oauth/access_token`,
      scopes: ["read:user", "user:email"],
      pkce: false,
      fetchProfile: (token) => githubProfile(env.GITHUB_API_URL, token),
    };
  }
  if (!env.GOOGLE_CLIENT_ID || !env.GOOGLE_CLIENT_SECRET) return null;
  const callback = env.GOOGLE_CALLBACK_URL ?? `${env.APP_URL}/api/auth/google/callback`;
  return {
    name,
    client: new OAuth2Client(env.GOOGLE_CLIENT_ID, env.GOOGLE_CLIENT_SECRET, callback),
    authorizationEndpoint: env.GOOGLE_AUTHORIZATION_URL,
    tokenEndpoint: env.GOOGLE_TOKEN_URL,
    scopes: ["openid", "profile", "email"],
    pkce: true,
    fetchProfile: (token) => googleProfile(env.GOOGLE_USERINFO_URL, token),
  };
}
