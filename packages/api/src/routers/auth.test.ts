import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeJwt } from "jose";
import { createHarness, uniqueEmail, type Harness } from "../testing/harness.js";
import { toErrorEnvelope } from "../errors.js";
import { hashToken } from "../services/auth/tokens.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ RATE_LIMIT_AUTH_PER_MINUTE: "1000" });
});
afterAll(() => h.close());

async function expectError(promise: Promise<unknown>, code: string, statusCode: number) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).not.toBeNull();
  const envelope = toErrorEnvelope(error);
  expect(envelope.error.code).toBe(code);
  expect(envelope.error.statusCode).toBe(statusCode);
  return envelope;
}

describe("signup", () => {
  it("creates the user with preferences, stores only an argon2id hash and starts a session", async () => {
    const browser = await h.browser();
    const email = uniqueEmail();
    const result = await (await browser.caller()).auth.signup({ name: " Ada Lovelace ", email: email.toUpperCase(), password: "correct horse" });
    expect(result.user).toMatchObject({ name: "Ada Lovelace", email });
    const row = await h.deps.db.user.findUniqueOrThrow({ where: { email }, include: { preferences: true } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain("correct horse");
    expect(row.preferences?.theme).toBe("system");
    const session = await (await browser.caller()).auth.session();
    expect(session.user.email).toBe(email);
    expect(session.session.method).toBe("cookie");
  });

  it("stores the SHA-256 of the session token, never the token", async () => {
    const browser = await h.browser();
    await (await browser.caller()).auth.signup({ name: "B", email: uniqueEmail(), password: "password123" });
    const token = browser.cookies.get("autostack_session")!;
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(await h.deps.db.session.count({ where: { token } })).toBe(0);
    expect(await h.deps.db.session.count({ where: { token: hashToken(token) } })).toBe(1);
  });

  it("refuses a second account for the same address (any case) with 409 and a field error", async () => {
    const email = uniqueEmail();
    await (await h.api()).auth.signup({ name: "A", email, password: "password123" });
    const envelope = await expectError((await h.api()).auth.signup({ name: "B", email: email.toUpperCase(), password: "password456" }), "CONFLICT", 409);
    expect(envelope.error.details).toEqual({ fields: { email: "is already registered" } });
  });

  it("rejects a short password and a malformed email with 422 field details", async () => {
    const api = await h.api();
    const envelope = await expectError(api.auth.signup({ name: "", email: "nope", password: "short" }), "VALIDATION_ERROR", 422);
    expect(Object.keys(envelope.error.details.fields as object).sort()).toEqual(["email", "name", "password"]);
  });
});

describe("login and tokens", () => {
  const email = uniqueEmail("login");
  beforeAll(async () => {
    await (await h.api()).auth.signup({ name: "Grace", email, password: "hopper-1906" });
  });

  it("answers a wrong password and an unknown email alike with 401", async () => {
    const a = await expectError((await h.api()).auth.login({ email, password: "wrong-password", rememberMe: false }), "UNAUTHORIZED", 401);
    const b = await expectError((await h.api()).auth.login({ email: uniqueEmail(), password: "hopper-1906", rememberMe: false }), "UNAUTHORIZED", 401);
    expect(a.error.message).toBe(b.error.message);
  });

  it("returns a JWT with the spec's claims that authenticates API calls", async () => {
    const result = await (await h.api()).auth.login({ email, password: "hopper-1906", rememberMe: false });
    const claims = decodeJwt(result.accessToken);
    expect(Object.keys(claims).sort()).toEqual(["email", "exp", "iat", "name", "userId"]);
    expect(claims).toMatchObject({ userId: result.user.id, email, name: "Grace" });
    expect(claims.exp! - claims.iat!).toBe(result.expiresIn);
    const profile = await (await h.api({ accessToken: result.accessToken })).user.profile();
    expect(profile.email).toBe(email);
  });

  it("refuses a forged or tampered bearer token", async () => {
    const result = await (await h.api()).auth.login({ email, password: "hopper-1906", rememberMe: false });
    const [header, payload, signature] = result.accessToken.split(".");
    const tampered = `${header}.${payload}.${signature!.slice(0, -2)}xx`;
    await expectError((await h.api({ accessToken: tampered })).user.profile(), "UNAUTHORIZED", 401);
  });

  it("rotates refresh tokens and revokes the family when an old one is reused", async () => {
    const first = await (await h.api()).auth.login({ email, password: "hopper-1906", rememberMe: false });
    const second = await (await h.api()).auth.refresh({ refreshToken: first.refreshToken });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expectError((await h.api()).auth.refresh({ refreshToken: first.refreshToken }), "UNAUTHORIZED", 401);
    // The reuse revoked the whole family, including the token issued after it.
    await expectError((await h.api()).auth.refresh({ refreshToken: second.refreshToken }), "UNAUTHORIZED", 401);
    // Another login's family is untouched.
    const other = await (await h.api()).auth.login({ email, password: "hopper-1906", rememberMe: false });
    await expect((await h.api()).auth.refresh({ refreshToken: other.refreshToken })).resolves.toHaveProperty("accessToken");
  });

  it("keeps a remember-me session for 30 days and a plain one for a day", async () => {
    const remembered = await h.browser();
    await (await remembered.caller()).auth.login({ email, password: "hopper-1906", rememberMe: true });
    expect(remembered.setCookies.at(-1)).toMatch(/Expires=/);
    const plain = await h.browser();
    await (await plain.caller()).auth.login({ email, password: "hopper-1906", rememberMe: false });
    expect(plain.setCookies.at(-1)).not.toMatch(/Expires=|Max-Age/);
    const sessions = await h.deps.db.session.findMany({ where: { user: { email } }, orderBy: { createdAt: "asc" } });
    const spans = sessions.map((s) => Math.round((s.expiresAt.getTime() - s.createdAt.getTime()) / 86_400_000));
    expect(spans).toContain(30);
    expect(spans).toContain(1);
  });

  it("renews a session that is past half its life (sliding expiry) and drops an expired one", async () => {
    const browser = await h.browser();
    await (await browser.caller()).auth.login({ email, password: "hopper-1906", rememberMe: true });
    const token = browser.cookies.get("autostack_session")!;
    const where = { token: hashToken(token) };
    await h.deps.db.session.update({ where, data: { expiresAt: new Date(Date.now() + 5 * 86_400_000) } });
    await (await browser.caller()).auth.session();
    const renewed = await h.deps.db.session.findUniqueOrThrow({ where });
    expect(renewed.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    await h.deps.db.session.update({ where, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expectError((await browser.caller()).auth.session(), "UNAUTHORIZED", 401);
    expect(await h.deps.db.session.count({ where })).toBe(0);
  });

  it("logout ends the cookie session and revokes the given refresh token family", async () => {
    const browser = await h.browser();
    const result = await (await browser.caller()).auth.login({ email, password: "hopper-1906", rememberMe: false });
    await (await browser.caller()).auth.logout({ refreshToken: result.refreshToken });
    await expectError((await browser.caller()).auth.session(), "UNAUTHORIZED", 401);
    await expectError((await h.api()).auth.refresh({ refreshToken: result.refreshToken }), "UNAUTHORIZED", 401);
  });
});

describe("access token revocation", () => {
  it("ends the user's access tokens at logout, and a login right after gets a working one", async () => {
    const email = uniqueEmail("revoke");
    const first = await (await h.api()).auth.signup({ name: "Revoke", email, password: "password123" });
    const other = await (await h.api()).auth.login({ email, password: "password123", rememberMe: false });
    expect((await (await h.api({ accessToken: first.accessToken })).auth.session()).user.email).toBe(email);
    await (await h.api({ accessToken: first.accessToken })).auth.logout({});
    await expectError((await h.api({ accessToken: first.accessToken })).auth.session(), "UNAUTHORIZED", 401);
    await expectError((await h.api({ accessToken: other.accessToken })).deployment.list(), "UNAUTHORIZED", 401);
    const again = await (await h.api()).auth.login({ email, password: "password123", rememberMe: false });
    expect((await (await h.api({ accessToken: again.accessToken })).auth.session()).user.email).toBe(email);
  });

  it("limits refresh attempts per client IP like the other auth endpoints", async () => {
    const strict = await createHarness({ RATE_LIMIT_AUTH_PER_MINUTE: "5" });
    try {
      const ip = "198.51.100.77";
      const attempt = async (i: number) => (await strict.api({ ip })).auth.refresh({ refreshToken: `not-a-token-${i}-${"x".repeat(40)}` });
      for (let i = 0; i < 5; i++) await expectError(attempt(i), "UNAUTHORIZED", 401);
      await expectError(attempt(6), "RATE_LIMIT_EXCEEDED", 429);
    } finally {
      await strict.close();
    }
  });
});

describe("password reset", () => {
  async function latestResetLink(to: string): Promise<string> {
    const rows = await h.deps.db.$queryRaw<{ payload: { to: string; text: string } }[]>`
      SELECT j.payload FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id
      WHERE t.identifier = 'send-email' ORDER BY j.id DESC`;
    const job = rows.find((r) => r.payload.to === to);
    expect(job, `a send-email job for ${to}`).toBeDefined();
    return /https?:\/\/\S+reset-password\?token=(\S+)/.exec(job!.payload.text)![1]!;
  }

  it("mails a single-use link that sets a new password and ends every session", async () => {
    const email = uniqueEmail("reset");
    const browser = await h.browser();
    await (await browser.caller()).auth.signup({ name: "Reset Me", email, password: "old-password" });
    const apiLogin = await (await h.api()).auth.login({ email, password: "old-password", rememberMe: false });

    await (await h.api()).auth.forgotPassword({ email });
    const token = decodeURIComponent(await latestResetLink(email));
    const stored = await h.deps.db.passwordResetToken.findFirstOrThrow({ where: { user: { email } } });
    expect(stored.tokenHash).toBe(hashToken(token));
    expect(Math.round((stored.expiresAt.getTime() - stored.createdAt.getTime()) / 60_000)).toBe(60);

    expect((await (await h.api({ accessToken: apiLogin.accessToken })).auth.session()).user.email).toBe(email);
    await (await h.api()).auth.resetPassword({ token, password: "new-password" });
    await expectError((await browser.caller()).auth.session(), "UNAUTHORIZED", 401);
    // The access token issued before the reset is refused at once, not at its expiry.
    await expectError((await h.api({ accessToken: apiLogin.accessToken })).auth.session(), "UNAUTHORIZED", 401);
    await expectError((await h.api()).auth.refresh({ refreshToken: apiLogin.refreshToken }), "UNAUTHORIZED", 401);
    await expectError((await h.api()).auth.login({ email, password: "old-password", rememberMe: false }), "UNAUTHORIZED", 401);
    await expect((await h.api()).auth.login({ email, password: "new-password", rememberMe: false })).resolves.toHaveProperty("user");
    await expectError((await h.api()).auth.resetPassword({ token, password: "third-password" }), "VALIDATION_ERROR", 422);
  });

  it("refuses an expired token", async () => {
    const email = uniqueEmail("expired");
    await (await h.api()).auth.signup({ name: "Late", email, password: "password123" });
    await (await h.api()).auth.forgotPassword({ email });
    const token = decodeURIComponent(await latestResetLink(email));
    await h.deps.db.passwordResetToken.updateMany({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1) } });
    await expectError((await h.api()).auth.resetPassword({ token, password: "new-password" }), "VALIDATION_ERROR", 422);
  });

  it("answers the same for an unknown address and queues no mail", async () => {
    const before = await h.deps.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker._private_jobs`;
    const result = await (await h.api()).auth.forgotPassword({ email: uniqueEmail("ghost") });
    expect(result.success).toBe(true);
    const after = await h.deps.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM graphile_worker._private_jobs`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe("rate limits", () => {
  it("allows 5 auth requests per minute per IP and then answers 429 with a retry delay", async () => {
    const limited = await createHarness();
    try {
      const ip = "192.0.2.77";
      for (let i = 0; i < 5; i++) await (await limited.api({ ip })).auth.forgotPassword({ email: uniqueEmail() });
      const envelope = await expectError((await limited.api({ ip })).auth.forgotPassword({ email: uniqueEmail() }), "RATE_LIMIT_EXCEEDED", 429);
      expect(envelope.error.details.retryAfter).toBeGreaterThan(0);
      expect(envelope.error.details.retryAfter).toBeLessThanOrEqual(60);
      // Another IP is unaffected.
      await expect((await limited.api({ ip: "192.0.2.78" })).auth.forgotPassword({ email: uniqueEmail() })).resolves.toBeTruthy();
    } finally {
      await limited.close();
    }
  });
});
