import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, uniqueEmail, type Harness } from "../testing/harness.js";
import { toErrorEnvelope } from "../errors.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ RATE_LIMIT_AUTH_PER_MINUTE: "1000" });
});
afterAll(() => h.close());

async function signedIn(name = "Owner") {
  const email = uniqueEmail();
  const result = await (await h.api()).auth.signup({ name, email, password: "password123" });
  return { email, result, caller: await h.api({ accessToken: result.accessToken }) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "OK",
    (e: unknown) => toErrorEnvelope(e).error.code,
  );
}

describe("profile", () => {
  it("updates name and avatar and keeps the email", async () => {
    const { caller, email } = await signedIn();
    const updated = await caller.user.updateProfile({ name: "New Name", avatarUrl: "https://example.com/a.png" });
    expect(updated).toMatchObject({ name: "New Name", avatarUrl: "https://example.com/a.png", email, githubConnected: false });
    expect((await caller.user.profile()).name).toBe("New Name");
  });

  it("rejects a javascript: avatar and an empty update without changing anything", async () => {
    const { caller } = await signedIn("Keep");
    expect(await codeOf(caller.user.updateProfile({ avatarUrl: "javascript:alert(1)" }))).toBe("VALIDATION_ERROR");
    expect(await codeOf(caller.user.updateProfile({}))).toBe("VALIDATION_ERROR");
    expect((await caller.user.profile()).name).toBe("Keep");
  });

  it("requires a signed-in caller", async () => {
    expect(await codeOf((await h.api()).user.profile())).toBe("UNAUTHORIZED");
  });
});

describe("preferences", () => {
  it("defaults to system theme with notifications on, and persists changes", async () => {
    const { caller } = await signedIn();
    expect(await caller.user.preferences()).toEqual({
      theme: "system",
      emailNotifications: true,
      deploymentSuccessNotifications: true,
      deploymentFailureNotifications: true,
    });
    await caller.user.updatePreferences({ theme: "dark", deploymentSuccessNotifications: false });
    expect(await caller.user.preferences()).toMatchObject({ theme: "dark", deploymentSuccessNotifications: false, emailNotifications: true });
  });

  it("rejects an unknown theme", async () => {
    const { caller } = await signedIn();
    expect(await codeOf(caller.user.updatePreferences({ theme: "neon" as "dark" }))).toBe("VALIDATION_ERROR");
  });
});

describe("account deletion", () => {
  it("deletes the user with everything that hangs off it", async () => {
    const { caller, email, result } = await signedIn();
    const userId = result.user.id;
    const repository = "https://example.com/site.git";
    const project = await h.deps.db.project.create({ data: { userId, name: "site", repository, slug: `site-${userId.slice(0, 8)}` } });
    await h.deps.db.deployment.create({
      data: {
        userId,
        projectId: project.id,
        slug: `site-${userId.slice(0, 8)}-1`,
        repository,
        buildCommand: "npm run build",
        outputDir: "dist",
        stages: { create: { stageName: "queued" } },
        logs: { create: { message: "hi" } },
      },
    });
    expect(await codeOf(caller.user.deleteAccount({ confirmEmail: "someone@else.com" }))).toBe("VALIDATION_ERROR");
    await caller.user.deleteAccount({ confirmEmail: email });
    expect(await h.deps.db.user.count({ where: { id: userId } })).toBe(0);
    expect(await h.deps.db.project.count({ where: { userId } })).toBe(0);
    expect(await h.deps.db.deployment.count({ where: { userId } })).toBe(0);
    expect(await h.deps.db.refreshToken.count({ where: { userId } })).toBe(0);
    // A new request with the old access token finds no user behind it.
    expect(await codeOf((await h.api({ accessToken: result.accessToken })).user.profile())).toBe("UNAUTHORIZED");
  });

  it("cannot touch another user's data: every procedure acts on the caller only", async () => {
    const a = await signedIn("A");
    const b = await signedIn("B");
    await b.caller.user.updateProfile({ name: "B2" });
    expect((await a.caller.user.profile()).name).toBe("A");
    await b.caller.user.deleteAccount({});
    expect((await a.caller.user.profile()).email).toBe(a.email);
  });
});
