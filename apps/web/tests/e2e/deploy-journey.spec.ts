import { expect, test } from "@playwright/test";
import { signUp } from "./accounts.js";
import { deployThroughWizard, headerStatus, OFFLINE_NPMRC, SITE_URL, useBuildFixtures } from "./deploy-fixtures.js";

// The product's core journey in a real browser against the real platform: a
// new user deploys a git repository through the /deploy wizard, watches its
// build log stream in while it builds, and opens the deployed site. The build
// really runs: cloned by the worker, built in a Docker container, served by
// the web server at http://<slug>.localhost:3999.

const STEPS = 24;
const STEP_DELAY_MS = 300;

const fixtureRepo = useBuildFixtures();

/**
 * A tiny Node project without dependencies: `npm run build` prints
 * "step 1/N" … with a pause between lines, then writes dist/index.html.
 * (.npmrc: the install step has nothing to fetch and must not try.)
 */
function nodeProject(name: string, marker: string, { fail = false } = {}): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name, version: "1.0.0", private: true, scripts: { build: "node build.js" } }, null, 2),
    ".npmrc": OFFLINE_NPMRC,
    "build.js": `
const fs = require("node:fs");
const steps = ${STEPS};
let step = 0;
const timer = setInterval(() => {
  step += 1;
  console.log("step " + step + "/" + steps + ": compiling chunk " + step);
  if (step < steps) return;
  clearInterval(timer);
  if (${fail}) {
    console.error("Error: the build broke on purpose (${marker})");
    process.exit(2);
  }
  fs.mkdirSync("dist", { recursive: true });
  fs.writeFileSync("dist/index.html", "<!doctype html><title>${name}</title><h1>${marker}</h1>\\n");
  console.log("wrote dist/index.html");
}, ${STEP_DELAY_MS});
`,
  };
}

test("a new user deploys a git repository, watches the build log stream in and opens the deployed site", async ({ page, context }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));

  const repo = `e2e-site-${Date.now().toString(36)}`;
  const marker = `Hello from ${repo} ${Math.random().toString(36).slice(2, 10)}`;
  const repository = await fixtureRepo(repo, nodeProject(repo, marker));

  await signUp(page, "Deploy Tester");
  await deployThroughWizard(page, repository);

  // Started: a toast, the confirmation, then on to the Deployments page after 2 s.
  await expect(page.getByRole("heading", { name: "Deployment started" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Deployment started" }).first()).toBeVisible();
  await expect(page).toHaveURL(/\/deployments$/, { timeout: 5_000 });

  // The list has it, still in progress, with its logs one click away.
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: repo, exact: true }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByText(/^(Queued|Building)$/)).toBeVisible();
  await row.getByRole("link", { name: `View logs of ${repo} (main)` }).click();
  await expect(page).toHaveURL(/\/deployments\/[^/]+$/);
  const detailUrl = page.url();
  await expect(page.getByRole("heading", { level: 1, name: repo })).toBeVisible();

  // From here on the page is never reloaded: everything below arrives live.
  await page.evaluate(() => ((globalThis as { liveMarker?: boolean }).liveMarker = true));
  const stillTheSamePage = () => page.evaluate(() => (globalThis as { liveMarker?: boolean }).liveMarker === true);

  const logs = page.getByRole("log", { name: "Build logs" });
  const status = headerStatus(page, repo);
  // Build output appears while the deployment is still building...
  await expect(logs.getByText(/^step \d+\/\d+: compiling chunk/).first()).toBeVisible({ timeout: 30_000 });
  await expect(status).toHaveText("Building");
  await expect(logs.getByText(`step ${STEPS}/${STEPS}: compiling chunk ${STEPS}`)).toHaveCount(0);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  // ...then the rest of it, and the deployment succeeds.
  await expect(logs.getByText(`step ${STEPS}/${STEPS}: compiling chunk ${STEPS}`)).toBeVisible({ timeout: 30_000 });
  await expect(logs.getByText("wrote dist/index.html")).toBeVisible();
  await expect(status).toHaveText("Success", { timeout: 30_000 });
  await expect(logs.getByText(/^Uploaded \d+ files? \(/)).toBeVisible();
  expect(await stillTheSamePage()).toBe(true);
  expect(page.url()).toBe(detailUrl);

  // The deployed site is one click away, and serves what the build wrote.
  const visit = page.getByRole("link", { name: "Visit site" });
  await expect(visit).toBeVisible();
  const siteUrl = await visit.getAttribute("href");
  expect(siteUrl).toMatch(SITE_URL);
  const [site] = await Promise.all([context.waitForEvent("page"), visit.click()]);
  await site.waitForLoadState();
  await expect(site.getByRole("heading", { name: marker })).toBeVisible();
  expect(new URL(site.url()).host).toBe(new URL(siteUrl!).host);
  await site.close();

  // Copy URL puts the same address on the clipboard.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy URL" }).click();
  await expect(page.getByRole("status").filter({ hasText: "URL copied" }).first()).toBeVisible();
  expect(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(siteUrl);

  // The project's production URL serves it too (its first successful deployment).
  const production = page.locator("dt", { hasText: "Production URL" }).locator("xpath=following-sibling::dd[1]").getByRole("link");
  const productionUrl = await production.getAttribute("href");
  expect(productionUrl).toMatch(SITE_URL);
  expect(productionUrl).not.toBe(siteUrl);
  const productionPage = await context.newPage();
  await productionPage.goto(productionUrl!);
  await expect(productionPage.getByRole("heading", { name: marker })).toBeVisible();
  await productionPage.close();

  // The Deployments page lists it as successful.
  await page.getByRole("link", { name: "Back to Deployments" }).click();
  await expect(page).toHaveURL(/\/deployments$/);
  await expect(row.getByText("Success", { exact: true })).toBeVisible();

  expect(errors).toEqual([]);
});

test("a failing build shows its errors; Redeploy starts it again and Cancel stops it", async ({ page }) => {
  test.setTimeout(90_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));

  const repo = `e2e-broken-${Date.now().toString(36)}`;
  const repository = await fixtureRepo(repo, nodeProject(repo, "never served", { fail: true }));

  await signUp(page, "Failure Tester");
  await deployThroughWizard(page, repository);
  // Straight to the logs from the confirmation, before the redirect.
  await page.getByRole("link", { name: "View logs" }).click();
  await expect(page).toHaveURL(/\/deployments\/[^/]+$/);
  const firstUrl = page.url();
  const status = headerStatus(page, repo);
  const logs = page.getByRole("log", { name: "Build logs" });

  // It fails, live: the status, an alert with the reason, and the build's error line in red.
  await expect(status).toHaveText("Failed", { timeout: 45_000 });
  await expect(page.getByRole("alert").filter({ hasText: "The deployment failed" })).toContainText("Build failed with exit code 2");
  const errorLine = logs.locator('[data-level="error"]').filter({ hasText: "Error: the build broke on purpose" });
  await expect(errorLine).toBeVisible();
  await expect(errorLine).toHaveCSS("color", "rgb(252, 165, 165)"); // red-300 on the dark log
  await expect(logs.locator('[data-level="info"]').filter({ hasText: `step ${STEPS}/${STEPS}` })).toBeVisible();
  await expect(page.getByRole("link", { name: "Visit site" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel deployment" })).toHaveCount(0);

  // Redeploy: a new deployment of the same commit, and its page.
  await page.getByRole("button", { name: "Redeploy" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Redeploy started" }).first()).toBeVisible();
  await expect(page).not.toHaveURL(firstUrl);
  await expect(page).toHaveURL(/\/deployments\/[^/]+$/);
  await expect(status).toHaveText(/^(Queued|Building)$/);

  // Cancel it once its build runs: it stops, and says so.
  await expect(logs.getByText(/^step \d+\/\d+: compiling chunk/).first()).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Cancel deployment" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Cancelling deployment" }).first()).toBeVisible();
  await expect(status).toHaveText("Cancelled", { timeout: 20_000 });
  // The stage it stopped in reads as cancelled, not as a failure.
  const stages = page.getByRole("list", { name: "Deployment stages" });
  await expect(stages).toContainText("Building (cancelled)");
  await expect(stages).not.toContainText("(failed)");
  await expect(logs.getByText("Cancellation requested; stopping the build")).toBeVisible();
  await expect(logs.getByText("Error: the build broke on purpose")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Redeploy" })).toBeVisible();

  // Both are in the list: the failed one and the cancelled one.
  await page.getByRole("link", { name: "Back to Deployments" }).click();
  const rows = page.getByRole("row").filter({ has: page.getByRole("link", { name: repo, exact: true }) });
  await expect(rows).toHaveCount(2);
  await expect(rows.getByText("Cancelled", { exact: true })).toBeVisible();
  await expect(rows.getByText("Failed", { exact: true })).toBeVisible();

  expect(errors).toEqual([]);
});

/** The file the chatty build waits for, found in its checkout (the build's working directory). */
