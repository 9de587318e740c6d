import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEPLOYMENT_TEST_ENV, queueDeployment, signUp } from "../testing/deployments.js";
import { createHarness, type Harness } from "../testing/harness.js";
import { envelopeOf } from "./deployment-envelope.js";

// Reading deployments: lists with search, filters and pages, the newest five,
// log pages in both directions, and a deployment that only its owner reaches.

let h: Harness;
beforeAll(async () => {
  h = await createHarness(DEPLOYMENT_TEST_ENV);
});
afterAll(() => h.close());

describe("reading", () => {
  it("lists with search, status filters and the spec's pagination shape", async () => {
    const user = await signUp(h);
    const a = [];
    for (let i = 0; i < 3; i++) a.push(await queueDeployment(h, user.id, { repository: "https://github.com/acme/alpha-app" }));
    const b = await queueDeployment(h, user.id, { repository: "https://git.example.com/team/beta_site.git" });
    await h.deps.db.deployment.update({
      where: { id: a[0]!.id },
      data: { status: "success", commitHash: "a7f8c9d0123456789abcdef0123456789abcdef0", author: "john.doe", buildDuration: 154 },
    });
    await h.deps.db.deployment.update({ where: { id: a[1]!.id }, data: { status: "failed" } });
    await h.deps.db.deployment.update({ where: { id: b.id }, data: { status: "building" } });

    const page = await user.caller.deployment.list({ limit: 2 });
    expect(page.pagination).toEqual({ currentPage: 1, totalPages: 2, totalItems: 4 });
    expect(page.deployments.map((d) => d.id)).toEqual([b.id, a[2]!.id]);
    expect(Object.keys(page.deployments[0]!).sort()).toEqual(["author", "branch", "commit", "duration", "id", "repo", "status", "timestamp", "url"]);
    expect((await user.caller.deployment.list({ page: 2, limit: 2 })).deployments.map((d) => d.id)).toEqual([a[1]!.id, a[0]!.id]);

    const success = (await user.caller.deployment.list({ status: "success" })).deployments;
    expect(success).toHaveLength(1);
    expect(success[0]).toMatchObject({ repo: "alpha-app", commit: "a7f8c9d", author: "john.doe", duration: "2m 34s", status: "success" });
    expect(success[0]!.url).toMatch(/^http:\/\/alpha-app-[a-z0-9]{6}-[a-z0-9]{8}\.localhost:3000$/);
    expect((await user.caller.deployment.list({ status: "failed" })).deployments.map((d) => d.id)).toEqual([a[1]!.id]);
    expect((await user.caller.deployment.list({ status: "building" })).deployments.map((d) => d.id)).toEqual([b.id, a[2]!.id]);
    expect((await user.caller.deployment.list({ search: "BETA" })).deployments.map((d) => d.id)).toEqual([b.id]);
    // LIKE wildcards in a search are literal characters.
    expect((await user.caller.deployment.list({ search: "%" })).pagination.totalItems).toBe(0);
    expect((await user.caller.deployment.list({ search: "beta_" })).pagination.totalItems).toBe(1);
    expect(await user.caller.deployment.list({ search: "nothing-matches" })).toEqual({
      deployments: [],
      pagination: { currentPage: 1, totalPages: 1, totalItems: 0 },
    });
    expect((await user.caller.deployment.list()).pagination.totalItems).toBe(4);
    expect(await envelopeOf(user.caller.deployment.list({ limit: 101 }))).toMatchObject({ statusCode: 422 });
    expect(await envelopeOf(user.caller.deployment.list({ page: 0 }))).toMatchObject({ statusCode: 422 });

    const recent = await user.caller.deployment.recent();
    expect(recent.deployments.map((d) => d.id)).toEqual([b.id, a[2]!.id, a[1]!.id, a[0]!.id]);
    // Another user sees none of it.
    const other = await signUp(h);
    expect((await other.caller.deployment.list()).pagination.totalItems).toBe(0);
    expect((await other.caller.deployment.recent()).deployments).toEqual([]);
  });

  it("recent returns the five newest", async () => {
    const user = await signUp(h);
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await queueDeployment(h, user.id)).id);
    expect((await user.caller.deployment.recent()).deployments.map((d) => d.id)).toEqual(ids.reverse().slice(0, 5));
  });

  it("pages logs forward by cursor and backward from the end", async () => {
    const user = await signUp(h);
    const d = await queueDeployment(h, user.id);
    const { appendLogs } = await import("../services/deployments/log-writer.js");
    await appendLogs(h.deps.db, d.id, Array.from({ length: 7 }, (_, i) => ({ level: i === 6 ? ("error" as const) : ("info" as const), message: `line ${i}` })));
    const messages = (page: { logs: { message: string }[] }) => page.logs.map((l) => l.message);

    const first = await user.caller.deployment.logPage({ id: d.id, limit: 3 });
    expect(messages(first)).toEqual(["line 0", "line 1", "line 2"]);
    expect(first.logs[0]).toMatchObject({ id: expect.stringMatching(/^\d+$/), level: "info", timestamp: expect.any(String) });
    const second = await user.caller.deployment.logPage({ id: d.id, limit: 3, cursor: first.nextCursor! });
    expect(messages(second)).toEqual(["line 3", "line 4", "line 5"]);
    const third = await user.caller.deployment.logPage({ id: d.id, limit: 3, cursor: second.nextCursor! });
    expect(messages(third)).toEqual(["line 6"]);
    expect(third.logs[0]!.level).toBe("error");
    expect(third.nextCursor).toBeNull();

    const last = await user.caller.deployment.logPage({ id: d.id, limit: 3, direction: "backward" });
    expect(messages(last)).toEqual(["line 4", "line 5", "line 6"]);
    const older = await user.caller.deployment.logPage({ id: d.id, limit: 3, before: last.nextCursor! });
    expect(messages(older)).toEqual(["line 1", "line 2", "line 3"]);
    const oldest = await user.caller.deployment.logPage({ id: d.id, limit: 3, before: older.nextCursor! });
    expect(messages(oldest)).toEqual(["line 0"]);
    expect(oldest.nextCursor).toBeNull();
    expect(await envelopeOf(user.caller.deployment.logPage({ id: d.id, cursor: "1", before: "5" }))).toMatchObject({ statusCode: 422 });
    expect(await envelopeOf(user.caller.deployment.logPage({ id: d.id, cursor: "abc" }))).toMatchObject({ statusCode: 422 });
  });
});

describe("ownership", () => {
  it("answers 404 DEPLOYMENT_NOT_FOUND to anyone but the owner, on every procedure", async () => {
    const owner = await signUp(h, "Owner");
    const stranger = await signUp(h, "Stranger");
    const d = await queueDeployment(h, owner.id);
    const notFound = { code: "DEPLOYMENT_NOT_FOUND", statusCode: 404, message: `Deployment with ID '${d.id}' not found` };
    const c = stranger.caller.deployment;
    expect(await envelopeOf(c.get({ id: d.id }))).toMatchObject(notFound);
    expect(await envelopeOf(c.logPage({ id: d.id }))).toMatchObject(notFound);
    expect(await envelopeOf(c.cancel({ id: d.id }))).toMatchObject(notFound);
    expect(await envelopeOf(c.redeploy({ id: d.id }))).toMatchObject(notFound);
    expect(await envelopeOf(c.remove({ id: d.id }))).toMatchObject(notFound);
    expect(await envelopeOf(c.logs({ deploymentId: d.id }))).toMatchObject(notFound);
    expect(await envelopeOf(c.status({ deploymentId: d.id }))).toMatchObject(notFound);
    // A deployment that does not exist looks exactly the same.
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await envelopeOf(owner.caller.deployment.get({ id: missing }))).toMatchObject({ code: "DEPLOYMENT_NOT_FOUND", statusCode: 404 });
    // Nothing changed for the owner.
    expect(await owner.caller.deployment.get({ id: d.id })).toMatchObject({ status: "queued" });
    expect(await envelopeOf((await h.api()).deployment.list())).toMatchObject({ code: "UNAUTHORIZED" });
  });
});
