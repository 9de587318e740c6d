import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { E2E_STAND_IN_URL } from "./config.js";

// Sign-in with GitHub and with Google in Chromium, against the stand-in that
// start-platform.mjs runs as GITHUB_URL and Google's endpoints: the buttons on
// /login and /signup, the consent round trip, and a forged state that must
// end on /login with a message and no session.

let nextId = Math.floor(Date.now() / 1000) % 1_000_000;

async function control(request: APIRequestContext, method: "POST" | "PUT", path: string, data: unknown) {
  const response = await request.fetch(`${E2E_STAND_IN_URL}/_stand-in${path}`, { method, data });
  expect(response.status(), `${method} ${path}`).toBe(204);
}

async function githubAccount(request: APIRequestContext) {
  const id = nextId++;
  const email = `octo-${id}@example.com`;
  await control(request, "POST", "/github/users", { id, login: `octo${id}`, name: `Octo Cat ${id}`, emails: [{ email, primary: true, verified: true }] });
  await control(request, "PUT", "/github/signed-in", { userId: id });
  return { id, email };
}

async function signedInEmail(page: Page): Promise<string | null> {
  const response = await page.request.get("/api/user/profile");
  return response.ok() ? ((await response.json()) as { email: string }).email : null;
}

async function signOut(page: Page) {
  await page.locator("summary", { hasText: "Account menu" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

test("GitHub: sign in from /login, back to the page asked for, and again into the same account", async ({ page, request }) => {
  const { email } = await githubAccount(request);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings/);
  await page.getByRole("link", { name: "GitHub" }).click();
  await expect(page).toHaveURL(/\/settings/);
  expect(await signedInEmail(page)).toBe(email);

  await signOut(page);
  expect(await signedInEmail(page)).toBeNull();
  await page.getByRole("link", { name: "GitHub" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  expect(await signedInEmail(page)).toBe(email);
});

test("Google: sign up from /signup with PKCE", async ({ page, request }) => {
  const sub = `google-${nextId++}`;
  const email = `${sub}@example.com`;
  await control(request, "POST", "/google/users", { sub, name: "Grace Hopper", email, emailVerified: true });
  await control(request, "PUT", "/google/signed-in", { sub });
  await page.goto("/signup");
  await page.getByRole("link", { name: "Google" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  expect(await signedInEmail(page)).toBe(email);
});

test("a forged state ends on /login with a message and no session", async ({ page, request }) => {
  await githubAccount(request);
  // The browser leaves with its own state in the cookie, but GitHub sends it
  // back with another one (Playwright does not route the redirects that follow,
  // so the state is swapped on the way out, in the redirect to the consent screen).
  await page.route("**/api/auth/github", async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = new URL(response.headers().location!);
    expect(location.searchParams.get("state")).toBeTruthy();
    expect(response.headers()["set-cookie"]).toContain("autostack_oauth=");
    location.searchParams.set("state", "forged-state-from-somewhere-else");
    await route.fulfill({ response, headers: { ...response.headers(), location: location.toString() } });
  });
  await page.goto("/login");
  await page.getByRole("link", { name: "GitHub" }).click();
  await expect(page).toHaveURL(/\/login\?error=oauth_state&provider=github/);
  await expect(page.getByRole("alert")).toContainText("Sign-in with GitHub could not be verified");
  expect(await signedInEmail(page)).toBeNull();
  await page.goto("/dashboard");
  await expect(page).toHaveURL(/\/login/);
});

test("denied consent ends on /login saying so", async ({ page, request }) => {
  await control(request, "PUT", "/github/signed-in", { userId: null });
  await page.goto("/login");
  await page.getByRole("link", { name: "GitHub" }).click();
  await expect(page).toHaveURL(/\/login\?error=oauth_denied/);
  await expect(page.getByRole("alert")).toContainText("Sign-in with GitHub was cancelled.");
  expect(await signedInEmail(page)).toBeNull();
  // Only known codes are shown; nothing from the URL is reflected.
  await page.goto("/login?error=%3Cb%3Eyou%20were%20hacked%3C%2Fb%3E&provider=evil");
  await expect(page.getByRole("heading", { name: "Welcome back" })).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page.getByText("you were hacked")).toHaveCount(0);
});
