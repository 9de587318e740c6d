import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { E2E_BUILD_ENGINE_FILE, E2E_PORT } from "./config.js";
import { createGitRepo } from "./git-fixtures.js";

// What the specs that really build share: the build engine check, a
// temporary directory for fixture repositories, the wizard's happy path and
// the detail page's status badge.

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

/**
 * Registers the spec file's hooks (skip without a build engine; a temporary
 * directory for the run) and returns `fixtureRepo(name, files)`: a git
 * repository named `name` in that directory, as a file:// URL.
 */
export function useBuildFixtures(): (name: string, files: Record<string, string>) => Promise<string> {
  let tmp: string | undefined;
  test.beforeEach(() => {
    const engine = buildEngine();
    test.skip(!engine.dockerHost, `no Docker engine for builds: ${engine.reason}`);
  });
  test.beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), "autostack-e2e-repo-"));
  });
  test.afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });
  return (name, files) => createGitRepo(path.join(tmp!, name), files);
}

/**
 * Goes through the three wizard steps with the defaults (branch main) and what
 * detection finds in these fixtures (a build script, no framework, no lockfile:
 * `npm run build`, dist).
 */
export async function deployThroughWizard(page: Page, repository: string) {
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
export const SITE_URL = new RegExp(`^http://[a-z0-9-]+\\.localhost:${E2E_PORT}/?$`);

/** The status badge beside the deployment's name in the detail page's header. */
export const headerStatus = (page: Page, repo: string) =>
  page.getByRole("heading", { level: 1, name: repo }).locator("xpath=following-sibling::span[1]");

/** npm settings for fixtures without dependencies: the install step has nothing to fetch and must not try. */
export const OFFLINE_NPMRC = "offline=true\naudit=false\nfund=false\nupdate-notifier=false\n";
