import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { hydrated, signUp } from "./accounts.js";
import { createGitRepo } from "./git-fixtures.js";

// Things a new user tripped over: no sign of a slow navigation, no way to the
// landing page's links on a phone, clipped Settings tabs, switches that did
// nothing with mail turned off, and an install hint that claimed a lockfile.

const PHONE = { width: 390, height: 844 };

/** Holds back every Remix data request (`/pricing.data`, `/_root.data`) for `ms`. */
async function slowData(page: Page, ms: number) {
  await page.route(
    (url) => url.pathname.endsWith(".data"),
    async (route) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      await route.continue();
    },
  );
}

/** The navigation progress bar's element in the page, as the browser sees it. */
const PROGRESS_BAR = '[role="progressbar"][aria-label="Loading page"]';

interface BrowserGlobals {
  progressSeen?: boolean;
  document: { body: unknown; querySelector(selector: string): unknown; documentElement: { scrollWidth: number } };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: object): void };
}

/** Records in the page whether the navigation progress bar was ever shown. */
async function watchProgressBar(page: Page): Promise<() => Promise<boolean>> {
  await page.evaluate((selector) => {
    const browser = globalThis as unknown as BrowserGlobals;
    const seen = () => browser.document.querySelector(selector) !== null;
    browser.progressSeen = seen();
    new browser.MutationObserver(() => {
      browser.progressSeen ||= seen();
    }).observe(browser.document.body, { childList: true, subtree: true });
  }, PROGRESS_BAR);
  return () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).progressSeen === true);
}

test("a navigation that takes a while shows a progress bar; a quick one shows none", async ({ page }) => {
  await page.goto("/pricing");
  await hydrated(page);
  const progress = page.getByRole("progressbar", { name: "Loading page" });
  const header = page.getByRole("banner");

  const shown = await watchProgressBar(page);
  await header.getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Templates" })).toBeVisible();
  await page.waitForTimeout(400);
  expect(await shown(), "a quick navigation flashes no bar").toBe(false);

  await slowData(page, 500);
  await header.getByRole("link", { name: "Integrations" }).click();
  await expect(progress).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: "Integrations" })).toBeVisible();
  await expect(progress).toHaveCount(0);

  // With reduced motion the bar is there, standing still.
  await page.emulateMedia({ reducedMotion: "reduce" });
  await header.getByRole("link", { name: "Docs" }).click();
  await expect(progress).toBeVisible();
  await expect(progress.locator("div")).toHaveCSS("animation-name", "none");
  await expect(page.getByRole("heading", { level: 1, name: "Documentation" })).toBeVisible();
});

test("on a phone the landing page's links sit behind a menu button that keys and navigation close", async ({ page }) => {
  await page.setViewportSize(PHONE);
  await page.goto("/");
  await hydrated(page);
  const menuButton = page.locator("summary", { hasText: "Open menu" });
  const menu = page.getByRole("navigation", { name: "Main" });
  await expect(menuButton).toBeVisible();
  await expect(menu.getByRole("link", { name: "Pricing" })).toBeHidden();
  expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

  // Keyboard: Enter opens it, Escape closes it and gives the focus back.
  await menuButton.focus();
  await page.keyboard.press("Enter");
  for (const name of ["Docs", "Templates", "Integrations", "Pricing"]) await expect(menu.getByRole("link", { name })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(menu.getByRole("link", { name: "Pricing" })).toBeHidden();
  await expect(menuButton).toBeFocused();

  // A link goes there and the menu closes behind it.
  await menuButton.click();
  await menu.getByRole("link", { name: "Pricing" }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page.getByRole("heading", { level: 1, name: "Pricing" })).toBeVisible();
  await expect(menu.getByRole("link", { name: "Docs" })).toBeHidden();
});

test("Settings: every tab fits a phone's width, and mail switched off disables the deployment mails under it", async ({ page }) => {
  await signUp(page, "Settings Tester");
  await page.setViewportSize(PHONE);
  await page.goto("/settings");
  const tabs = page.getByRole("tab");
  await expect(tabs).toHaveCount(4);
  for (const tab of await tabs.all()) {
    const box = (await tab.boundingBox())!;
    expect(box.x, `${await tab.textContent()} starts on screen`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `${await tab.textContent()} ends on screen`).toBeLessThanOrEqual(PHONE.width);
  }
  expect(await page.getByRole("tablist").evaluate((list) => list.scrollWidth <= list.clientWidth)).toBe(true);

  await page.getByRole("tab", { name: "Notifications" }).click();
  await expect(page).toHaveURL(/tab=notifications/);
  await hydrated(page);
  const email = page.getByRole("switch", { name: "Email notifications" });
  const perDeployment = [page.getByRole("switch", { name: "Deployment succeeded" }), page.getByRole("switch", { name: "Deployment failed" })];
  for (const toggle of perDeployment) await expect(toggle).toBeEnabled();
  await perDeployment[1]!.uncheck();

  await email.uncheck();
  for (const toggle of perDeployment) await expect(toggle).toBeDisabled();
  await page.getByRole("button", { name: "Save preferences" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Notification preferences saved" }).first()).toBeVisible();

  // Saved with mail off, the choices under it are kept for when it is on again.
  await page.reload();
  await expect(email).not.toBeChecked();
  for (const toggle of perDeployment) await expect(toggle).toBeDisabled();
  await expect(perDeployment[0]!).toBeChecked();
  await expect(perDeployment[1]!).not.toBeChecked();
  await email.check();
  for (const toggle of perDeployment) await expect(toggle).toBeEnabled();
});

test.describe("the deploy wizard's install command", () => {
  let tmp: string;
  test.beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "autostack-e2e-install-"));
  });
  test.afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const packageJson = JSON.stringify({ name: "site", version: "1.0.0", private: true, scripts: { build: "node build.js" } });
  const lockfile = JSON.stringify({ name: "site", version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "site", version: "1.0.0" } } });

  /** Step 1 → step 2 of the wizard, once detection has read the repository. */
  async function buildStepFor(page: Page, repository: string) {
    await page.goto("/deploy");
    await page.getByLabel("Git repository URL").fill(repository);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByText(/^No framework detected/)).toBeVisible();
  }

  test("says it comes from the lockfile only when the repository has one", async ({ page }) => {
    const withLockfile = await createGitRepo(path.join(tmp, "locked"), { "package.json": packageJson, "package-lock.json": lockfile });
    const without = await createGitRepo(path.join(tmp, "unlocked"), { "package.json": packageJson });
    await signUp(page, "Install Tester");

    await buildStepFor(page, withLockfile);
    await expect(page.getByText("Automatic when empty. Install command: detected from the lockfile (npm ci).")).toBeVisible();

    await buildStepFor(page, without);
    await expect(page.getByText("Automatic when empty. Install command: npm install (no lockfile).")).toBeVisible();
    await expect(page.getByText(/from the lockfile/i)).toHaveCount(0);
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByRole("definition").filter({ hasText: "npm install (no lockfile)" })).toBeVisible();

    // The deployment's own page cannot know and does not claim it either.
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await page.getByRole("link", { name: "View logs" }).click();
    await expect(page.getByRole("heading", { name: "Build settings" })).toBeVisible();
    await expect(page.getByText("Automatic (the lockfile's package manager, else npm install)")).toBeVisible();
    await expect(page.getByText(/from the lockfile/i)).toHaveCount(0);
  });
});
