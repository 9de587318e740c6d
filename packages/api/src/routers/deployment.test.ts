import { existsSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorEnvelope } from "../errors.js";
import { loadBuildSpec } from "../services/deployments/build-spec.js";
import { openEnvVars } from "../services/deployments/env-vars.js";
import { DEPLOYMENT_TEST_ENV, LOCAL_REPO, signUp } from "../testing/deployments.js";
import { createHarness, type Harness } from "../testing/harness.js";
import { envelopeOf } from "./deployment-envelope.js";

// deployment.create: what it stores and queues, what it refuses, and its
// hourly quota. Lists, log pages and ownership: deployment-reading.test.ts.

let h: Harness;
beforeAll(async () => {
  h = await createHarness(DEPLOYMENT_TEST_ENV);
});
afterAll(() => h.close());

const valid = { repository: "https://github.com/acme/site.git", branch: "main", buildCommand: "npm run build", outputDir: "dist" };

describe("create", () => {
  it("refuses a repository host on a private address (SSRF) and stores nothing", async () => {
    const user = await signUp(h);
    for (const repository of ["https://127.0.0.1/acme/site.git", "https://2130706433/acme/site.git", "https://[::ffff:10.0.0.1]/acme/site.git", "https://localhost/acme/site.git"]) {
      const error = await envelopeOf(user.caller.deployment.create({ ...valid, repository }));
      expect(error, repository).toMatchObject({ code: "VALIDATION_ERROR", statusCode: 422, details: { fields: { repository: expect.stringMatching(/private, loopback or link-local address/) } } });
    }
    expect(await h.deps.db.project.count({ where: { userId: user.id } })).toBe(0);
  });

  it("queues a deployment with its project, stage, job and sealed env vars", async () => {
    const user = await signUp(h);
    const created = await user.caller.deployment.create({ ...valid, envVars: "NODE_ENV=production\nAPI_KEY=sup3r-s3cret-value" });
    expect(created).toMatchObject({
      repo: "site",
      repository: "https://github.com/acme/site.git",
      branch: "main",
      status: "queued",
      url: null,
      buildCommand: "npm run build",
      outputDir: "dist",
      envVarNames: ["NODE_ENV", "API_KEY"],
      commit: { hash: null, message: null, author: null },
      cancelRequested: false,
    });
    expect(created.stages.map((s) => [s.name, s.status])).toEqual([["Queued", "in_progress"], ["Building", "pending"], ["Deploying", "pending"]]);

    const row = await h.deps.db.deployment.findUniqueOrThrow({ where: { id: created.id }, include: { project: true } });
    expect(row.slug).toMatch(new RegExp(`^${row.project.slug}-[a-z0-9]{8}$`));
    expect(row.project.slug).toMatch(/^site-[a-z0-9]{6}$/);
    expect(row.attempts).toBe(1);
    expect(openEnvVars(h.deps.env, row.envVarsEncrypted, { deploymentId: row.id })).toEqual([
      { key: "NODE_ENV", value: "production" },
      { key: "API_KEY", value: "sup3r-s3cret-value" },
    ]);
    expect(openEnvVars(h.deps.env, row.project.envVars, { projectId: row.projectId })).toHaveLength(2);
    // The plaintext is nowhere in the deployments or projects table.
    const dump = await h.deps.db.$queryRaw<{ row: string }[]>`
      SELECT d::text AS row FROM deployments d UNION ALL SELECT p::text FROM projects p`;
    expect(dump.length).toBeGreaterThan(0);
    for (const { row: text } of dump) expect(text).not.toContain("sup3r-s3cret-value");

    const jobs = await h.deps.db.$queryRaw<{ task_identifier: string; key: string; max_attempts: number; payload: unknown }[]>`
      SELECT j.task_identifier, j.key, j.max_attempts, p.payload
      FROM graphile_worker.jobs j JOIN graphile_worker._private_jobs p USING (id) WHERE j.key = ${`build:${created.id}`}`;
    expect(jobs).toEqual([{ task_identifier: "build", key: `build:${created.id}`, max_attempts: 1, payload: { deploymentId: created.id } }]);
  });

  it("keeps one project per user and repository, with the latest settings", async () => {
    const user = await signUp(h);
    const first = await user.caller.deployment.create(valid);
    const second = await user.caller.deployment.create({ ...valid, branch: "develop", outputDir: "./build/" });
    const other = await signUp(h);
    const third = await other.caller.deployment.create(valid);
    const rows = await h.deps.db.deployment.findMany({ where: { id: { in: [first.id, second.id, third.id] } }, include: { project: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(first.id)!.projectId).toBe(byId.get(second.id)!.projectId);
    expect(byId.get(third.id)!.projectId).not.toBe(byId.get(first.id)!.projectId);
    expect(byId.get(second.id)!.project).toMatchObject({ branch: "develop", outputDir: "build" });
    expect(second).toMatchObject({ branch: "develop", outputDir: "build" });
    expect(await h.deps.db.project.count({ where: { userId: user.id } })).toBe(1);
  });

  it("makes the project a single-page app when asked, and back when not; anything but a boolean is a 422", async () => {
    const user = await signUp(h);
    const spa = await user.caller.deployment.create({ ...valid, spaFallback: true });
    expect(spa.spaFallback).toBe(true);
    const project = () => h.deps.db.project.findFirstOrThrow({ where: { userId: user.id }, select: { spaFallback: true } });
    expect(await project()).toEqual({ spaFallback: true });
    const plain = await user.caller.deployment.create(valid);
    expect(plain.spaFallback).toBe(false);
    expect(await project()).toEqual({ spaFallback: false });
    expect(await envelopeOf(user.caller.deployment.create({ ...valid, spaFallback: "yes" as unknown as boolean }))).toMatchObject({
      code: "VALIDATION_ERROR",
      statusCode: 422,
      details: { fields: { spaFallback: "Must be true or false" } },
    });
    expect(await project()).toEqual({ spaFallback: false });
  });

  it("stores the Node.js version on the project and the deployment, redeploys with it, hands it to the build; null is automatic", async () => {
    const user = await signUp(h);
    const pinned = await user.caller.deployment.create({ ...valid, nodeVersion: "22" });
    expect(pinned.nodeVersion).toBe("22");
    const project = () => h.deps.db.project.findFirstOrThrow({ where: { userId: user.id }, select: { nodeVersion: true } });
    expect(await project()).toEqual({ nodeVersion: "22" });
    expect((await loadBuildSpec(h.deps.db, h.deps.env, pinned.id))?.nodeVersion).toBe("22");

    const automatic = await user.caller.deployment.create({ ...valid, nodeVersion: null });
    expect(automatic.nodeVersion).toBeNull();
    expect(await project()).toEqual({ nodeVersion: null });
    expect((await user.caller.deployment.create(valid)).nodeVersion).toBeNull();

    // A redeploy is the same configuration: the snapshot's version, not the project's current one.
    const again = await user.caller.deployment.redeploy({ id: pinned.id });
    expect(again.nodeVersion).toBe("22");
    expect((await loadBuildSpec(h.deps.db, h.deps.env, again.id))?.nodeVersion).toBe("22");
    expect((await user.caller.deployment.get({ id: again.id })).nodeVersion).toBe("22");

    for (const nodeVersion of ["16", "20.x", 22, "latest"]) {
      expect(await envelopeOf(user.caller.deployment.create({ ...valid, nodeVersion: nodeVersion as unknown as "22" }))).toMatchObject({
        code: "VALIDATION_ERROR",
        statusCode: 422,
        details: { fields: { nodeVersion: "Must be one of 18, 20, 22, or null for automatic" } },
      });
    }
  });

  it("answers GitHub references with 422 until GitHub is connected", async () => {
    const user = await signUp(h);
    for (const repository of ["acme/site", "my-awesome-app"]) {
      expect(await envelopeOf(user.caller.deployment.create({ ...valid, repository }))).toMatchObject({
        code: "VALIDATION_ERROR",
        statusCode: 422,
        details: { fields: { repository: "GitHub is not connected" } },
      });
    }
  });

  it("refuses local repositories unless ALLOW_LOCAL_REPOS is on", async () => {
    const strict = await createHarness({ ...DEPLOYMENT_TEST_ENV, ALLOW_LOCAL_REPOS: "false" });
    try {
      const user = await signUp(strict);
      for (const repository of ["file:///etc", "/srv/repos/site"]) {
        const error = await envelopeOf(user.caller.deployment.create({ ...valid, repository }));
        expect(error).toMatchObject({ statusCode: 422, details: { fields: { repository: expect.stringContaining("ALLOW_LOCAL_REPOS") } } });
      }
      expect(await strict.deps.db.deployment.count()).toBe(0);
    } finally {
      await strict.close();
    }
    const user = await signUp(h);
    expect((await user.caller.deployment.create({ ...valid, repository: LOCAL_REPO })).repository).toBe(LOCAL_REPO);
  });

  it("rejects injection attempts with 422 and a message on the field, and runs nothing", async () => {
    rmSync("/tmp/pwned", { force: true });
    const user = await signUp(h);
    const cases: [Record<string, unknown>, string][] = [
      [{ branch: "main; id" }, "branch"],
      [{ branch: "$(touch /tmp/pwned)" }, "branch"],
      [{ branch: "--upload-pack=touch /tmp/pwned" }, "branch"],
      [{ branch: "-x" }, "branch"],
      [{ repository: "--upload-pack=touch /tmp/pwned" }, "repository"],
      [{ repository: "ext::sh -c touch% /tmp/pwned" }, "repository"],
      [{ repository: "ext::sh" }, "repository"],
      [{ repository: "http://github.com/acme/site" }, "repository"],
      [{ repository: "ssh://git@github.com/acme/site" }, "repository"],
      [{ repository: "git://github.com/acme/site" }, "repository"],
      [{ outputDir: "../../etc" }, "outputDir"],
      [{ outputDir: "/etc" }, "outputDir"],
      [{ rootDirectory: "../.." }, "rootDirectory"],
      [{ envVars: "$(touch /tmp/pwned)=1" }, "envVars.0"],
      [{ envVars: "OK=1\nA B=2" }, "envVars.1"],
      [{ envVars: "1X=1" }, "envVars.0"],
      [{ envVars: [{ key: "OK", value: "1" }, { key: "$(id)", value: "x" }] }, "envVars.1"],
      [{ envVars: "PATH=/tmp" }, "envVars.0"],
    ];
    for (const [override, field] of cases) {
      const error = await envelopeOf(user.caller.deployment.create({ ...valid, ...override } as typeof valid));
      expect(error, JSON.stringify(override)).toMatchObject({ code: "VALIDATION_ERROR", statusCode: 422 });
      expect(Object.keys((error as ErrorEnvelope["error"]).details.fields as object), JSON.stringify(override)).toContain(field);
    }
    expect(await h.deps.db.deployment.count({ where: { userId: user.id } })).toBe(0);
    expect(existsSync("/tmp/pwned")).toBe(false);
  });

  it("allows 10 deployments per hour per user, then answers 429", async () => {
    const user = await signUp(h);
    for (let i = 0; i < 10; i++) await user.caller.deployment.create(valid);
    // The message names the configured limit, which clients show as it is.
    expect(await envelopeOf(user.caller.deployment.create(valid))).toMatchObject({
      code: "RATE_LIMIT_EXCEEDED",
      statusCode: 429,
      message: "You can start at most 10 deployments per hour",
    });
    expect(await h.deps.db.deployment.count({ where: { userId: user.id } })).toBe(10);
    // Another user has a quota of their own.
    expect(await envelopeOf((await signUp(h)).caller.deployment.create(valid))).toBe("OK");
  });

  it("does not count a create that fails in the database against the quota", async () => {
    const user = await signUp(h);
    // A real failure inside the create transaction, after the quota was taken: the deployment insert is refused.
    await h.deps.db.$executeRawUnsafe(`
      CREATE FUNCTION refuse_doomed_branch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.branch = 'doomed' THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$`);
    await h.deps.db.$executeRawUnsafe(
      `CREATE TRIGGER refuse_doomed_branch BEFORE INSERT ON deployments FOR EACH ROW EXECUTE FUNCTION refuse_doomed_branch()`,
    );
    try {
      for (let i = 0; i < 3; i++) expect(await envelopeOf(user.caller.deployment.create({ ...valid, branch: "doomed" }))).toMatchObject({ statusCode: 500 });
    } finally {
      await h.deps.db.$executeRawUnsafe(`DROP TRIGGER refuse_doomed_branch ON deployments`);
      await h.deps.db.$executeRawUnsafe(`DROP FUNCTION refuse_doomed_branch()`);
    }
    for (let i = 0; i < 10; i++) await user.caller.deployment.create(valid);
    expect(await envelopeOf(user.caller.deployment.create(valid))).toMatchObject({ code: "RATE_LIMIT_EXCEEDED" });
    expect(await h.deps.db.deployment.count({ where: { userId: user.id } })).toBe(10);
  });
});
