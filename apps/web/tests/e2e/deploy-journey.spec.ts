import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./accounts.js";
import { E2E_BUILD_ENGINE_FILE, E2E_DATA_DIR, E2E_PORT } from "./config.js";
import { createGitRepo } from "./git-fixtures.js";

// The product's core journey in a real browser against the real platform: a
// new user deploys a git repository through the /deploy wizard, watches its
// build log stream in while it builds, and opens the deployed site. The build
// really runs: cloned by the worker, built in a Docker container, served by
// the web server at http://<slug>.localhost:3999.

/**
 * Written by start-platform.mjs once the platform starts (so it is read at run
 * time, not when the runner collects the tests): without an engine the
 * journey is skipped with the reason; on CI (REQUIRE_DOCKER) the platform
 * does not start at all then.
 */
function buildEngine(): { dockerHost: string; reason: string } {
  if (!existsSync(E2E_BUILD_ENGINE_FILE)) return { dockerHost: "", reason: `${E2E_BUILD_ENGINE_FILE} is missing` };
  return JSON.parse(readFileSync(E2E_BUILD_ENGINE_FILE, "utf8")) as { dockerHost: string; reason: string };
}
test.beforeEach(() => {
  const engine = buildEngine();
  test.skip(!engine.dockerHost, `no Docker engine for builds: ${engine.reason}`);
});

const STEPS = 24;
const STEP_DELAY_MS = 300;

let tmp: string;
test.beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-e2e-repo-"));
});
test.afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A git repository named `name` in this run's temporary directory. */
const fixtureRepo = (name: string, files: Record<string, string>) => createGitRepo(path.join(tmp, name), files);

/**
 * A tiny Node project without dependencies: `npm run build` prints
 * "step 1/N" … with a pause between lines, then writes dist/index.html.
 * (.npmrc: the install step has nothing to fetch and must not try.)
 */
function nodeProject(name: string, marker: string, { fail = false } = {}): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name, version: "1.0.0", private: true, scripts: { build: "node build.js" } }, null, 2),
    ".npmrc": "offline=true\naudit=false\nfund=false\nupdate-notifier=false\n",
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

/**
 * Goes through the three wizard steps with the defaults (branch main) and what
 * detection finds in these fixtures (a build script, no framework, no lockfile:
 * `npm run build`, dist).
 */
async function deployThroughWizard(page: Page, repository: string) {
  await page.getByRole("navigation").getByRole("link", { name: "Deploy", exact: true }).first().click();
  await expect(page).toHaveURL(/\/deploy$/);
  await page.getByLabel("Git repository URL").fill(repository);
  await expect(page.getByLabel("Branch")).toHaveValue("main");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByText("Configure build")).toBeVisible();
  await expect(page.getByText("No framework detected · npm (no lockfile: npm install) · Node.js 20 by default")).toBeVisible();
  await expect(page.getByLabel("Build command")).toHaveValue("npm run build");
  await expect(page.getByLabel("Output directory")).toHaveValue("dist");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByText("Review and deploy")).toBeVisible();
  await expect(page.getByText(repository)).toBeVisible();
  await page.getByRole("button", { name: "Deploy", exact: true }).click();
}

/** Where deployed sites are served: http://<slug>.localhost:<port> (APP_DOMAIN's default). */
const SITE_URL = new RegExp(`^http://[a-z0-9-]+\\.localhost:${E2E_PORT}/?$`);

/** The status badge beside the deployment's name in the detail page's header. */
const headerStatus = (page: Page, repo: string) =>
  page.getByRole("heading", { level: 1, name: repo }).locator("xpath=following-sibling::span[1]");

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
const RELEASE_FILE = "release-the-build";

/**
 * A build that prints a burst of `bulk` lines, then `slow` lines one every
 * 250 ms until the test releases it (so lines are still arriving whatever the
 * test is reading, however loaded the machine), then succeeds. It gives up
 * waiting after `maxSlow` lines.
 */
function chattyProject(name: string, bulk: number, maxSlow: number): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name, version: "1.0.0", private: true, scripts: { build: "node build.js" } }, null, 2),
    ".npmrc": "offline=true\naudit=false\nfund=false\nupdate-notifier=false\n",
    "build.js": `
const fs = require("node:fs");
for (let i = 1; i <= ${bulk}; i++) console.log("bulk line " + i);
let n = 0;
const timer = setInterval(() => {
  n += 1;
  console.log("slow line " + n);
  if (n < ${maxSlow} && !fs.existsSync(${JSON.stringify(RELEASE_FILE)})) return;
  clearInterval(timer);
  fs.mkdirSync("dist", { recursive: true });
  fs.writeFileSync("dist/index.html", "<!doctype html><title>${name}</title><h1>chatty</h1>\\n");
}, 250);
`,
  };
}

test("the list updates live; a long log stays virtual, pauses following when scrolled up and loads earlier lines on demand, waiting out the API rate limit", async ({ page, context }) => {
  test.setTimeout(210_000);
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const BULK = 5000;
  const repo = `e2e-chatty-${Date.now().toString(36)}`;
  const repository = await fixtureRepo(repo, chattyProject(repo, BULK, 320));

  await signUp(page, "Log Reader");
  await deployThroughWizard(page, repository);
  await expect(page).toHaveURL(/\/deployments$/, { timeout: 5_000 });

  // This tab stays on the Deployments page, never reloaded, while another one reads the logs.
  await page.evaluate(() => ((globalThis as { liveMarker?: boolean }).liveMarker = true));
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: repo, exact: true }) });
  await expect(row.getByText(/^(Queued|Building)$/)).toBeVisible();
  const detailHref = await row.getByRole("link", { name: `View logs of ${repo} (main)` }).getAttribute("href");
  const detail = await context.newPage();
  detail.on("pageerror", (error) => errors.push(error.message));
  await detail.goto(detailHref!);

  const logs = detail.getByRole("log", { name: "Build logs" });
  const lineCount = detail.getByText(/^\d[\d,]* lines( loaded)?$/);
  // Lines arrive live; only the rows in view are in the page (hundreds or thousands of lines, a few dozen elements).
  await expect(logs.getByText("slow line 3", { exact: true })).toBeVisible({ timeout: 45_000 });
  const linesHeld = async () => Number((await lineCount.textContent())!.replace(/\D/g, ""));
  expect(await linesHeld()).toBeGreaterThanOrEqual(500);
  expect(await logs.locator("[data-level]").count()).toBeLessThan(200);

  // Scrolling up stops following: the view stays where the reader is while lines keep arriving.
  await logs.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  const jump = detail.getByRole("button", { name: /Jump to latest/ });
  await expect(jump).toBeVisible();
  const held = await logs.evaluate((el) => el.scrollTop);
  const countWhenPaused = await lineCount.textContent();
  await expect(lineCount).not.toHaveText(countWhenPaused!, { timeout: 5_000 });
  expect(Math.abs((await logs.evaluate((el) => el.scrollTop)) - held)).toBeLessThanOrEqual(1);
  // Jump to latest follows the end again.
  await jump.click();
  await expect(jump).toHaveCount(0);
  await expect.poll(() => logs.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(20);
  // Seen enough: the build may finish. Its checkout is the worker's DATA_DIR/builds/<deployment id>/repo.
  const deploymentId = detailHref!.split("/").at(-1)!;
  await writeFile(path.join(E2E_DATA_DIR, "builds", deploymentId, "repo", RELEASE_FILE), "");
  await expect(headerStatus(detail, repo)).toHaveText("Success", { timeout: 45_000 });

  // Meanwhile the list tab has followed the build to its end by itself.
  await expect(row.getByText("Success", { exact: true })).toBeVisible();
  expect(await page.evaluate(() => (globalThis as { liveMarker?: boolean }).liveMarker === true)).toBe(true);

  // Reloaded, the detail starts with the newest lines only; earlier ones load as the reader scrolls up,
  // and the line the reader was looking at stays on screen while they are added above it.
  await detail.reload();
  await expect(detail.getByText(/^\d[\d,]* lines loaded$/)).toBeVisible();
  await expect(logs.getByText("bulk line 1", { exact: true })).toHaveCount(0);
  // The row the reader looks at, just short of where earlier lines start to load (60 rows of 20 px from the top)...
  await logs.evaluate((el) => (el.scrollTop = 1300));
  // Rendered rows follow the scroll position a frame later: wait for the row at the top of the view, then read it.
  const rowNearTop = (el: { getBoundingClientRect(): { top: number }; querySelectorAll(selector: string): Iterable<{ getBoundingClientRect(): { top: number }; textContent: string | null }> }) => {
    const top = el.getBoundingClientRect().top;
    for (const row of el.querySelectorAll("[data-level]")) {
      const offset = row.getBoundingClientRect().top - top;
      if (offset >= 30 && offset < 60) return row.textContent ?? "";
    }
    return "";
  };
  await expect.poll(() => logs.evaluate(rowNearTop)).not.toBe("");
  const topLine = await logs.evaluate(rowNearTop);
  const marker = /(bulk|slow) line \d+/.exec(topLine)?.[0];
  expect(marker, topLine).toBeTruthy();
  // ...stays on screen when scrolling a little further loads a page of earlier lines above it.
  const countBefore = await lineCount.textContent();
  await logs.evaluate((el) => (el.scrollTop = 1100));
  await expect(lineCount).not.toHaveText(countBefore!);
  await expect(logs.getByText(marker!, { exact: true })).toBeInViewport();
  // Each page is an API call, and the reader's calls are rate limited (100 a minute): once they run out, the viewer
  // says how long it waits, counts down and goes on by itself. (Not across a window's end, which would refill them.)
  const leftInWindow = 60_000 - (Date.now() % 60_000);
  if (leftInWindow < 20_000) await detail.waitForTimeout(leftInWindow + 100);
  let spent = false;
  for (let i = 0; i < 200 && !spent; i++) spent = (await detail.request.get("/api/deployments/recent")).status() === 429;
  expect(spent).toBe(true);
  await logs.evaluate((el) => (el.scrollTop = 0));
  const waitNote = detail.getByText(/^Too many requests: earlier lines load again in \d+ s$/);
  await expect(waitNote).toBeVisible();
  const firstNote = await waitNote.textContent();
  if (Number(/\d+/.exec(firstNote!)![0]) > 2) await expect(waitNote).not.toHaveText(firstNote!);
  // All the way up, a page of earlier lines at a time. A page that lands after the reader reached the top
  // moves the view down to keep their place, so the top counts as reached only when no page is loading and
  // the first page is in.
  await expect
    .poll(
      () =>
        logs.evaluate((el) => {
          el.scrollTop = 0;
          return !el.hasAttribute("aria-busy") && (el.textContent ?? "").includes("Start of build log");
        }),
      { timeout: 90_000, intervals: [300] },
    )
    .toBe(true);
  await expect(detail.getByText("Start of build log")).toBeInViewport();
  await expect(logs.getByText("bulk line 1", { exact: true })).toBeInViewport();
  await expect(lineCount).toHaveText(/^[5-9],\d{3} lines$/);
  expect(errors).toEqual([]);
});
