import { spawn } from "node:child_process";
import path from "node:path";
import { basicInstallationCaller, findRepo } from "./app-auth.js";
import type { StandInRequest, StandInResponse, StandInRoute } from "./router.js";

// git's smart HTTP for /<owner>/<repo>.git/..., served by `git http-backend`
// (CGI): only fetches, and only with HTTP Basic `x-access-token:<token>` for
// an installation token that reaches the repository — anything else is a 401
// with a Basic challenge, as GitHub answers for a private repository.

const challenge: StandInResponse = { status: 401, text: "Authentication required\n", headers: { "www-authenticate": 'Basic realm="GitHub"' } };

/** Splits a CGI answer's header block from its body. */
function parseCgiHead(head: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "status") status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  return { status, headers };
}

function serve(request: StandInRequest, gitDir: string, rest: string): Promise<StandInResponse> {
  const { req, res } = request.raw;
  const header = (name: string) => String(req.headers[name] ?? "");
  // The CGI environment git http-backend reads (a cast: apps may declare required variables on ProcessEnv).
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    GIT_PROJECT_ROOT: path.dirname(gitDir),
    GIT_HTTP_EXPORT_ALL: "1",
    PATH_INFO: `/${path.basename(gitDir)}/${rest}`,
    REQUEST_METHOD: request.method,
    QUERY_STRING: request.url.search.replace(/^\?/, ""),
    CONTENT_TYPE: header("content-type"),
    ...(req.headers["content-length"] ? { CONTENT_LENGTH: header("content-length") } : {}),
    HTTP_CONTENT_ENCODING: header("content-encoding"),
    GIT_PROTOCOL: header("git-protocol"),
    REMOTE_USER: "x-access-token",
    REMOTE_ADDR: req.socket.remoteAddress ?? "127.0.0.1",
  } as Record<string, string> as NodeJS.ProcessEnv;
  const child = spawn("git", ["http-backend"], {
    env,
    stdio: ["pipe", "pipe", "ignore"],
  });
  req.pipe(child.stdin);
  return new Promise((resolve) => {
    let buffered = Buffer.alloc(0);
    let headSent = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (headSent) return void res.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n") >= 0 ? buffered.indexOf("\r\n\r\n") + 4 : buffered.indexOf("\n\n") >= 0 ? buffered.indexOf("\n\n") + 2 : -1;
      if (end < 0) return;
      const { status, headers } = parseCgiHead(buffered.subarray(0, end).toString("latin1"));
      res.writeHead(status, headers);
      headSent = true;
      res.write(buffered.subarray(end));
    });
    child.on("close", () => {
      if (!headSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end();
      resolve({ handled: true });
    });
    child.on("error", () => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end();
      resolve({ handled: true });
    });
  });
}

export const gitRoutes: StandInRoute[] = [
  {
    method: "*",
    path: /^\/(?<owner>[^/]+)\/(?<repo>[^/]+?)\.git\/(?<rest>.*)$/,
    handle(request) {
      const { owner = "", repo = "", rest = "" } = request.params;
      if (rest.includes("receive-pack") || request.url.searchParams.get("service") === "git-receive-pack") return Promise.resolve({ status: 403, text: "Pushing is not supported by the stand-in\n" });
      const caller = basicInstallationCaller(request);
      if (!caller) return challenge;
      const found = findRepo(caller.repos, owner, repo);
      // GitHub answers 404 for a repository the credentials cannot see.
      if (!found) return { status: 404, text: "Repository not found.\n" };
      return serve(request, found.gitDir, rest);
    },
  },
];
