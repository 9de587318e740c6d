import http from "node:http";
import type { AddressInfo } from "node:net";
import type { StandInRequest, StandInResponse, StandInRoute } from "./router.js";
import { emptyState, type StandInConfig, type StandInState } from "./state.js";

// A local stand-in for GitHub (and Google's OAuth endpoints): one HTTP server
// whose web root plays GITHUB_URL and whose /api/v3 plays GITHUB_API_URL, as
// GitHub Enterprise lays them out. Tests arrange its state and read back what
// the platform did; the platform reaches it only through those two URLs.

export const API_PREFIX = "/api/v3";

export interface GitHubStandIn {
  /** GITHUB_URL */
  url: string;
  /** GITHUB_API_URL */
  apiUrl: string;
  state: StandInState;
  close(): Promise<void>;
}

const MAX_BODY = 25 * 1024 * 1024;

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: http.ServerResponse, response: StandInResponse): void {
  if ("handled" in response) return;
  if ("redirect" in response) {
    res.writeHead(response.status, { location: response.redirect }).end();
    return;
  }
  if ("json" in response) {
    res.writeHead(response.status, { "content-type": "application/json; charset=utf-8", ...response.headers }).end(JSON.stringify(response.json));
    return;
  }
  res.writeHead(response.status, { "content-type": "text/plain; charset=utf-8", ...response.headers }).end(response.text);
}

export async function startGitHubStandIn(config: StandInConfig, routes: StandInRoute[], { host = "127.0.0.1", port = 0 } = {}): Promise<GitHubStandIn> {
  const state = emptyState(config);
  let webUrl = "";
  let apiUrl = "";
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", webUrl);
      state.requests.push({ method: req.method ?? "GET", path: url.pathname, authorization: req.headers.authorization ?? null });
      for (const route of routes) {
        if (route.method !== "*" && route.method !== req.method) continue;
        const match = route.path.exec(url.pathname);
        if (!match) continue;
        // A streaming route reads the body itself.
        const body = route.method === "*" ? Buffer.alloc(0) : await readBody(req);
        const request: StandInRequest = { method: req.method ?? "GET", url, headers: req.headers, body, params: { ...match.groups }, state, webUrl, apiUrl, raw: { req, res } };
        send(res, await route.handle(request));
        return;
      }
      send(res, { status: 404, json: { message: "Not Found", documentation_url: "https://docs.github.com/rest" } });
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`stand-in error: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  webUrl = `http://${host}:${address.port}`;
  apiUrl = `${webUrl}${API_PREFIX}`;
  return {
    url: webUrl,
    apiUrl,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
