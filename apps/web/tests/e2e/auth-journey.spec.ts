import { expect, test } from "@playwright/test";
import { E2E_SMTP_PORT } from "./config.js";
import { startMailbox, type TestMailbox } from "./mailbox.js";

// The whole account journey in a real browser against the real platform:
// signup → logout → login → forgot password (mail read from a real SMTP
// server) → reset → login with the new password → profile edit → theme.

let mailbox: TestMailbox;
test.beforeAll(async () => {
  mailbox = await startMailbox(E2E_SMTP_PORT);
});
test.afterAll(async () => {
  await mailbox.close();
});

test("a new user signs up, recovers the password by mail, edits the profile and switches theme", async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on("pageerror", (error) => consoleErrors.push(error.message));

  const email = `journey-${Date.now()}@example.com`;

  // Sign up.
  await page.goto("/");
  await page.getByRole("link", { name: /get started/i }).first().click();
  await expect(page).toHaveURL(/\/signup/);
  await page.getByLabel("Full name").fill("Journey Tester");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("first-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
  await expect(page.getByRole("status").filter({ hasText: /welcome|account/i }).first()).toBeVisible();

  // Sign out.
  await page.locator("summary", { hasText: "Account menu" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);

  // A protected page now sends us to the login page with a return path.
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings/);

  // Sign in with the first password; we land back on /settings.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("first-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings/);

  // Forgot the password: sign out and ask for a reset link.
  await page.locator("summary", { hasText: "Account menu" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("link", { name: /forgot password/i }).click();
  // The login page (with an Email field too) stays until the new page's data is in.
  await expect(page.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText(/if an account exists/i)).toBeVisible();

  const mail = await mailbox.waitFor((m) => m.to.includes(email));
  expect(mail.subject).toMatch(/reset/i);
  const link = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(mail.text)?.[0];
  expect(link, "reset link in the mail").toBeTruthy();

  // Reset it.
  await page.goto(link!);
  await page.getByLabel("New password", { exact: true }).fill("second-password");
  await page.getByLabel("Confirm new password").fill("second-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/login/);

  // The old password no longer works; the new one does.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("first-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Invalid email or password")).toBeVisible();
  await page.getByLabel("Password").fill("second-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard/);

  // The link works once.
  const reused = await page.context().newPage();
  await reused.goto(link!);
  await reused.getByLabel("New password", { exact: true }).fill("third-password");
  await reused.getByLabel("Confirm new password").fill("third-password");
  await reused.getByRole("button", { name: "Change password" }).click();
  await expect(reused.getByText(/not valid|invalid|expired/i).first()).toBeVisible();
  await reused.close();

  // Edit the profile.
  await page.goto("/settings");
  await expect(page.getByLabel("Email")).toBeDisabled();
  await page.getByLabel("Name", { exact: true }).fill("Journey Renamed");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: /saved|updated/i }).first()).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Journey Renamed");

  // Switch the theme to dark: persisted and rendered by the server (no flash).
  await page.getByRole("tab", { name: "Appearance" }).click();
  await page.getByText("Always dark").click();
  await expect(page.locator("html")).toHaveClass(/dark/);
  await expect(page.getByText("Saved", { exact: true })).toBeVisible();
  const html = await (await page.request.get("/dashboard")).text();
  expect(html).toMatch(/<html[^>]*class="[^"]*dark/);

  // And back to light.
  await page.getByText("Always light").click();
  await expect(page.locator("html")).not.toHaveClass(/dark/);

  expect(consoleErrors).toEqual([]);
});
