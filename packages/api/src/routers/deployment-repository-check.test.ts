import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenApiFetchHandler } from "trpc-to-openapi";
import { createContext, createCookieCollector } from "../context.js";
import { appRouter } from "../root.js";
import { DEPLOYMENT_TEST_ENV, signUp } from "../testing/deployments.js";
import { createHarness, type Harness } from "../testing/harness.js";
import { envelopeOf } from "./deployment-envelope.js";

// The repository and branch are checked (git ls-remote) before anything is
// queued: a typo'd URL or branch is a field error, costs no deployment quota
// and creates no project — through deployment.create and through the
// wizard's deployment.checkRepository. Real git repositories, file:// URLs.

const run = promisify(execFile);

let h: Harness;
let tmp: string;
let repository: string;
beforeAll(async () => {
  h = await createHarness({ ...DEPLOYMENT_TEST_ENV, REPOSITORY_CHECK: "true" });
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-create-check-"));
  const dir = path.join(tmp, "site");
  await run("git", ["-c", "init.defaultBranch=main", "init", "-q", dir]);
  await run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", "Initial commit"], { cwd: dir });
  repository = pathToFileURL(dir).href;
});
afterAll(async () => {
  await h.close();
  await rm(tmp, { recursive: true, force: true });
});

const request = (overrides: Record<string, string> = {}) => ({ repository, branch: "main", buildCommand: "npm run build", outputDir: "dist", ...overrides });

describe("deployment.create checks the repository first", () => {
  it("refuses a missing branch on the branch field, creates no project and spends no quota", async () => {
    const user = await signUp(h);
    for (let i = 0; i < 10; i++) {
      const error = await envelopeOf(user.caller.deployment.create(request({ branch: "mian" })));
      expect(error).toMatchObject({ code: "VALIDATION_ERROR", statusCode: 422, details: { fields: { branch: 'Branch "mian" not found' } } });
    }
    expect(await h.deps.db.project.count({ where: { userId: user.id } })).toBe(0);
    expect(await h.deps.db.deployment.count({ where: { userId: user.id } })).toBe(0);
    // The hour's ten deployments are all still there, and then the quota holds.
    for (let i = 0; i < 10; i++) expect(await user.caller.deployment.create(request())).toMatchObject({ status: "queued", branch: "main" });
    expect(await envelopeOf(user.caller.deployment.create(request()))).toMatchObject({ code: "RATE_LIMIT_EXCEEDED" });
    expect(await h.deps.db.project.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses a repository that is not there on the repository field", async () => {
    const user = await signUp(h);
    const missing = pathToFileURL(path.join(tmp, "typo")).href;
    const error = await envelopeOf(user.caller.deployment.create(request({ repository: missing })));
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", statusCode: 422, details: { fields: { repository: "Repository not found or not reachable" } } });
    const unresolved = await envelopeOf(user.caller.deployment.create(request({ repository: "https://no-such-host.invalid/acme/site.git" })));
    expect(unresolved).toMatchObject({ code: "VALIDATION_ERROR", details: { fields: { repository: expect.stringMatching(/does not resolve/) } } });
    expect(await h.deps.db.project.count({ where: { userId: user.id } })).toBe(0);
  });

  it("still refuses a private-network URL by the address rule", async () => {
    const user = await signUp(h);
    const error = await envelopeOf(user.caller.deployment.create(request({ repository: "https://127.0.0.1:9/acme/site.git" })));
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", details: { fields: { repository: expect.stringMatching(/private, loopback or link-local address/) } } });
  });
});

describe("deployment.checkRepository (the wizard's step 1)", () => {
  it("answers for a repository with the branch, and with field errors otherwise", async () => {
    const user = await signUp(h);
    expect(await user.caller.deployment.checkRepository({ repository, branch: "main" })).toEqual({ checked: true, repository, branch: "main" });
    expect(await envelopeOf(user.caller.deployment.checkRepository({ repository, branch: "mian" }))).toMatchObject({
      code: "VALIDATION_ERROR",
      details: { fields: { branch: 'Branch "mian" not found' } },
    });
    const missing = pathToFileURL(path.join(tmp, "typo")).href;
    expect(await envelopeOf(user.caller.deployment.checkRepository({ repository: missing, branch: "main" }))).toMatchObject({
      details: { fields: { repository: "Repository not found or not reachable" } },
    });
    expect(await h.deps.db.project.count({ where: { userId: user.id } })).toBe(0);
  });

  it("answers POST /deployments/check-repository with the same field errors", async () => {
    const user = await signUp(h);
    const post = async (body: unknown) => {
      const authorization = `Bearer ${user.accessToken}`;
      const response = await createOpenApiFetchHandler({
        endpoint: "/api",
        router: appRouter,
        req: new Request("http://localhost/api/deployments/check-repository", { method: "POST", headers: { authorization, "content-type": "application/json" }, body: JSON.stringify(body) }),
        createContext: () => createContext(h.deps, { ip: "198.51.100.9", requestId: "check-rest", source: "api", authorizationHeader: authorization }, createCookieCollector()),
      });
      return { status: response.status, body: (await response.json()) as { data?: { envelope?: unknown } } };
    };
    expect(await post({ repository, branch: "main" })).toEqual({ status: 200, body: { checked: true, repository, branch: "main" } });
    const missing = await post({ repository, branch: "gone" });
    expect(missing.status).toBe(422);
    expect(missing.body.data?.envelope).toMatchObject({ error: { details: { fields: { branch: 'Branch "gone" not found' } } } });
  });

  it("is limited per user and minute", async () => {
    const user = await signUp(h);
    for (let i = 0; i < 30; i++) await user.caller.deployment.checkRepository({ repository, branch: "main" });
    expect(await envelopeOf(user.caller.deployment.checkRepository({ repository, branch: "main" }))).toMatchObject({ code: "RATE_LIMIT_EXCEEDED" });
  });
});
