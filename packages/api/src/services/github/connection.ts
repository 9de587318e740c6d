import type { Database } from "@autostack/db";
import type { Deps } from "../deps.js";
import { ForbiddenError, NotFoundError, ValidationError } from "../../errors.js";
import { secretBoxFromEnv } from "../crypto/secret-box.js";
import { GithubNotConfiguredError } from "./app-client.js";
import { fetchInstallation } from "./installation-tokens.js";
import { forgetRepositories } from "./repository-cache.js";
import { createSetupState, setupStateIssuedAt } from "./setup-state.js";
import { canAuthorizeUsers, exchangeUserCode, fetchUser, userSeesInstallation, type GithubUser, type UserToken } from "./user-authorization.js";

// A user's GitHub connection: the App installation they set up (and, when
// the App asks for user authorization, their sealed user token). Connecting
// is installing the App; GitHub sends the browser back to the Setup URL with
// the installation id and the state this module signed for the user.

type ConnectionDeps = Pick<Deps, "db" | "env">;

const TOKEN_PURPOSE = "autostack:github-user-token";

export interface ConnectionView {
  connected: boolean;
  username: string | null;
  installationId: string | null;
  account: { login: string; type: string } | null;
  connectedAt: Date | null;
  /** GitHub suspended the installation: the connection stays, but nothing deploys through it until it is unsuspended. */
  suspended: boolean;
  /** Whether this server has a GitHub App configured at all. */
  available: boolean;
}

export function connectUrl(deps: ConnectionDeps, userId: string): { url: string } {
  const { env } = deps;
  if (!env.githubAppConfigured || !env.GITHUB_APP_SLUG) throw new GithubNotConfiguredError();
  return { url: `${env.GITHUB_URL}/apps/${env.GITHUB_APP_SLUG}/installations/new?state=${encodeURIComponent(createSetupState(env, userId))}` };
}

export interface SetupInput {
  installationId: string | undefined;
  state: string | undefined;
  code?: string | undefined;
}

/** Checks what GitHub sent to the Setup URL and stores the connection. */
export async function completeSetup(deps: ConnectionDeps, userId: string, input: SetupInput): Promise<void> {
  const { env, db } = deps;
  if (!env.githubAppConfigured) throw new GithubNotConfiguredError();
  const issuedAt = input.state ? setupStateIssuedAt(env, input.state, userId) : null;
  if (issuedAt === null) {
    throw new ForbiddenError("This GitHub connection request is invalid or has expired; connect GitHub again from Settings");
  }
  if (!input.installationId || !/^\d{1,15}$/.test(input.installationId)) throw new ValidationError("GitHub sent no installation", { installation_id: "Missing or invalid" });
  const installationId = Number(input.installationId);
  const installation = await fetchInstallation(env, installationId);
  if (!installation) throw new NotFoundError("GitHub does not know this installation of the App");
  let user: GithubUser | null = null;
  let token: UserToken | null = null;
  if (input.code && canAuthorizeUsers(env)) {
    token = await exchangeUserCode(env, input.code);
    user = await fetchUser(env, token.accessToken);
    if (!(await userSeesInstallation(env, token.accessToken, installationId))) {
      throw new ForbiddenError("This installation of the GitHub App does not belong to your GitHub account");
    }
  } else {
    await checkUnverifiedInstallation(deps, userId, installationId, installation.updatedAt, issuedAt);
  }
  const box = secretBoxFromEnv(env);
  const aad = `${TOKEN_PURPOSE}:${userId}`;
  const data = {
    installationId: BigInt(installationId),
    accountLogin: installation.account.login,
    accountType: installation.account.type,
    githubUsername: user?.login ?? installation.account.login,
    githubUserId: user ? BigInt(user.id) : null,
    githubAccessToken: token ? box.seal(token.accessToken, aad) : null,
    githubRefreshToken: token?.refreshToken ? box.seal(token.refreshToken, aad) : null,
    tokenExpiresAt: token?.expiresAt ?? null,
    connectedAt: new Date(),
  };
  await db.githubConnection.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  forgetRepositories(userId);
}

/**
 * Without a user token, installation_id could be anyone's (GitHub warns the
 * Setup URL can be hit with a spoofed one). What is left to check: the
 * installation was created or changed after this user asked to connect (a
 * minute of clock skew allowed), and no other user holds it.
 */
async function checkUnverifiedInstallation(deps: ConnectionDeps, userId: string, installationId: number, updatedAt: Date | null, issuedAt: number): Promise<void> {
  const taken = await deps.db.githubConnection.findFirst({ where: { installationId: BigInt(installationId), userId: { not: userId } }, select: { id: true } });
  if (taken || !updatedAt || updatedAt.getTime() < issuedAt - 60_000) {
    throw new ForbiddenError("This installation of the GitHub App cannot be confirmed as yours; install the App again from Settings → GitHub");
  }
}

export async function getConnection(deps: ConnectionDeps, userId: string): Promise<ConnectionView> {
  const row = await deps.db.githubConnection.findUnique({ where: { userId } });
  const available = deps.env.githubAppConfigured;
  if (!row || row.installationId === null) {
    return { connected: false, username: null, installationId: null, account: null, connectedAt: null, suspended: false, available };
  }
  return {
    connected: true,
    username: row.githubUsername,
    installationId: row.installationId.toString(),
    account: row.accountLogin ? { login: row.accountLogin, type: row.accountType ?? "User" } : null,
    connectedAt: row.connectedAt,
    suspended: row.suspendedAt !== null,
    available,
  };
}

export interface RequiredConnection {
  installationId: number;
  /** What a cached repository list of this connection is good for (repository-cache.ts). */
  cacheVersion: string;
}

/** The connection a user deploys through; a 422 telling them to connect (or unsuspend the App) otherwise. */
export async function requireConnection(deps: ConnectionDeps, userId: string): Promise<RequiredConnection> {
  const row = await deps.db.githubConnection.findUnique({
    where: { userId },
    select: { installationId: true, suspendedAt: true, connectedAt: true, reposVersion: true },
  });
  if (!row?.installationId) {
    throw new ValidationError("GitHub is not connected; connect it in Settings → GitHub, or enter an https:// Git URL", { repository: "GitHub is not connected" });
  }
  if (row.suspendedAt) {
    throw new ValidationError("The GitHub App's installation is suspended; unsuspend it on GitHub to deploy its repositories", {
      repository: "The GitHub App installation is suspended",
    });
  }
  return { installationId: Number(row.installationId), cacheVersion: `${row.installationId}:${row.connectedAt.getTime()}:${row.reposVersion}` };
}

/** The installation a connected user deploys through; a 422 telling them to connect otherwise. */
export async function requireInstallation(deps: ConnectionDeps, userId: string): Promise<number> {
  return (await requireConnection(deps, userId)).installationId;
}

/** Removes the connection; projects stay (their builds fail to clone until GitHub is connected again). */
export async function disconnect(deps: ConnectionDeps, userId: string): Promise<{ success: true; message: string }> {
  await removeConnections(deps.db, { userId });
  return { success: true, message: "GitHub disconnected" };
}

/**
 * Removes the matching connections and this process's cached repository
 * lists of their users (other processes see the row gone). The uninstall
 * webhook calls it with the installation, inside its transaction.
 */
export async function removeConnections(db: Pick<Database, "githubConnection">, where: { userId: string } | { installationId: bigint }): Promise<string[]> {
  const removed = await db.githubConnection.findMany({ where, select: { userId: true } });
  await db.githubConnection.deleteMany({ where });
  for (const { userId } of removed) forgetRepositories(userId);
  return removed.map((r) => r.userId);
}
