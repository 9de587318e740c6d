import { generateKeyPairSync, randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { appRoutes } from "./app-routes.js";
import { gitRoutes } from "./git-routes.js";
import { writeRoutes } from "./write-routes.js";
import { oauthRoutes } from "./oauth-routes.js";
import { createFixtureRepo, type FixtureRepoOptions } from "./repo-fixtures.js";
import { startGitHubStandIn, type GitHubStandIn } from "./server.js";
import type { StandInInstallation } from "./state.js";

// A stand-in playing a GitHub App: a fresh RSA key pair (the private half is
// GITHUB_APP_PRIVATE_KEY, the public half verifies its JWTs), the App's
// routes, git over HTTP, and the env that points the platform at it.

export interface AppStandIn {
  standIn: GitHubStandIn;
  /** GITHUB_URL, GITHUB_API_URL and the App's variables. */
  env: Record<string, string>;
  addRepo(options: FixtureRepoOptions): ReturnType<typeof createFixtureRepo>;
  addInstallation(installation: StandInInstallation): void;
  close(): Promise<void>;
}

export async function startAppStandIn({ userAuthorization = true } = {}): Promise<AppStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const appClientId = `Iv1.${randomBytes(8).toString("hex")}`;
  const appClientSecret = randomBytes(20).toString("hex");
  const standIn = await startGitHubStandIn(
    {
      oauthClientId: "oauth-client",
      oauthClientSecret: "oauth-secret",
      appId: "4242",
      appSlug: "autostack-test",
      appPublicKey: publicKey,
      appClientId,
      appClientSecret,
      googleClientId: "google-client",
      googleClientSecret: "google-secret",
    },
    [...appRoutes, ...writeRoutes, ...gitRoutes, ...oauthRoutes],
  );
  const roots: string[] = [];
  return {
    standIn,
    env: {
      GITHUB_URL: standIn.url,
      GITHUB_API_URL: standIn.apiUrl,
      GITHUB_APP_ID: "4242",
      GITHUB_APP_SLUG: "autostack-test",
      // As an env file holds it: one line, `\n` escapes.
      GITHUB_APP_PRIVATE_KEY: privateKey.replace(/\n/g, "\\n"),
      GITHUB_WEBHOOK_SECRET: "stand-in-webhook-secret",
      ...(userAuthorization ? { GITHUB_APP_CLIENT_ID: appClientId, GITHUB_APP_CLIENT_SECRET: appClientSecret } : {}),
    },
    async addRepo(options) {
      const repo = await createFixtureRepo(standIn.state, options);
      roots.push(repo.root);
      return repo;
    },
    addInstallation(installation) {
      const added = { updatedAt: new Date().toISOString(), ...installation };
      standIn.state.installations = [...standIn.state.installations.filter((i) => i.id !== installation.id), added];
    },
    async close() {
      await standIn.close();
      await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
    },
  };
}
