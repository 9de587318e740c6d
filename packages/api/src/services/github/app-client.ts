import { App } from "@octokit/app";
import { Octokit } from "@octokit/core";
import type { Env } from "../../env.js";
import { AppError } from "../../errors.js";

// The GitHub App as @octokit/app sees it, pointed at GITHUB_API_URL (GitHub
// Enterprise or the tests' stand-in). Built once per configuration: the App
// signs its RS256 JWTs with GITHUB_APP_PRIVATE_KEY on demand.

export type GithubAppEnv = Pick<Env, "GITHUB_APP_ID" | "GITHUB_APP_PRIVATE_KEY" | "GITHUB_API_URL">;

export class GithubNotConfiguredError extends AppError {
  constructor() {
    // A 422, not a 5xx: the server works as configured; this request cannot be served by it.
    super("GITHUB_NOT_CONFIGURED", 422, "The GitHub App is not configured on this server");
  }
}

const apps = new Map<string, App>();
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** An Octokit acting as a GitHub user (their OAuth token), at GITHUB_API_URL. */
export function userOctokit(env: Pick<Env, "GITHUB_API_URL">, token: string): Octokit {
  const UserOctokit = Octokit.defaults({ baseUrl: env.GITHUB_API_URL, log: quiet });
  return new UserOctokit({ auth: token });
}

export function githubApp(env: GithubAppEnv): App {
  if (!env.GITHUB_APP_ID || !env.GITHUB_APP_PRIVATE_KEY) throw new GithubNotConfiguredError();
  const key = `${env.GITHUB_API_URL}\n${env.GITHUB_APP_ID}\n${env.GITHUB_APP_PRIVATE_KEY}`;
  let app = apps.get(key);
  if (!app) {
    app = new App({
      appId: env.GITHUB_APP_ID,
      privateKey: env.GITHUB_APP_PRIVATE_KEY,
      Octokit: Octokit.defaults({ baseUrl: env.GITHUB_API_URL, log: quiet }),
      log: quiet,
    });
    apps.set(key, app);
  }
  return app;
}
