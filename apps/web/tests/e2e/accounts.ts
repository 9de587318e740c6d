import { expect, type Page } from "@playwright/test";

/** Signs up a fresh account through the form; ends on the dashboard. */
export async function signUp(page: Page, name: string) {
  await page.goto("/signup");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email").fill(`e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`);
  await page.getByLabel("Password").fill("e2e-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard/);
}

/** Waits until React has hydrated the page, so links navigate client-side and menus react to keys. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (globalThis as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized === true);
  // React marks each element it hydrated with its props.
  await expect.poll(() => page.locator("main").first().evaluate((main) => Object.keys(main).some((key) => key.startsWith("__reactProps")))).toBe(true);
}
