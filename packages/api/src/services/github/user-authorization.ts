import type { Env } from "../../env.js";
import { ForbiddenError } from "../../errors.js";
import { userOctokit } from "./app-client.js";
import { GithubApiError, githubCall } from "./api-errors.js";

// "Request user authorization (OAuth) during installation": GitHub adds a
// `code` to the Setup URL, which the App's client id and secret exchange for
// a user token. That token says who installed the App, so setup can check
// the installation is one this GitHub user can see (GET /user/installations).

export type UserAuthEnv = Pick<Env, "GITHUB_URL" | "GITHUB_API_URL" | "GITHUB_APP_CLIENT_ID" | "GITHUB_APP_CLIENT_SECRET">;

export interface UserToken {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
}

export function canAuthorizeUsers(env: UserAuthEnv): boolean {
  return Boolean(env.GITHUB_APP_CLIENT_ID && env.GITHUB_APP_CLIENT_SECRET);
}

export async function exchangeUserCode(env: UserAuthEnv, code: string, fetchImpl: typeof fetch = fetch): Promise<UserToken> {
  let response: Response;
  try {
    response = await fetchImpl(`${env.GITHUB_URL}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify({ client_id: env.GITHUB_APP_CLIENT_ID, client_secret: env.GITHUB_APP_CLIENT_SECRET, code }),
      signal: AbortSignal.timeout(10_000),
      redirect: "error",
    });
  } catch {
    throw new GithubApiError("to the authorization code", undefined);
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; refresh_token?: string; expires_in?: number; error?: string };
  if (!response.ok) throw new GithubApiError("to the authorization code", response.status);
  if (!body.access_token) throw new ForbiddenError("GitHub refused the authorization; connect GitHub again from Settings");
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? null,
    expiresAt: body.expires_in ? new Date(Date.now() + body.expires_in * 1000) : null,
  };
}

export interface GithubUser {
  id: number;
  login: string;
}

export async function fetchUser(env: UserAuthEnv, token: string): Promise<GithubUser> {
  const { data } = await githubCall("with your GitHub account", () => userOctokit(env, token).request("GET /user"));
  return { id: Number(data.id), login: data.login };
}

/** Whether the user may see this installation (first 100 of theirs, which is every real user's lot). */
export async function userSeesInstallation(env: UserAuthEnv, token: string, installationId: number): Promise<boolean> {
  const { data } = await githubCall("with your installations", () => userOctokit(env, token).request("GET /user/installations", { per_page: 100 }));
  return data.installations.some((installation) => installation.id === installationId);
}
