import { findRepo, installationCaller } from "./app-auth.js";
import { githubError, type StandInRequest, type StandInResponse, type StandInRoute } from "./router.js";
import { API_PREFIX } from "./server.js";
import type { StandInRepo } from "./state.js";

// What the platform writes to GitHub: commit statuses and issue (pull
// request) comments, recorded in the state for tests to read back. Only an
// installation token that reaches the repository may write; GitHub's
// validation of a status (state, 140-character description) is checked.

const api = (path: string) => new RegExp(`^${API_PREFIX}${path}$`);
const REPO = "/repos/(?<owner>[^/]+)/(?<repo>[^/]+)";
const STATES = new Set(["pending", "success", "failure", "error"]);

function writableRepo(request: StandInRequest): StandInRepo | StandInResponse {
  const caller = installationCaller(request);
  if (!caller) return githubError(401, "Bad credentials");
  if (request.state.failWrites > 0) {
    request.state.failWrites -= 1;
    return githubError(502, "Server Error");
  }
  return findRepo(caller.repos, request.params.owner!, request.params.repo!) ?? githubError(404, "Not Found");
}

function jsonBody(request: StandInRequest): Record<string, unknown> {
  try {
    const body = JSON.parse(request.body.toString("utf8") || "{}") as unknown;
    return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const fullName = (repo: StandInRepo) => `${repo.owner}/${repo.name}`;

export const writeRoutes: StandInRoute[] = [
  {
    method: "POST",
    path: api(`${REPO}/statuses/(?<sha>[0-9a-f]{40})`),
    handle(request) {
      const repo = writableRepo(request);
      if (!("gitDir" in repo)) return repo;
      const body = jsonBody(request);
      const description = typeof body.description === "string" ? body.description : null;
      if (typeof body.state !== "string" || !STATES.has(body.state)) return githubError(422, "Validation Failed: state");
      if (description !== null && description.length > 140) return githubError(422, "Validation Failed: description is too long (maximum is 140 characters)");
      const status = {
        repo: fullName(repo),
        sha: request.params.sha!,
        state: body.state,
        targetUrl: typeof body.target_url === "string" ? body.target_url : null,
        description,
        context: typeof body.context === "string" ? body.context : "default",
      };
      request.state.statuses.push(status);
      return { status: 201, json: { id: request.state.statuses.length, state: status.state, target_url: status.targetUrl, description, context: status.context } };
    },
  },
  {
    method: "POST",
    path: api(`${REPO}/issues/(?<number>\\d+)/comments`),
    handle(request) {
      const repo = writableRepo(request);
      if (!("gitDir" in repo)) return repo;
      const body = jsonBody(request).body;
      if (typeof body !== "string" || body.length === 0) return githubError(422, "Validation Failed: body");
      const comment = { id: 1000 + request.state.comments.length, repo: fullName(repo), issueNumber: Number(request.params.number), body, updatedCount: 0 };
      request.state.comments.push(comment);
      return { status: 201, json: { id: comment.id, body, html_url: `${request.webUrl}/${comment.repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}` } };
    },
  },
  {
    method: "PATCH",
    path: api(`${REPO}/issues/comments/(?<id>\\d+)`),
    handle(request) {
      const repo = writableRepo(request);
      if (!("gitDir" in repo)) return repo;
      const comment = request.state.comments.find((c) => c.id === Number(request.params.id) && c.repo === fullName(repo));
      if (!comment) return githubError(404, "Not Found");
      const body = jsonBody(request).body;
      if (typeof body !== "string" || body.length === 0) return githubError(422, "Validation Failed: body");
      comment.body = body;
      comment.updatedCount += 1;
      return { status: 200, json: { id: comment.id, body } };
    },
  },
];
