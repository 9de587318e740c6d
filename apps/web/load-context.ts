import type { createCaller } from "@autostack/api";

// The contract between the Node server (server/) and the Remix routes (app/).
// The server builds one of these per request in getLoadContext.

export interface PublicConfig {
  /** OAuth buttons are enabled only when the provider is configured. */
  githubOAuthEnabled: boolean;
  googleOAuthEnabled: boolean;
  /** A GitHub App is configured (GITHUB_APP_*): users can connect GitHub and pick its repositories. */
  githubAppEnabled: boolean;
  /** True when mail is not sent over SMTP but kept for the /dev/mailbox page. */
  devMailboxEnabled: boolean;
  /** ALLOW_LOCAL_REPOS: file:// URLs and local paths are accepted as repositories. */
  localReposAllowed: boolean;
  appUrl: string;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    /**
     * tRPC caller bound to this request (source "web": session cookie, client
     * IP, request id). Cookies that procedures set (sign-in, sign-out, sliding
     * session renewal) are appended to the HTTP response by the server.
     */
    caller: ReturnType<typeof createCaller>;
    requestId: string;
    config: PublicConfig;
  }
}

export {};
