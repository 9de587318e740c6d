// What the GitHub (and Google) stand-in knows: the accounts, repositories and
// installations a test arranges, and what the platform did to it (tokens it
// was issued, statuses and comments it posted), for the test to read back.

export interface StandInEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

export interface StandInUser {
  id: number;
  login: string;
  name: string;
  emails: StandInEmail[];
}

export interface StandInRepo {
  id: number;
  owner: string;
  name: string;
  defaultBranch: string;
  private: boolean;
  /** A bare git repository on disk, served over git's smart HTTP. */
  gitDir: string;
}

export interface StandInInstallation {
  id: number;
  account: { id: number; login: string; type: "User" | "Organization" };
  repositoryIds: number[];
  /** Users who may see this installation (GET /user/installations). */
  userIds: number[];
  suspended?: boolean;
  /** When it was installed or last changed (GitHub's created_at / updated_at); app-fixture.ts sets now. */
  updatedAt?: string;
}

/** A Google account for the Google sign-in stand-in. */
export interface StandInGoogleUser {
  sub: string;
  name: string;
  email: string;
  emailVerified: boolean;
}

/** An authorization code handed out by a consent screen (GitHub's or Google's), single-use. */
export interface StandInOAuthCode {
  provider: "github" | "google";
  /** A GitHub user id, or a Google `sub`. */
  subject: string;
  clientId: string;
  redirectUri: string | null;
  expiresAt: number;
  /** Google: the PKCE S256 challenge the token request must answer. */
  codeChallenge: string | null;
}

export interface StandInConfig {
  /** The OAuth App for sign-in (GITHUB_CLIENT_ID / _SECRET). */
  oauthClientId: string;
  oauthClientSecret: string;
  /** The GitHub App: id, slug and the public half of GITHUB_APP_PRIVATE_KEY (to verify its RS256 JWTs). */
  appId: string;
  appSlug: string;
  appPublicKey: string;
  /** The GitHub App's own OAuth client (GITHUB_APP_CLIENT_ID / _SECRET), for user authorization during installation; app-routes.ts answers its code exchange. */
  appClientId?: string;
  appClientSecret?: string;
  /** The App's Setup URL (`${APP_URL}/api/github/setup`): where the install page (app-routes.ts) sends the browser back. */
  appSetupUrl?: string;
  /** Where repositories arranged over the control routes are created (a fresh temporary directory each when unset). */
  fixtureRoot?: string;
  /** Google's OAuth client (GOOGLE_CLIENT_ID / _SECRET). */
  googleClientId: string;
  googleClientSecret: string;
}

export interface StandInState {
  config: StandInConfig;
  users: StandInUser[];
  repos: StandInRepo[];
  installations: StandInInstallation[];
  /** The user the stand-in's consent screens act as (null: consent is denied). */
  signedInUserId: number | null;
  /** Google sign-in: its accounts, and who its consent screen acts as (null: denied). */
  googleUsers: StandInGoogleUser[];
  googleSignedInSub: string | null;
  /** OAuth authorization codes not yet traded, by value. */
  oauthCodes: Map<string, StandInOAuthCode>;
  /** Google access tokens handed out, by value. */
  googleTokens: Map<string, { sub: string }>;
  /** Tokens handed out, by value. */
  userTokens: Map<string, { userId: number }>;
  installationTokens: Map<string, { installationId: number; expiresAt: number; /** Scoped to these repositories when minted with repository_ids. */ repositoryIds?: number[] }>;
  /** What the platform wrote to GitHub. */
  statuses: { repo: string; sha: string; state: string; targetUrl: string | null; description: string | null; context: string }[];
  comments: { id: number; repo: string; issueNumber: number; body: string; updatedCount: number }[];
  /** The next this many writes (statuses, comments) answer 502, as GitHub does when it is down. */
  failWrites: number;
  /** Every request, for tests that check what was (not) asked. */
  requests: { method: string; path: string; authorization: string | null }[];
}

export function emptyState(config: StandInConfig): StandInState {
  return {
    config,
    users: [],
    repos: [],
    installations: [],
    signedInUserId: null,
    googleUsers: [],
    googleSignedInSub: null,
    oauthCodes: new Map(),
    googleTokens: new Map(),
    userTokens: new Map(),
    installationTokens: new Map(),
    statuses: [],
    comments: [],
    failWrites: 0,
    requests: [],
  };
}
