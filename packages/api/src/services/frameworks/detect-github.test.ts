import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toErrorEnvelope } from "../../errors.js";
import { completeSetup } from "../github/connection.js";
import { startAppStandIn, type AppStandIn } from "../../testing/github-stand-in/app-fixture.js";
import { issueAppAuthorizationCode } from "../../testing/github-stand-in/app-routes.js";
import { DEPLOYMENT_TEST_ENV, signUp, type TestUser } from "../../testing/deployments.js";
import { createHarness, type Harness } from "../../testing/harness.js";

// deployment.detect for a repository picked from the GitHub list (owner/name):
// read over the stand-in's git smart HTTP with an installation token, which
// appears in no answer.

const GH_USER = { id: 601, login: "detective", name: "Detective", emails: [] };

describe("detecting an owner/name repository of the user's installation", () => {
  let app: AppStandIn;
  let h: Harness;
  let user: TestUser;

  beforeAll(async () => {
    app = await startAppStandIn();
    h = await createHarness({ ...DEPLOYMENT_TEST_ENV, ...app.env });
    app.standIn.state.users.push(GH_USER);
    const vite = { "package.json": JSON.stringify({ name: "shop", scripts: { build: "vite build" }, devDependencies: { vite: "^7.0.0" } }), "package-lock.json": "{}" };
    await app.addRepo({ id: 9101, owner: "detective", name: "shop", files: vite, private: true });
    app.addInstallation({ id: 81, account: { id: GH_USER.id, login: GH_USER.login, type: "User" }, repositoryIds: [9101], userIds: [GH_USER.id] });
    user = await signUp(h);
    const { url } = await user.caller.github.connect();
    const state = new URL(url).searchParams.get("state")!;
    await completeSetup(h.deps, user.id, { installationId: "81", state, code: issueAppAuthorizationCode(app.standIn.state, GH_USER.id) });
  });
  afterAll(async () => {
    await h?.close();
    await app?.close();
  });

  it("reads the repository with a token for it and suggests the framework's settings", async () => {
    const detection = await user.caller.deployment.detect({ repository: "detective/shop", branch: "main" });
    expect(detection).toMatchObject({ framework: { id: "vite" }, buildCommand: "npm run build", outputDir: "dist" });
    expect(app.standIn.state.installationTokens.size).toBeGreaterThan(0);
    const answer = JSON.stringify(detection);
    for (const token of app.standIn.state.installationTokens.keys()) expect(answer).not.toContain(token);
  });

  it("a missing branch is a field error, a repository outside the installation is not found", async () => {
    const codeOf = (promise: Promise<unknown>) => promise.then(() => "OK", (error: unknown) => toErrorEnvelope(error).error.code);
    expect(await codeOf(user.caller.deployment.detect({ repository: "detective/shop", branch: "nope" }))).toBe("VALIDATION_ERROR");
    expect(await codeOf(user.caller.deployment.detect({ repository: "someone/else", branch: "main" }))).toBe("REPOSITORY_NOT_FOUND");
  });
});
