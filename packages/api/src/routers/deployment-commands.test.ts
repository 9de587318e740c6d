import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toErrorEnvelope } from "../errors.js";
import { markBuilding, markCancelled, markSucceeded } from "../services/deployments/lifecycle.js";
import { appendLogs } from "../services/deployments/log-writer.js";
import { secretBoxFromEnv, SecretBoxError } from "../services/crypto/secret-box.js";
import { loadBuildSpec } from "../services/deployments/build-spec.js";
import { openEnvVars } from "../services/deployments/env-vars.js";
import { redeployDeployment } from "../services/deployments/redeploy.js";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp, type TestUser } from "../testing/deployments.js";
import { createHarness, testEnv, type Harness } from "../testing/harness.js";

let h: Harness;
const removedArtifacts: string[] = [];
let failArtifactRemoval = false;

beforeAll(async () => {
  h = await createHarness(DEPLOYMENT_TEST_ENV);
  h.deps.artifacts = {
    async remove(key) {
      if (failArtifactRemoval) throw new Error("storage down");
      removedArtifacts.push(key);
    },
  };
});
afterAll(() => h.close());

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (e: unknown) => toErrorEnvelope(e).error.code,
  );
const jobCount = async (id: string) =>
  Number((await h.deps.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker.jobs WHERE key = ${`build:${id}`}`)[0]!.n);
const messages = async (id: string) => (await h.deps.db.deploymentLog.findMany({ where: { deploymentId: id }, orderBy: { seq: "asc" } })).map((l) => l.message);

async function succeeded(user: TestUser, repository = "https://example.com/acme/site.git", artifactKey = "artifacts/a") {
  const d = await queueDeployment(h, user.id, { repository });
  await markBuilding(h.deps.db, d.id, { workerId: "w", commit: { hash: "0123456789abcdef0123456789abcdef01234567", message: "Ship it", author: "Ada" } });
  await markSucceeded(h.deps.db, h.deps.env, d.id, { artifactKey, bytes: 10, files: 1 });
  return d.id;
}

describe("cancel", () => {
  it("cancels a queued deployment at once and removes its job", async () => {
    const user = await signUp(h);
    const d = await queueDeployment(h, user.id);
    expect(await jobCount(d.id)).toBe(1);
    const cancelled = await user.caller.deployment.cancel({ id: d.id });
    expect(cancelled).toMatchObject({ status: "cancelled", errorMessage: null });
    expect(cancelled.stages.map((s) => `${s.name}:${s.status}`)).toEqual(["Queued:failed", "Building:pending", "Deploying:pending", "Cancelled:completed"]);
    expect(await jobCount(d.id)).toBe(0);
    expect(await messages(d.id)).toEqual(["Deployment cancelled before the build started"]);
    expect(await codeOf(user.caller.deployment.cancel({ id: d.id }))).toBe("CONFLICT");
  });

  it("asks the worker to stop a running build, which then reports cancelled", async () => {
    const user = await signUp(h);
    const d = await queueDeployment(h, user.id);
    await markBuilding(h.deps.db, d.id, { workerId: "w" });
    const requested = await user.caller.deployment.cancel({ id: d.id });
    expect(requested).toMatchObject({ status: "building", cancelRequested: true });
    expect((await h.deps.db.deployment.findUniqueOrThrow({ where: { id: d.id } })).cancelRequestedAt).not.toBeNull();
    // Asking twice is harmless.
    expect(await user.caller.deployment.cancel({ id: d.id })).toMatchObject({ status: "building", cancelRequested: true });
    expect(await messages(d.id)).toEqual(["Cancellation requested; stopping the build"]);
    await markCancelled(h.deps.db, d.id);
    expect(await user.caller.deployment.get({ id: d.id })).toMatchObject({ status: "cancelled" });
  });

  it("answers 409 for a finished deployment", async () => {
    const user = await signUp(h);
    const id = await succeeded(user);
    const error = await user.caller.deployment.cancel({ id }).catch((e: unknown) => toErrorEnvelope(e).error);
    expect(error).toMatchObject({ code: "CONFLICT", statusCode: 409, details: { status: "success" } });
  });
});

describe("env vars at rest", () => {
  it("are bound to their row: a blob copied into another user's deployment or project does not open there", async () => {
    const victim = await signUp(h);
    const attacker = await signUp(h);
    const secret = await queueDeployment(h, victim.id, { envVars: "TOKEN=victim-secret" });
    const mine = await queueDeployment(h, attacker.id, { envVars: "MINE=1" });
    const stolen = await h.deps.db.deployment.findUniqueOrThrow({ where: { id: secret.id } });
    const target = await h.deps.db.deployment.findUniqueOrThrow({ where: { id: mine.id } });
    await h.deps.db.deployment.update({ where: { id: target.id }, data: { envVarsEncrypted: stolen.envVarsEncrypted } });
    expect(() => openEnvVars(h.deps.env, stolen.envVarsEncrypted, { deploymentId: target.id })).toThrow(SecretBoxError);
    expect(() => openEnvVars(h.deps.env, stolen.envVarsEncrypted, { projectId: target.projectId })).toThrow(SecretBoxError);
    expect(await loadBuildSpec(h.deps.db, h.deps.env, target.id).catch((error: unknown) => error)).toBeInstanceOf(SecretBoxError);
    expect((await attacker.caller.deployment.get({ id: target.id })).envVarNames).toBeNull();
  });

  it("sealed before rows were bound (purpose only) still open", () => {
    const legacy = secretBoxFromEnv(h.deps.env).seal(JSON.stringify([["OLD", "value"]]), "autostack:deployment-env-vars");
    expect(openEnvVars(h.deps.env, legacy, { deploymentId: "00000000-0000-4000-8000-000000000000" })).toEqual([{ key: "OLD", value: "value" }]);
  });
});

describe("redeploy", () => {
  it("queues the same commit and configuration, with the env vars sealed again for the new row", async () => {
    const user = await signUp(h);
    const d = await queueDeployment(h, user.id, { branch: "release", buildCommand: "make site", outputDir: "public", installCommand: "", envVars: "TOKEN=abc123" });
    await markBuilding(h.deps.db, d.id, { workerId: "w", commit: { hash: "0123456789abcdef0123456789abcdef01234567", message: "v1", author: "Ada" } });
    const again = await user.caller.deployment.redeploy({ id: d.id });
    expect(again.id).not.toBe(d.id);
    expect(again).toMatchObject({
      status: "queued",
      branch: "release",
      buildCommand: "make site",
      installCommand: "",
      outputDir: "public",
      envVarNames: ["TOKEN"],
      commit: { hash: "0123456789abcdef0123456789abcdef01234567", message: "v1", author: "Ada" },
    });
    const [source, copy] = await Promise.all([d.id, again.id].map((id) => h.deps.db.deployment.findUniqueOrThrow({ where: { id } })));
    expect(copy!.envVarsEncrypted).not.toBe(source!.envVarsEncrypted);
    expect(openEnvVars(h.deps.env, copy!.envVarsEncrypted, { deploymentId: copy!.id })).toEqual([{ key: "TOKEN", value: "abc123" }]);
    expect(copy!.projectId).toBe(source!.projectId);
    expect(copy!.slug).not.toBe(source!.slug);
    expect(await jobCount(again.id)).toBe(1);
  });

  it("counts against the hourly deployment limit", async () => {
    const user = await signUp(h);
    const d = await queueDeployment(h, user.id);
    for (let i = 0; i < 9; i++) await user.caller.deployment.redeploy({ id: d.id });
    expect(await codeOf(user.caller.deployment.redeploy({ id: d.id }))).toBe("RATE_LIMIT_EXCEEDED");
  });

  it("applies the repository policy again", async () => {
    const user = await signUp(h);
    const d = await queueDeployment(h, user.id, { repository: "file:///srv/repos/site" });
    const strictDeps = { ...h.deps, env: testEnv({ ALLOW_LOCAL_REPOS: "false" }, h.database.url) };
    expect(await codeOf(redeployDeployment(strictDeps, user.id, d.id))).toBe("VALIDATION_ERROR");
  });
});

describe("remove", () => {
  it("deletes rows and artifact, and moves production to the newest other success", async () => {
    const user = await signUp(h);
    const repository = "https://example.com/acme/removal.git";
    const first = await succeeded(user, repository, "artifacts/first");
    const second = await succeeded(user, repository, "artifacts/second");
    await appendLogs(h.deps.db, second, [{ level: "info", message: "built" }]);
    const projectOf = async () => h.deps.db.project.findFirstOrThrow({ where: { userId: user.id, repository } });
    expect((await projectOf()).productionDeploymentId).toBe(second);

    expect(await user.caller.deployment.remove({ id: second })).toEqual({ success: true, message: "Deployment deleted" });
    expect(await h.deps.db.deployment.count({ where: { id: second } })).toBe(0);
    expect(await h.deps.db.deploymentLog.count({ where: { deploymentId: second } })).toBe(0);
    expect(await h.deps.db.deploymentStage.count({ where: { deploymentId: second } })).toBe(0);
    expect(removedArtifacts).toContain("artifacts/second");
    expect((await projectOf()).productionDeploymentId).toBe(first);

    await user.caller.deployment.remove({ id: first });
    expect((await projectOf()).productionDeploymentId).toBeNull();
    expect(await codeOf(user.caller.deployment.get({ id: first }))).toBe("DEPLOYMENT_NOT_FOUND");
    expect(await codeOf(user.caller.deployment.remove({ id: first }))).toBe("DEPLOYMENT_NOT_FOUND");
  });

  it("cancels a queued deployment first, so no build starts for it", async () => {
    const user = await signUp(h);
    const d = await queueDeployment(h, user.id);
    await user.caller.deployment.remove({ id: d.id });
    expect(await jobCount(d.id)).toBe(0);
    expect(await h.deps.db.deployment.count({ where: { id: d.id } })).toBe(0);
    // A worker that picks the id up afterwards is told it is gone.
    expect(await markBuilding(h.deps.db, d.id, { workerId: "w" })).toBe(false);
  });

  it("deletes a running build: its worker can neither finish it nor publish an artifact for it", async () => {
    const user = await signUp(h);
    const d = await queueDeployment(h, user.id, { repository: "https://example.com/acme/running.git" });
    await markBuilding(h.deps.db, d.id, { workerId: "w" });
    expect(await user.caller.deployment.remove({ id: d.id })).toMatchObject({ success: true });
    expect(await h.deps.db.deployment.count({ where: { id: d.id } })).toBe(0);
    // The worker finishing late finds nothing to finish, and nothing becomes production.
    expect(await markSucceeded(h.deps.db, h.deps.env, d.id, { artifactKey: "artifacts/late", bytes: 1, files: 1 })).toBe(false);
    expect(await appendLogs(h.deps.db, d.id, [{ level: "info", message: "late line" }])).toBeNull();
    expect(await h.deps.db.deploymentLog.count({ where: { deploymentId: d.id } })).toBe(0);
    const project = await h.deps.db.project.findFirstOrThrow({ where: { userId: user.id, repository: "https://example.com/acme/running.git" } });
    expect(project.productionDeploymentId).toBeNull();
  });

  it("still deletes when the artifact store fails (the orphan is logged)", async () => {
    const user = await signUp(h);
    const id = await succeeded(user, "https://example.com/acme/orphan.git", "artifacts/orphan");
    failArtifactRemoval = true;
    try {
      expect(await user.caller.deployment.remove({ id })).toMatchObject({ success: true });
    } finally {
      failArtifactRemoval = false;
    }
    expect(await h.deps.db.deployment.count({ where: { id } })).toBe(0);
  });
});
