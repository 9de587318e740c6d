import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { findRepo, installationCaller, repoJson, verifyAppJwt } from "./app-auth.js";
import { bodyParams, clientCredentials, oauthRoutes, randomToken, takeCode, CODE_LIFETIME_MS } from "./oauth-routes.js";
import { githubError, type StandInRequest, type StandInResponse, type StandInRoute } from "./router.js";
import { API_PREFIX } from "./server.js";
import type { StandInInstallation, StandInRepo, StandInState } from "./state.js";

// The GitHub App's side of the API: installation tokens minted with the App's
// JWT, the installation, its repositories and their branches, the user's
// installations (user token), and the App's user-authorization code exchange
// (answered here for the App's client; every other client goes on to
// oauth-routes.ts). Put these routes before oauthRoutes.

const run = promisify(execFile);
export const INSTALLATION_TOKEN_LIFETIME_MS = 60 * 60 * 1000;
const api = (path: string) => new RegExp(`^${API_PREFIX}${path}$`);
const unauthorized = githubError(401, "Bad credentials");
const oauthTokenRoute = oauthRoutes.find((route) => route.method === "POST" && route.path.test("/login/oauth/access_token"));

/** A code as GitHub adds to the Setup URL when the App requests user authorization during installation. */
export function issueAppAuthorizationCode(state: StandInState, userId: number): string {
  const code = randomToken("code_");
  state.oauthCodes.set(code, { provider: "github", subject: String(userId), clientId: state.config.appClientId ?? "", redirectUri: null, expiresAt: Date.now() + CODE_LIFETIME_MS, codeChallenge: null });
  return code;
}

async function branches(repo: StandInRepo): Promise<{ name: string; sha: string }[]> {
  const { stdout } = await run("git", ["for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"], { cwd: repo.gitDir });
  return stdout.trim().split("\n").filter(Boolean).map((line) => {
    const [name = "", sha = ""] = line.split(" ");
    return { name, sha };
  });
}

const branchJson = (request: StandInRequest, repo: StandInRepo, branch: { name: string; sha: string }) => ({
  name: branch.name,
  commit: { sha: branch.sha, url: `${request.apiUrl}/repos/${repo.owner}/${repo.name}/commits/${branch.sha}` },
  protected: false,
});

/** The repository of the path, when the calling installation token reaches it. */
function reachableRepo(request: StandInRequest): StandInRepo | StandInResponse {
  const caller = installationCaller(request);
  if (!caller) return unauthorized;
  return findRepo(caller.repos, request.params.owner!, request.params.repo!) ?? githubError(404, "Not Found");
}

function appUserTokenExchange(request: StandInRequest): StandInResponse | Promise<StandInResponse> {
  const params = bodyParams(request);
  const client = clientCredentials(request, params);
  const { appClientId, appClientSecret } = request.state.config;
  if (!appClientId || client?.id !== appClientId) return oauthTokenRoute!.handle(request);
  if (client.secret !== appClientSecret) return { status: 200, json: { error: "incorrect_client_credentials" } };
  const code = takeCode(request.state, "github", params, client.id);
  if (!code) return { status: 200, json: { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." } };
  const token = randomToken("ghu_");
  request.state.userTokens.set(token, { userId: Number(code.subject) });
  return { status: 200, json: { access_token: token, token_type: "bearer", scope: "", expires_in: 28_800, refresh_token: randomToken("ghr_") } };
}

/** The installation of the path, for a caller with a valid App JWT. */
async function appInstallation(request: StandInRequest): Promise<StandInInstallation | StandInResponse> {
  if (!(await verifyAppJwt(request))) return githubError(401, "A JSON web token could not be decoded");
  return request.state.installations.find((i) => i.id === Number(request.params.id)) ?? githubError(404, "Not Found");
}

/**
 * GitHub's install page, answered at once as the signed-in user (control
 * routes): their installation is (re)installed now and the browser goes to
 * the App's Setup URL with it, the state it brought, and (with user
 * authorization on) a code for that user.
 */
function installPage(request: StandInRequest): StandInResponse {
  const { state } = request;
  if (request.params.slug !== state.config.appSlug) return githubError(404, "Not Found");
  const userId = state.signedInUserId;
  const installation = userId === null ? undefined : state.installations.find((i) => i.userIds.includes(userId));
  if (!state.config.appSetupUrl || userId === null || !installation) return { status: 403, text: "stand-in: no Setup URL, signed-in user or installation of theirs to install\n" };
  installation.updatedAt = new Date().toISOString();
  const target = new URL(state.config.appSetupUrl);
  target.searchParams.set("installation_id", String(installation.id));
  target.searchParams.set("setup_action", "install");
  const setupState = request.url.searchParams.get("state");
  if (setupState !== null) target.searchParams.set("state", setupState);
  if (state.config.appClientId) target.searchParams.set("code", issueAppAuthorizationCode(state, userId));
  return { status: 302, redirect: target.toString() };
}

export const appRoutes: StandInRoute[] = [
  { method: "GET", path: /^\/apps\/(?<slug>[^/]+)\/installations\/new$/, handle: installPage },
  { method: "POST", path: /^\/login\/oauth\/access_token$/, handle: appUserTokenExchange },
  {
    method: "POST",
    path: api("/app/installations/(?<id>\\d+)/access_tokens"),
    async handle(request) {
      const installation = await appInstallation(request);
      if (!("repositoryIds" in installation)) return installation;
      if (installation.suspended) return githubError(403, "This installation has been suspended");
      const body = JSON.parse(request.body.toString("utf8") || "{}") as { repository_ids?: number[] };
      if (body.repository_ids?.some((id) => !installation.repositoryIds.includes(id))) return githubError(422, "There is at least one repository that does not exist or is not accessible to the parent installation.");
      const token = randomToken("ghs_");
      const expiresAt = Date.now() + INSTALLATION_TOKEN_LIFETIME_MS;
      request.state.installationTokens.set(token, { installationId: installation.id, expiresAt, ...(body.repository_ids ? { repositoryIds: body.repository_ids } : {}) });
      return { status: 201, json: { token, expires_at: new Date(expiresAt).toISOString(), permissions: { contents: "read", metadata: "read" }, repository_selection: "selected" } };
    },
  },
  {
    method: "GET",
    path: api("/app/installations/(?<id>\\d+)"),
    async handle(request) {
      const installation = await appInstallation(request);
      if (!("repositoryIds" in installation)) return installation;
      return { status: 200, json: { id: installation.id, account: installation.account, app_id: Number(request.state.config.appId), app_slug: request.state.config.appSlug, target_type: installation.account.type, created_at: installation.updatedAt ?? null, updated_at: installation.updatedAt ?? null, repository_selection: "selected", suspended_at: installation.suspended ? new Date().toISOString() : null } };
    },
  },
  {
    method: "GET",
    path: api("/installation/repositories"),
    handle(request) {
      const caller = installationCaller(request);
      if (!caller) return unauthorized;
      const perPage = Math.min(100, Number(request.url.searchParams.get("per_page") ?? 30));
      const page = Math.max(1, Number(request.url.searchParams.get("page") ?? 1));
      const slice = caller.repos.slice((page - 1) * perPage, page * perPage);
      return { status: 200, json: { total_count: caller.repos.length, repository_selection: "selected", repositories: slice.map((repo) => repoJson(request, repo)) } };
    },
  },
  {
    method: "GET",
    path: api("/repos/(?<owner>[^/]+)/(?<repo>[^/]+)"),
    handle(request) {
      const repo = reachableRepo(request);
      return "gitDir" in repo ? { status: 200, json: repoJson(request, repo) } : repo;
    },
  },
  {
    method: "GET",
    path: api("/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/branches"),
    async handle(request) {
      const repo = reachableRepo(request);
      if (!("gitDir" in repo)) return repo;
      return { status: 200, json: (await branches(repo)).map((branch) => branchJson(request, repo, branch)) };
    },
  },
  {
    method: "GET",
    path: api("/repos/(?<owner>[^/]+)/(?<repo>[^/]+)/branches/(?<branch>.+)"),
    async handle(request) {
      const repo = reachableRepo(request);
      if (!("gitDir" in repo)) return repo;
      const branch = (await branches(repo)).find((b) => b.name === decodeURIComponent(request.params.branch!));
      return branch ? { status: 200, json: branchJson(request, repo, branch) } : githubError(404, "Branch not found");
    },
  },
  {
    method: "GET",
    path: api("/user/installations"),
    handle(request) {
      const match = /^(?:token|Bearer) (\S+)$/i.exec(request.headers.authorization ?? "");
      const owner = match ? request.state.userTokens.get(match[1]!) : undefined;
      if (!owner) return unauthorized;
      const installations = request.state.installations.filter((i) => i.userIds.includes(owner.userId));
      return { status: 200, json: { total_count: installations.length, installations: installations.map((i) => ({ id: i.id, account: i.account, app_id: Number(request.state.config.appId), app_slug: request.state.config.appSlug })) } };
    },
  },
];
