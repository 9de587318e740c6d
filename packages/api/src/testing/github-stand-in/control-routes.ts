import { mkdtemp } from "node:fs/promises";
import path from "node:path";
import { googleEnv } from "./google-routes.js";
import { createFixtureRepo } from "./repo-fixtures.js";
import type { StandInResponse, StandInRoute } from "./router.js";
import type { GitHubStandIn } from "./server.js";
import type { StandInConfig, StandInGoogleUser, StandInInstallation, StandInUser } from "./state.js";

// For tests that run the stand-in in another process (Playwright's platform):
// arrange its accounts and who its consent screens act as over HTTP.
//   POST /_stand-in/github/users   a StandInUser (replaces one with the same id)
//   PUT  /_stand-in/github/signed-in   {"userId": number | null}
//   POST /_stand-in/google/users   a StandInGoogleUser (replaces one with the same sub)
//   PUT  /_stand-in/google/signed-in   {"sub": string | null}
// and the GitHub App's side (app-routes.ts, git-routes.ts):
//   POST /_stand-in/repos   {id, owner, name, files?, defaultBranch?, branches?, private?}: a bare
//        repository with one commit of `files` (repo-fixtures.ts) → 201 {commit}
//   POST /_stand-in/installations   a StandInInstallation (replaces one with the same id; updatedAt now)
//   GET  /_stand-in/requests?path=<prefix>   the requests seen under that path: method, path and
//        the Authorization scheme only (Basic, Bearer, token), never a credential

const ok: StandInResponse = { status: 204, text: "" };
const json = (body: Buffer) => JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
const isNumberList = (value: unknown): value is number[] => Array.isArray(value) && value.every((item) => typeof item === "number");
const isStringMap = (value: unknown): value is Record<string, string> =>
  typeof value === "object" && value !== null && Object.values(value).every((item) => typeof item === "string");

export const controlRoutes: StandInRoute[] = [
  {
    method: "POST",
    path: /^\/_stand-in\/github\/users$/,
    handle({ body, state }) {
      const user = json(body) as unknown as StandInUser;
      if (typeof user.id !== "number" || typeof user.login !== "string" || !Array.isArray(user.emails)) return { status: 400, text: "expected {id, login, name, emails}" };
      state.users = [...state.users.filter((u) => u.id !== user.id), user];
      return ok;
    },
  },
  {
    method: "PUT",
    path: /^\/_stand-in\/github\/signed-in$/,
    handle({ body, state }) {
      const { userId } = json(body);
      if (userId !== null && typeof userId !== "number") return { status: 400, text: "expected {userId: number | null}" };
      state.signedInUserId = userId;
      return ok;
    },
  },
  {
    method: "POST",
    path: /^\/_stand-in\/google\/users$/,
    handle({ body, state }) {
      const user = json(body) as unknown as StandInGoogleUser;
      if (typeof user.sub !== "string" || typeof user.email !== "string") return { status: 400, text: "expected {sub, name, email, emailVerified}" };
      state.googleUsers = [...state.googleUsers.filter((u) => u.sub !== user.sub), user];
      return ok;
    },
  },
  {
    method: "PUT",
    path: /^\/_stand-in\/google\/signed-in$/,
    handle({ body, state }) {
      const { sub } = json(body);
      if (sub !== null && typeof sub !== "string") return { status: 400, text: "expected {sub: string | null}" };
      state.googleSignedInSub = sub;
      return ok;
    },
  },
  {
    method: "POST",
    path: /^\/_stand-in\/repos$/,
    async handle({ body, state }) {
      const { id, owner, name, files, defaultBranch, branches, private: isPrivate } = json(body);
      const valid = typeof id === "number" && typeof owner === "string" && typeof name === "string" && /^[\w.-]+$/.test(owner + name);
      if (!valid || (files !== undefined && !isStringMap(files)) || (branches !== undefined && !(Array.isArray(branches) && branches.every((b) => typeof b === "string")))) {
        return { status: 400, text: "expected {id, owner, name, files?, defaultBranch?, branches?, private?}" };
      }
      const root = state.config.fixtureRoot ? await mkdtemp(path.join(state.config.fixtureRoot, "repo-")) : undefined;
      const repo = await createFixtureRepo(state, {
        id,
        owner,
        name,
        ...(files ? { files } : {}),
        ...(typeof defaultBranch === "string" ? { defaultBranch } : {}),
        ...(branches ? { branches: branches as string[] } : {}),
        private: isPrivate !== false,
        ...(root ? { root } : {}),
      });
      return { status: 201, json: { commit: repo.commit } };
    },
  },
  {
    method: "POST",
    path: /^\/_stand-in\/installations$/,
    handle({ body, state }) {
      const installation = json(body) as unknown as StandInInstallation;
      const account = installation.account as Partial<StandInInstallation["account"]> | undefined;
      if (typeof installation.id !== "number" || typeof account?.login !== "string" || !isNumberList(installation.repositoryIds) || !isNumberList(installation.userIds)) {
        return { status: 400, text: "expected {id, account: {id, login, type}, repositoryIds, userIds}" };
      }
      state.installations = [...state.installations.filter((i) => i.id !== installation.id), { ...installation, updatedAt: new Date().toISOString() }];
      return ok;
    },
  },
  {
    method: "GET",
    path: /^\/_stand-in\/requests$/,
    handle({ url, state }) {
      const prefix = url.searchParams.get("path") ?? "/";
      const seen = state.requests
        .filter((request) => request.path.startsWith(prefix))
        .map(({ method, path: requestPath, authorization }) => ({ method, path: requestPath, authorization: authorization?.split(" ")[0] ?? null }));
      return { status: 200, json: seen };
    },
  },
];

/** Client ids and secrets for tests that only sign in (the App fields unused). */
export const OAUTH_TEST_CONFIG: StandInConfig = {
  oauthClientId: "Iv1.test-oauth-client",
  oauthClientSecret: "test-oauth-client-secret",
  appId: "1",
  appSlug: "autostack-test",
  appPublicKey: "unused",
  googleClientId: "test-client.apps.googleusercontent.com",
  googleClientSecret: "test-google-client-secret",
};

/** The platform's env for the GitHub App this stand-in plays (its config's id and slug; the private key of its appPublicKey, as an env file holds it). */
export function appEnvFor(standIn: Pick<GitHubStandIn, "state">, privateKeyPem: string, webhookSecret: string): Record<string, string> {
  const { config } = standIn.state;
  return {
    GITHUB_APP_ID: config.appId,
    GITHUB_APP_SLUG: config.appSlug,
    GITHUB_APP_PRIVATE_KEY: privateKeyPem.replace(/\n/g, "\\n"),
    GITHUB_WEBHOOK_SECRET: webhookSecret,
    ...(config.appClientId && config.appClientSecret ? { GITHUB_APP_CLIENT_ID: config.appClientId, GITHUB_APP_CLIENT_SECRET: config.appClientSecret } : {}),
  };
}

/** The platform's env for signing in with GitHub and Google at this stand-in. */
export function oauthEnvFor(standIn: Pick<GitHubStandIn, "url" | "apiUrl" | "state">): Record<string, string> {
  const { config } = standIn.state;
  return {
    GITHUB_URL: standIn.url,
    GITHUB_API_URL: standIn.apiUrl,
    GITHUB_CLIENT_ID: config.oauthClientId,
    GITHUB_CLIENT_SECRET: config.oauthClientSecret,
    GOOGLE_CLIENT_ID: config.googleClientId,
    GOOGLE_CLIENT_SECRET: config.googleClientSecret,
    ...googleEnv(standIn.url),
  };
}
