import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { hydrated, signUp } from "./accounts.js";
import { E2E_STAND_IN_URL } from "./config.js";
import { headerStatus, OFFLINE_NPMRC, SITE_URL, useBuildFixtures } from "./deploy-fixtures.js";

// Push to deploy's first half in Chromium, against the GitHub stand-in that
// start-platform.mjs runs as GITHUB_URL and as the GitHub App: a new user
// connects GitHub from the dashboard's banner (the stand-in's install page
// sends the browser back to the App's Setup URL), picks one of the
// installation's repositories in the wizard, searching the list, with its
// branches read from GitHub, and deploys it: the worker clones it from the
// stand-in with an installation token, and the build succeeds in Docker.

let nextId = Math.floor(Date.now() / 1000) % 1_000_000;

async function control(request: APIRequestContext, method: "POST" | "PUT", path: string, data: unknown) {
  const response = await request.fetch(`${E2E_STAND_IN_URL}/_stand-in${path}`, { method, data });
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true);
}

/** What the stand-in saw under a path: method, path and the Authorization scheme. */
async function standInRequests(request: APIRequestContext, prefix: string) {
  const response = await request.get(`${E2E_STAND_IN_URL}/_stand-in/requests?path=${encodeURIComponent(prefix)}`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as { method: string; path: string; authorization: string | null }[];
}

/** A project without dependencies whose build writes dist/index.html with `marker`. */
function nodeProject(name: string, marker: string): Record<string, string> {
  return {
    "package.json": JSON.stringify({ name, version: "1.0.0", private: true, scripts: { build: "node build.js" } }, null, 2),
    ".npmrc": OFFLINE_NPMRC,
    "build.js": `require("node:fs").mkdirSync("dist", { recursive: true });
require("node:fs").writeFileSync("dist/index.html", "<!doctype html><title>${name}</title><h1>${marker}</h1>\\n");
console.log("wrote dist/index.html");
`,
  };
}

/**
 * A GitHub account signed in at the stand-in, and an installation of the App
 * on it with three repositories: `site` (to deploy; branches main and
 * staging), `docs` and `notes`.
 */
async function arrangeGitHub(request: APIRequestContext) {
  const id = nextId++;
  const login = `octo${id}`;
  const names = { site: `site-${id}`, docs: `docs-${id}`, notes: `notes-${id}` };
  const marker = `Deployed from GitHub ${id} ${Math.random().toString(36).slice(2, 10)}`;
  await control(request, "POST", "/github/users", { id, login, name: `Octo Cat ${id}`, emails: [{ email: `${login}@example.com`, primary: true, verified: true }] });
  await control(request, "PUT", "/github/signed-in", { userId: id });
  const repoIds = { site: id * 10 + 1, docs: id * 10 + 2, notes: id * 10 + 3 };
  await control(request, "POST", "/repos", { id: repoIds.site, owner: login, name: names.site, files: nodeProject(names.site, marker), branches: ["staging"] });
  await control(request, "POST", "/repos", { id: repoIds.docs, owner: login, name: names.docs, private: false });
  await control(request, "POST", "/repos", { id: repoIds.notes, owner: login, name: names.notes, defaultBranch: "trunk" });
  const installationId = id + 7_000_000;
  await control(request, "POST", "/installations", {
    id: installationId,
    account: { id, login, type: "User" },
    repositoryIds: Object.values(repoIds),
    userIds: [id],
  });
  return { login, names, marker, installationId };
}

const banner = (page: Page) => page.getByRole("region", { name: "Connect GitHub to deploy your repositories" });

test("the banner can be dismissed, and the wizard links to Settings → GitHub until GitHub is connected", async ({ page }) => {
  await signUp(page, "Banner Dismisser");
  await hydrated(page);
  await banner(page).getByRole("button", { name: "Dismiss" }).click();
  await expect(banner(page)).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: /^Welcome back/ })).toBeVisible();
  await expect(banner(page)).toHaveCount(0);

  await page.goto("/deploy");
  await expect(page.getByRole("radio")).toHaveCount(0);
  await page.getByRole("link", { name: "Connect GitHub to pick a repository" }).click();
  await expect(page).toHaveURL(/\/settings\?tab=github$/);
  await expect(page.getByRole("button", { name: "Connect GitHub" })).toBeEnabled();
});

test.describe("with builds", () => {
  useBuildFixtures();

  test("a new user connects GitHub from the dashboard, picks a repository and its branch, and deploys it", async ({ page, request, context }) => {
    test.setTimeout(120_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const { login, names, marker, installationId } = await arrangeGitHub(request);

    // Signed up with a password: GitHub is not connected, the dashboard invites to.
    await signUp(page, "GitHub Tester");
    await expect(banner(page)).toBeVisible();
    await hydrated(page);
    await banner(page).getByRole("button", { name: "Connect GitHub" }).click();

    // GitHub's install page sends the browser back to the Setup URL, which lands on Settings → GitHub.
    await expect(page).toHaveURL(/\/settings\?tab=github&github=connected$/);
    await expect(page.getByTestId("github-account")).toHaveText(`Connected as @${login}`);
    await expect(page.getByText("GitHub is connected: its repositories can now be deployed.")).toBeVisible();

    // Connected: no banner any more.
    await page.goto("/dashboard");
    await expect(page.getByRole("heading", { level: 1, name: /^Welcome back/ })).toBeVisible();
    await expect(banner(page)).toHaveCount(0);

    // The wizard lists the installation's repositories.
    await page.getByRole("navigation").getByRole("link", { name: "Deploy", exact: true }).first().click();
    await expect(page).toHaveURL(/\/deploy$/);
    const list = page.getByRole("list", { name: "Repositories" });
    await expect(list.getByRole("radio")).toHaveCount(3);
    await expect(list.getByRole("listitem").filter({ hasText: names.docs })).toContainText("Public");
    await expect(list.getByRole("listitem").filter({ hasText: names.notes })).toContainText(`${login}/${names.notes} · trunk`);
    await expect(list.getByRole("listitem").filter({ hasText: names.site })).toContainText("Private");

    // Search filters it as you type; nothing matching says so.
    const search = page.getByRole("searchbox", { name: "Search repositories" });
    await search.fill("DOCS");
    await expect(list.getByRole("radio")).toHaveCount(1);
    await expect(list.getByRole("radio", { name: new RegExp(names.docs) })).toBeVisible();
    await search.fill("no-such-repository");
    await expect(page.getByText("No repository matches “no-such-repository”")).toBeVisible();
    await expect(page.getByRole("radio")).toHaveCount(0);

    // Enter picks the only match (the keyboard way), with its default branch; its branches load into the select.
    await search.fill(names.site);
    await expect(list.getByRole("radio")).toHaveCount(1);
    await search.press("Enter");
    await expect(list.getByRole("radio", { name: new RegExp(names.site) })).toBeChecked();
    const branch = page.getByLabel("Branch");
    await expect(branch).toHaveValue("main");
    await expect(branch.locator("option")).toHaveText(["main", "staging"]);
    await expect(branch).toBeEnabled();

    // The Git URL stays one click away, and back.
    await page.getByRole("button", { name: "Or deploy from a Git URL" }).click();
    await expect(page.getByLabel("Git repository URL")).toHaveValue("");
    await page.getByRole("button", { name: "Or pick one of your GitHub repositories" }).click();
    await list.getByRole("radio", { name: new RegExp(names.site) }).check();
    await expect(branch).toHaveValue("main");

    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByText("Configure build")).toBeVisible();
    // Detection read the private repository with an installation token, as the build will.
    await expect(page.getByText(/^No framework detected · npm/)).toBeVisible();
    await expect(page.getByLabel("Build command")).toHaveValue("npm run build");
    await expect(page.getByLabel("Output directory")).toHaveValue("dist");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByText("Review and deploy")).toBeVisible();
    await expect(page.locator('[data-step="3"]').getByText(`${login}/${names.site}`)).toBeVisible();
    await page.getByRole("button", { name: "Deploy", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Deployment started" })).toBeVisible();

    // Cloned from the stand-in with an installation token, built, served.
    await page.getByRole("link", { name: "View logs" }).click();
    await expect(page).toHaveURL(/\/deployments\/[^/]+$/);
    await expect(headerStatus(page, names.site)).toHaveText("Success", { timeout: 60_000 });
    const visit = page.getByRole("link", { name: "Visit site" });
    const siteUrl = await visit.getAttribute("href");
    expect(siteUrl).toMatch(SITE_URL);
    const site = await context.newPage();
    await site.goto(siteUrl!);
    await expect(site.getByRole("heading", { name: marker })).toBeVisible();
    await site.close();

    // The App's JWT minted an installation token, and git fetched with it (HTTP Basic x-access-token).
    const tokens = await standInRequests(request, `/api/v3/app/installations/${installationId}/access_tokens`);
    expect(tokens.filter((r) => r.method === "POST" && r.authorization?.toLowerCase() === "bearer").length).toBeGreaterThan(0);
    const fetches = await standInRequests(request, `/${login}/${names.site}.git/`);
    expect(fetches.some((r) => r.path.endsWith("/git-upload-pack") && r.authorization?.toLowerCase() === "basic")).toBe(true);

    expect(errors).toEqual([]);
  });
});
