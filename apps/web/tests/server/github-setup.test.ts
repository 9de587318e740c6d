import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueAppAuthorizationCode, startAppStandIn, type AppStandIn } from "@autostack/api/testing/github-stand-in";
import { call, signUp, startTestServer, type TestServer } from "./harness.js";

// The GitHub App's Setup URL over real HTTP: POST /api/github/connect hands
// out the installation URL with a signed state; GitHub's redirect back to
// GET /api/github/setup (session cookie) stores the connection and lands on
// Settings → GitHub — or says why not, without connecting anything.

let app: AppStandIn;
let server: TestServer;
beforeAll(async () => {
  app = await startAppStandIn();
  server = await startTestServer({ env: app.env });
  app.standIn.state.users.push({ id: 501, login: "octocat", name: "Octo", emails: [] });
  app.addInstallation({ id: 71, account: { id: 501, login: "octocat", type: "User" }, repositoryIds: [], userIds: [501] });
});
afterAll(async () => {
  await server.close();
  await app.close();
});

async function connectUrl(user: { accessToken: string }): Promise<URL> {
  const result = await call<{ url: string }>(server, "POST", "/api/github/connect", { token: user.accessToken, body: {} });
  expect(result.status).toBe(200);
  return new URL(result.body.url);
}

describe("GET /api/github/setup", () => {
  it("stores the connection for the signed-in user and redirects to Settings → GitHub", async () => {
    const user = await signUp(server);
    const url = await connectUrl(user);
    expect(url.pathname).toBe("/apps/autostack-test/installations/new");
    const code = issueAppAuthorizationCode(app.standIn.state, 501);
    const query = new URLSearchParams({ installation_id: "71", setup_action: "install", state: url.searchParams.get("state")!, code });
    const setup = await call(server, "GET", `/api/github/setup?${query}`, { cookie: user.cookie });
    expect(setup.status).toBe(302);
    expect(setup.headers.get("location")).toBe("/settings?tab=github&github=connected");
    const connection = await call<{ connected: boolean; username: string }>(server, "GET", "/api/github/connection", { token: user.accessToken });
    expect(connection.body).toMatchObject({ connected: true, username: "octocat", installationId: "71" });
    const disconnected = await call(server, "DELETE", "/api/github/disconnect", { token: user.accessToken });
    expect(disconnected.status).toBe(200);
    expect((await call(server, "GET", "/api/github/connection-status", { token: user.accessToken })).body).toEqual({ connected: false, username: null });
  });

  it("refuses another user's state with a readable message and connects nobody", async () => {
    const victim = await signUp(server, "Victim");
    const attacker = await signUp(server, "Attacker");
    const url = await connectUrl(attacker);
    const query = new URLSearchParams({ installation_id: "71", setup_action: "install", state: url.searchParams.get("state")! });
    const setup = await call(server, "GET", `/api/github/setup?${query}`, { cookie: victim.cookie });
    expect(setup.status).toBe(302);
    const location = new URL(setup.headers.get("location")!, server.url);
    expect(location.pathname + "?tab=" + location.searchParams.get("tab")).toBe("/settings?tab=github");
    expect(location.searchParams.get("githubError")).toMatch(/invalid or has expired/);
    for (const user of [victim, attacker]) {
      expect((await call<{ connected: boolean }>(server, "GET", "/api/github/connection", { token: user.accessToken })).body.connected).toBe(false);
    }
  });

  it("sends a visitor without a session to the login page first", async () => {
    const setup = await call(server, "GET", "/api/github/setup?installation_id=71&state=x");
    expect(setup.status).toBe(302);
    expect(setup.headers.get("location")).toMatch(/^\/login\?redirectTo=%2Fapi%2Fgithub%2Fsetup/);
  });
});
