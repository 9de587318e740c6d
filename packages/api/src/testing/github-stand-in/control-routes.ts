import { googleEnv } from "./google-routes.js";
import type { StandInResponse, StandInRoute } from "./router.js";
import type { GitHubStandIn } from "./server.js";
import type { StandInConfig, StandInGoogleUser, StandInUser } from "./state.js";

// For tests that run the stand-in in another process (Playwright's platform):
// arrange its accounts and who its consent screens act as over HTTP.
//   POST /_stand-in/github/users   a StandInUser (replaces one with the same id)
//   PUT  /_stand-in/github/signed-in   {"userId": number | null}
//   POST /_stand-in/google/users   a StandInGoogleUser (replaces one with the same sub)
//   PUT  /_stand-in/google/signed-in   {"sub": string | null}

const ok: StandInResponse = { status: 204, text: "" };
const json = (body: Buffer) => JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;

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
