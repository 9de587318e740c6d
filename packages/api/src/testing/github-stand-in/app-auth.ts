import { importSPKI, jwtVerify } from "jose";
import type { StandInRequest } from "./router.js";
import type { StandInInstallation, StandInRepo, StandInState } from "./state.js";

// Who is calling the App's endpoints: the App itself (an RS256 JWT signed
// with its private key, iss = app id, at most 10 minutes long, as GitHub
// requires) or an installation (a token the stand-in issued, not expired).

const CLOCK_SKEW_S = 60;

export async function verifyAppJwt(request: StandInRequest): Promise<boolean> {
  const match = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? "");
  if (!match) return false;
  try {
    const key = await importSPKI(request.state.config.appPublicKey, "RS256");
    const { payload } = await jwtVerify(match[1]!, key, { algorithms: ["RS256"], clockTolerance: CLOCK_SKEW_S });
    const now = Math.floor(Date.now() / 1000);
    if (String(payload.iss) !== request.state.config.appId) return false;
    if (typeof payload.iat !== "number" || typeof payload.exp !== "number") return false;
    return payload.iat <= now + CLOCK_SKEW_S && payload.exp - payload.iat <= 600 + CLOCK_SKEW_S;
  } catch {
    return false;
  }
}

export interface InstallationCaller {
  installation: StandInInstallation;
  /** The repositories this token may reach. */
  repos: StandInRepo[];
}

export function installationForToken(state: StandInState, token: string | undefined): InstallationCaller | null {
  const entry = token ? state.installationTokens.get(token) : undefined;
  if (!entry || entry.expiresAt < Date.now()) return null;
  const installation = state.installations.find((i) => i.id === entry.installationId);
  if (!installation || installation.suspended) return null;
  const repos = state.repos.filter((repo) => installation.repositoryIds.includes(repo.id) && (!entry.repositoryIds || entry.repositoryIds.includes(repo.id)));
  return { installation, repos };
}

/** An installation token from `Authorization: token X` / `Bearer X` (the REST API). */
export function installationCaller(request: StandInRequest): InstallationCaller | null {
  const match = /^(?:token|Bearer) (\S+)$/i.exec(request.headers.authorization ?? "");
  return installationForToken(request.state, match?.[1]);
}

/** An installation token from `Authorization: Basic x-access-token:X` (git over HTTP). */
export function basicInstallationCaller(request: StandInRequest): InstallationCaller | null {
  const match = /^Basic (\S+)$/i.exec(request.headers.authorization ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0 || decoded.slice(0, colon) !== "x-access-token") return null;
  return installationForToken(request.state, decoded.slice(colon + 1));
}

export function repoJson(request: StandInRequest, repo: StandInRepo): Record<string, unknown> {
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: { login: repo.owner, id: 0, type: "User" },
    private: repo.private,
    default_branch: repo.defaultBranch,
    html_url: `${request.webUrl}/${repo.owner}/${repo.name}`,
    clone_url: `${request.webUrl}/${repo.owner}/${repo.name}.git`,
    updated_at: new Date(0).toISOString(),
  };
}

export function findRepo(repos: StandInRepo[], owner: string, name: string): StandInRepo | undefined {
  return repos.find((repo) => repo.owner.toLowerCase() === owner.toLowerCase() && repo.name.toLowerCase() === name.toLowerCase());
}
