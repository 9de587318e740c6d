import { writeFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { signUp } from "./accounts.js";
import { E2E_DATA_DIR } from "./config.js";
import { deployThroughWizard, headerStatus, OFFLINE_NPMRC, useBuildFixtures } from "./deploy-fixtures.js";

// The build log viewer with a long, still growing log, and the deployments
// list beside it, in a real browser against a real build.

const fixtureRepo = useBuildFixtures();

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
    ".npmrc": OFFLINE_NPMRC,
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
  // The viewer is interactive once the page has hydrated and subscribed (before that it shows a static tail that
  // cannot scroll, and a scroll set then is undone when it takes over).
  await expect(detail.getByRole("status").filter({ hasText: /^Live$/ })).toBeVisible({ timeout: 30_000 });
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
  // Hydrated: the virtual list (not the server-rendered tail) says where earlier lines are.
  await expect(logs.getByText("Scroll up for earlier lines")).toBeVisible();
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
