import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { hydrated, signUp } from "./accounts.js";
import { createGitRepo } from "./git-fixtures.js";

// The deploy wizard checks the repository and branch on Continue, before
// anything is queued: a typo is an error on step 1's field, and once fixed
// the wizard moves on.

let tmp: string;
test.beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-e2e-wizard-checks-"));
});
test.afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

test("a typo'd branch or repository is a field error on step 1, and nothing is deployed", async ({ page }) => {
  const repository = await createGitRepo(path.join(tmp, "site"), { "index.html": "<h1>checked</h1>\n" });
  await signUp(page, "Wizard Checker");
  await page.goto("/deploy");
  await hydrated(page);

  await page.getByLabel("Git repository URL").fill(repository);
  await page.getByLabel("Branch").fill("mian");
  await page.getByRole("button", { name: "Continue" }).click();
  const branch = page.getByLabel("Branch");
  await expect(branch).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText('No branch "mian" in this repository', { exact: true })).toBeVisible();
  await expect(page.getByText("Configure build")).toBeHidden();
  await expect(branch).toBeFocused();

  await page.getByLabel("Git repository URL").fill(`${repository}-typo`);
  await branch.fill("main");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByLabel("Git repository URL")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("No Git repository at this address", { exact: true })).toBeVisible();

  await page.getByLabel("Git repository URL").fill(repository);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("Configure build")).toBeVisible();
  await expect(page.getByText(/^(Detected|No framework detected) /)).toBeVisible();

  await page.goto("/deployments");
  await expect(page.getByRole("link", { name: /^View logs of / })).toHaveCount(0);
});
