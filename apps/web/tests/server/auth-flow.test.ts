import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call,
  cookiePair,
  jwtClaims,
  signUp,
  startTestServer,
  uniqueEmail,
  type AuthResultBody,
  type ErrorBody,
  type TestServer,
} from "./harness.js";

// The REST auth journey over real HTTP: tokens, bearer auth, refresh
// rotation with reuse detection, and the session cookie's attributes.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function sessionCookie(setCookies: string[], name = "autostack_session"): string {
  const cookie = setCookies.find((c) => c.startsWith(`${name}=`));
  expect(cookie, `a Set-Cookie for ${name}`).toBeDefined();
  return cookie!;
}

describe("signup → login → bearer token", () => {
  it("signup and login return {user, accessToken, refreshToken, expiresIn}; the token opens /api/user/profile", async () => {
    const email = uniqueEmail("journey");
    const signup = await call<AuthResultBody>(server, "POST", "/api/auth/signup", { body: { name: "Ada Lovelace", email, password: "analytical-engine" } });
    expect(signup.status).toBe(200);
    expect(Object.keys(signup.body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "user"]);
    expect(signup.body.user).toMatchObject({ name: "Ada Lovelace", email });

    const login = await call<AuthResultBody>(server, "POST", "/api/auth/login", { body: { email, password: "analytical-engine" } });
    expect(login.status).toBe(200);
    expect(Object.keys(login.body).sort()).toEqual(["accessToken", "expiresIn", "refreshToken", "user"]);
    expect(login.body.expiresIn).toBeGreaterThan(0);

    const profile = await call<{ email: string; name: string }>(server, "GET", "/api/user/profile", { token: login.body.accessToken });
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ email, name: "Ada Lovelace", githubConnected: false });
  });

  it("the access token is a JWT with exactly the claims userId, email, name, iat, exp", async () => {
    const { accessToken, user, email } = await signUp(server, "Claims Person");
    const claims = jwtClaims(accessToken);
    expect(Object.keys(claims).sort()).toEqual(["email", "exp", "iat", "name", "userId"]);
    expect(claims).toMatchObject({ userId: user.id, email, name: "Claims Person" });
  });

  it("a wrong password → 401 UNAUTHORIZED envelope", async () => {
    const { email } = await signUp(server);
    const result = await call<ErrorBody>(server, "POST", "/api/auth/login", { body: { email, password: "not-the-password" } });
    expect(result.status).toBe(401);
    expect(result.body.error).toMatchObject({ code: "UNAUTHORIZED", statusCode: 401 });
  });

  it("GET /api/auth/session describes the bearer session", async () => {
    const { accessToken, email } = await signUp(server);
    const result = await call<{ user: { email: string }; session: { method: string } }>(server, "GET", "/api/auth/session", { token: accessToken });
    expect(result.status).toBe(200);
    expect(result.body.user.email).toBe(email);
    expect(result.body.session.method).toBe("bearer");
  });
});

describe("refresh tokens", () => {
  it("refresh rotates; reusing the old token → 401 and revokes the family (the newer token fails too)", async () => {
    const { refreshToken: first } = await signUp(server);
    const rotated = await call<AuthResultBody>(server, "POST", "/api/auth/refresh", { body: { refreshToken: first } });
    expect(rotated.status).toBe(200);
    const second = rotated.body.refreshToken;
    expect(second).not.toBe(first);
    expect((await call(server, "GET", "/api/user/profile", { token: rotated.body.accessToken })).status).toBe(200);

    const reuse = await call<ErrorBody>(server, "POST", "/api/auth/refresh", { body: { refreshToken: first } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe("UNAUTHORIZED");

    const afterRevocation = await call<ErrorBody>(server, "POST", "/api/auth/refresh", { body: { refreshToken: second } });
    expect(afterRevocation.status).toBe(401);
    expect(afterRevocation.body.error.code).toBe("UNAUTHORIZED");
  });
});

describe("session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, not Secure over http, and has no Expires without remember me", async () => {
    const { email, password } = await signUp(server);
    const login = await call(server, "POST", "/api/auth/login", { body: { email, password, rememberMe: false } });
    const cookie = sessionCookie(login.setCookies);
    const attributes = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes).not.toContain("secure");
    expect(cookie).not.toMatch(/expires=|max-age=/i);
  });

  it("with remember me expires in about 30 days", async () => {
    const { email, password } = await signUp(server);
    const login = await call(server, "POST", "/api/auth/login", { body: { email, password, rememberMe: true } });
    const expires = /expires=([^;]+)/i.exec(sessionCookie(login.setCookies))?.[1];
    expect(expires).toBeDefined();
    const days = (new Date(expires!).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);
  });

  it("authenticates cookie requests; logout clears it and ends the session", async () => {
    const { email, password } = await signUp(server);
    const login = await call(server, "POST", "/api/auth/login", { body: { email, password } });
    const cookie = cookiePair(sessionCookie(login.setCookies));
    const session = await call<{ session: { method: string } }>(server, "GET", "/api/auth/session", { cookie });
    expect(session.status).toBe(200);
    expect(session.body.session.method).toBe("cookie");

    const logout = await call(server, "POST", "/api/auth/logout", { cookie, origin: server.url });
    expect(logout.status).toBe(200);
    expect(sessionCookie(logout.setCookies)).toMatch(/Max-Age=0/);
    expect((await call(server, "GET", "/api/auth/session", { cookie })).status).toBe(401);
  });

  it("over an https APP_URL the cookie is __Host- prefixed and Secure (a site subdomain cannot set or shadow it)", async () => {
    const secure = await startTestServer({ env: { APP_URL: "https://autostack.example" } });
    try {
      const { email, password } = await signUp(secure);
      const login = await call(secure, "POST", "/api/auth/login", { body: { email, password } });
      const attributes = sessionCookie(login.setCookies, "__Host-autostack_session").split(";").map((a) => a.trim());
      expect(attributes).toContain("Secure");
      expect(attributes).toContain("Path=/");
    } finally {
      await secure.close();
    }
  });
});

describe("user endpoints over REST", () => {
  it("updates profile and preferences, then deletes the account", async () => {
    const { accessToken, email } = await signUp(server, "Before");
    const profile = await call<{ name: string }>(server, "PUT", "/api/user/profile", { token: accessToken, body: { name: "After" } });
    expect(profile.status).toBe(200);
    expect(profile.body.name).toBe("After");

    const preferences = await call(server, "PUT", "/api/user/preferences", { token: accessToken, body: { theme: "dark", emailNotifications: false } });
    expect(preferences.status).toBe(200);
    expect(preferences.body).toEqual({ theme: "dark", emailNotifications: false, deploymentSuccessNotifications: true, deploymentFailureNotifications: true });
    expect((await call(server, "GET", "/api/user/preferences", { token: accessToken })).body).toMatchObject({ theme: "dark", emailNotifications: false });

    const deleted = await call(server, "DELETE", `/api/user/account?confirmEmail=${encodeURIComponent(email)}`, { token: accessToken });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true, message: "Account deleted" });
    expect((await call(server, "GET", "/api/user/profile", { token: accessToken })).status).toBe(401);
  });
});
