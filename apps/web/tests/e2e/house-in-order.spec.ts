import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./accounts.js";
import { createGitRepo } from "./git-fixtures.js";

// One way of doing each thing across the app: the coming-soon areas from one
// route, and button labels in sentence case.

/** Names that keep their capitals inside a sentence-case label. */
const PROPER_NOUNS = new Set(["Autostack", "GitHub", "Google", "Git", "Node.js"]);

/** Labels of the visible buttons and of the links drawn as buttons (buttonClasses). */
async function buttonLabels(page: Page): Promise<string[]> {
  return page.locator("button:visible, a.select-none:visible").evaluateAll((elements) =>
    elements.map((element) => (element as { innerText: string }).innerText.replace(/\s+/g, " ").trim()).filter(Boolean),
  );
}

function titleCased(label: string): boolean {
  const [, ...rest] = label.split(" ");
  return rest.some((word) => /^[A-Z][a-z]/.test(word) && !PROPER_NOUNS.has(word.replace(/[^\w.]/g, "")));
}

test("every planned area has its coming-soon page, and other paths stay a 404", async ({ page }) => {
  for (const [area, title] of [
    ["/docs", "Documentation"],
    ["/integrations", "Integrations"],
    ["/monitoring", "Monitoring"],
    ["/pipelines", "Pipelines"],
    ["/pricing", "Pricing"],
    ["/team", "Teams"],
    ["/templates", "Templates"],
  ]) {
    const response = await page.goto(area!);
    expect(response?.status()).toBe(200);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(page.getByText("Coming soon", { exact: true })).toBeVisible();
    await expect(page).toHaveTitle(`${title} · Autostack`);
  }
  const missing = await page.goto("/no-such-area");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("button labels are in sentence case on every page", async ({ page }) => {
  const seen: string[] = [];
  const check = async (url: string) => {
    await page.goto(url);
    await expect(page.locator("main").first()).toBeVisible();
    const labels = await buttonLabels(page);
    seen.push(...labels);
    expect(labels.filter(titleCased), `Title Case labels on ${url}`).toEqual([]);
  };
  for (const url of ["/", "/login", "/signup", "/forgot-password"]) await check(url);
  await signUp(page, "Casing Tester");
  for (const url of ["/dashboard", "/deployments", "/deploy", "/settings?tab=profile", "/settings?tab=github", "/settings?tab=notifications", "/settings?tab=appearance"]) {
    await check(url);
  }

  // A deployment's pages: the list's row and the deployment itself.
  const tmp = await mkdtemp(path.join(tmpdir(), "autostack-e2e-casing-"));
  try {
    await page.goto("/deploy");
    await page.getByLabel("Git repository URL").fill(await createGitRepo(path.join(tmp, "site"), { "index.html": "<h1>casing</h1>\n" }));
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByText(/^(Detected|No framework detected) /)).toBeVisible();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Deployment started" })).toBeVisible();
    await check("/deployments");
    await check((await page.getByRole("link", { name: /^View logs of / }).getAttribute("href"))!);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  // The check saw the labels it is about.
  expect(seen).toEqual(expect.arrayContaining(["Get started", "Sign in", "Create account", "New deployment", "Save changes", "View logs"]));
});
