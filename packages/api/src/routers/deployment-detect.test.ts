import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext, createCookieCollector } from "../context.js";
import { toErrorEnvelope, type ErrorEnvelope } from "../errors.js";
import { createCaller } from "../root.js";
import { DEPLOYMENT_TEST_ENV, signUp, type TestUser } from "../testing/deployments.js";
import { createHarness, type Harness } from "../testing/harness.js";

// deployment.detect on real git repositories: the official templates that
// create-vite and create-next-app ship (devDependencies of this package),
// small projects built here, and hostile repositories. Every repository is a
// real one (git init + commit) read through a file:// URL, as ALLOW_LOCAL_REPOS
// allows on development machines.

const run = promisify(execFile);
const modules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../node_modules");
const VITE_TEMPLATES = path.join(modules, "create-vite");
const NEXT_TEMPLATE = path.join(modules, "create-next-app/dist/templates/app/ts");

let h: Harness;
let tmp: string;
beforeAll(async () => {
  h = await createHarness(DEPLOYMENT_TEST_ENV);
  tmp = await mkdtemp(path.join(tmpdir(), "autostack-detect-test-"));
});
afterAll(async () => {
  await h.close();
  await rm(tmp, { recursive: true, force: true });
});

type Files = Record<string, string | Buffer | { symlink: string }>;

/** A git repository on branch main with one commit of `files` (after copying `template`); its file:// URL. */
async function repository(files: Files, { template, config = {} }: { template?: string; config?: Record<string, string> } = {}): Promise<string> {
  const dir = path.join(tmp, randomUUID());
  if (template) {
    await cp(template, dir, { recursive: true });
    // Templates keep dotfiles under other names (npm would drop a .gitignore); the generators rename them.
    for (const [from, to] of [["_gitignore", ".gitignore"], ["gitignore", ".gitignore"], ["README-template.md", "README.md"]] as const) {
      await rename(path.join(dir, from), path.join(dir, to)).catch(() => undefined);
    }
  }
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    if (typeof content === "object" && !Buffer.isBuffer(content)) await symlink(content.symlink, file);
    else await writeFile(file, content);
  }
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], { cwd: dir });
  await git("init", "-q");
  for (const [key, value] of Object.entries(config)) await git("config", key, value);
  await git("add", "-A");
  await git("commit", "-q", "-m", "Initial commit");
  return pathToFileURL(dir).href;
}

const packageJson = (body: object) => JSON.stringify({ name: "site", version: "1.0.0", private: true, ...body }, null, 2);

async function envelopeOf(promise: Promise<unknown>): Promise<ErrorEnvelope["error"]> {
  return promise.then(
    () => expect.fail("expected the call to fail"),
    (error: unknown) => toErrorEnvelope(error).error,
  );
}

// A new user for each detection: detections are limited per user and minute (not under test here).
let user: TestUser;
beforeAll(async () => {
  user = await signUp(h);
});
const detect = async (input: { repository: string; branch?: string; rootDirectory?: string | null }) => (await signUp(h)).caller.deployment.detect(input);

describe("detect: official templates", () => {
  it("create-vite react-ts: Vite, npm without a lockfile, a single-page app in dist", async () => {
    const result = await detect({ repository: await repository({}, { template: path.join(VITE_TEMPLATES, "template-react-ts") }) });
    expect(result).toEqual({
      framework: { id: "vite", name: "Vite" },
      buildCommand: "npm run build",
      installCommand: "npm install",
      outputDir: "dist",
      spaFallback: true,
      packageManager: "npm",
      lockfile: null,
      nodeVersion: { major: "20", reason: "by default (package.json has no engines.node)" },
      notes: [],
    });
  });

  it("create-vite vue-ts and svelte-ts are Vite single-page apps (Svelte without SvelteKit is not SvelteKit)", async () => {
    for (const template of ["template-vue-ts", "template-svelte-ts"]) {
      const result = await detect({ repository: await repository({}, { template: path.join(VITE_TEMPLATES, template) }) });
      expect(result, template).toMatchObject({ framework: { id: "vite" }, buildCommand: "npm run build", outputDir: "dist", spaFallback: true, notes: [] });
    }
  });

  it("create-vite vanilla: Vite, but no UI runtime, so no SPA fallback", async () => {
    const result = await detect({ repository: await repository({}, { template: path.join(VITE_TEMPLATES, "template-vanilla") }) });
    expect(result).toMatchObject({ framework: { id: "vite" }, buildCommand: "npm run build", outputDir: "dist", spaFallback: false });
  });

  /** What create-next-app writes beside its template (dist/index.js: scripts and dependencies). */
  const nextPackage = packageJson({
    scripts: { dev: "next dev", build: "next build", start: "next start", lint: "eslint" },
    dependencies: { react: "19.2.0", "react-dom": "19.2.0", next: "16.4.3" },
    devDependencies: { typescript: "^5", "@types/node": "^20", "@types/react": "^19", "@types/react-dom": "^19", eslint: "^9", "eslint-config-next": "16.4.3" },
  });

  it("create-next-app app/ts with output: 'export': Next.js into out/, no notes", async () => {
    const config = (await readFile(path.join(NEXT_TEMPLATE, "next.config.ts"), "utf8")).replace("/* config options here */", "output: 'export',");
    expect(config).toContain("output: 'export'");
    const result = await detect({ repository: await repository({ "package.json": nextPackage, "next.config.ts": config }, { template: NEXT_TEMPLATE }) });
    expect(result).toMatchObject({ framework: { id: "nextjs", name: "Next.js" }, buildCommand: "npm run build", outputDir: "out", spaFallback: false, notes: [] });
  });

  it("create-next-app app/ts as generated: a note that Autostack needs output: 'export'", async () => {
    const result = await detect({ repository: await repository({ "package.json": nextPackage }, { template: NEXT_TEMPLATE }) });
    expect(result).toMatchObject({ framework: { id: "nextjs" }, outputDir: "out" });
    expect(result.notes).toEqual([expect.stringContaining("output: 'export'")]);
  });
});

describe("detect: frameworks and package managers", () => {
  it("Astro with pnpm", async () => {
    const result = await detect({
      repository: await repository({
        "package.json": packageJson({ scripts: { build: "astro build" }, dependencies: { astro: "^5.0.0" } }),
        "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        "astro.config.mjs": "export default {};\n",
      }),
    });
    expect(result).toMatchObject({
      framework: { id: "astro", name: "Astro" },
      buildCommand: "pnpm run build",
      installCommand: "pnpm install --frozen-lockfile",
      packageManager: "pnpm",
      lockfile: "pnpm-lock.yaml",
      outputDir: "dist",
      notes: [],
    });
  });

  it("SvelteKit with adapter-static and yarn classic; without adapter-static, a note (and yarn berry)", async () => {
    const kit = (adapter: string) => packageJson({ scripts: { build: "vite build" }, devDependencies: { "@sveltejs/kit": "^2.0.0", [adapter]: "^3.0.0", vite: "^7.0.0", svelte: "^5.0.0" } });
    const staticSite = await detect({ repository: await repository({ "package.json": kit("@sveltejs/adapter-static"), "yarn.lock": "# yarn lockfile v1\n", "svelte.config.js": "" }) });
    expect(staticSite).toMatchObject({ framework: { id: "sveltekit", name: "SvelteKit" }, buildCommand: "yarn build", installCommand: "yarn install --frozen-lockfile", outputDir: "build", spaFallback: false, notes: [] });
    const serverSite = await detect({ repository: await repository({ "package.json": kit("@sveltejs/adapter-auto"), "yarn.lock": "__metadata:\n", ".yarnrc.yml": "nodeLinker: node-modules\n" }) });
    expect(serverSite).toMatchObject({ framework: { id: "sveltekit" }, installCommand: "yarn install --immutable", packageManager: "yarn" });
    expect(serverSite.notes).toEqual([expect.stringContaining("@sveltejs/adapter-static")]);
  });

  it("Nuxt runs its generate script (bun); without one, build and a note", async () => {
    const generate = await detect({
      repository: await repository({ "package.json": packageJson({ scripts: { build: "nuxt build", generate: "nuxt generate" }, dependencies: { nuxt: "^3.0.0" } }), "bun.lock": "{}\n" }),
    });
    expect(generate).toMatchObject({ framework: { id: "nuxt", name: "Nuxt" }, buildCommand: "bun run generate", installCommand: "bun install --frozen-lockfile", lockfile: "bun.lock", outputDir: ".output/public", notes: [] });
    const build = await detect({ repository: await repository({ "package.json": packageJson({ scripts: { build: "nuxt build" }, dependencies: { nuxt: "^3.0.0" } }), "bun.lockb": Buffer.from([0, 1, 2]) }) });
    expect(build).toMatchObject({ buildCommand: "bun run build", lockfile: "bun.lockb", outputDir: ".output/public" });
    expect(build.notes).toEqual([expect.stringContaining("nuxt generate")]);
  });

  it("Create React App with npm ci: build/, a single-page app", async () => {
    const result = await detect({
      repository: await repository({ "package.json": packageJson({ scripts: { build: "react-scripts build" }, dependencies: { react: "^18", "react-scripts": "5.0.1" } }), "package-lock.json": "{}" }),
    });
    expect(result).toMatchObject({ framework: { id: "create-react-app", name: "Create React App" }, buildCommand: "npm run build", installCommand: "npm ci", lockfile: "package-lock.json", outputDir: "build", spaFallback: true });
  });

  it("Docusaurus into build/, Gatsby into public/", async () => {
    const docusaurus = await detect({ repository: await repository({ "package.json": packageJson({ scripts: { build: "docusaurus build" }, dependencies: { "@docusaurus/core": "3.8.0" } }) }) });
    expect(docusaurus).toMatchObject({ framework: { id: "docusaurus", name: "Docusaurus" }, outputDir: "build", buildCommand: "npm run build" });
    const gatsby = await detect({ repository: await repository({ "package.json": packageJson({ scripts: { build: "gatsby build" }, dependencies: { gatsby: "^5" } }) }) });
    expect(gatsby).toMatchObject({ framework: { id: "gatsby", name: "Gatsby" }, outputDir: "public" });
  });

  it("plain HTML: served as committed, from the root or from public/", async () => {
    const root = await detect({ repository: await repository({ "index.html": "<h1>Hello</h1>\n", "style.css": "" }) });
    expect(root).toMatchObject({ framework: { id: "static", name: "Static HTML" }, buildCommand: "", installCommand: "", outputDir: ".", spaFallback: false, lockfile: null });
    const publicDir = await detect({ repository: await repository({ "public/index.html": "<h1>Hello</h1>\n", "README.md": "# site\n" }) });
    expect(publicDir).toMatchObject({ framework: { id: "static" }, outputDir: "public" });
  });

  it("Node.js from engines.node: the newest supported major it allows, or 20 with the reason", async () => {
    const withEngines = async (node: string) => (await detect({ repository: await repository({ "package.json": packageJson({ engines: { node } }) }) })).nodeVersion;
    expect(await withEngines(">=18")).toEqual({ major: "22", reason: "from engines.node (>=18)" });
    expect(await withEngines("^20.19.0 || >=22.12.0")).toMatchObject({ major: "22" });
    expect(await withEngines("18.x")).toMatchObject({ major: "18" });
    expect(await withEngines("lts/*")).toMatchObject({ major: "20", reason: expect.stringContaining("not a valid version range") });
    expect(await withEngines(">=24")).toMatchObject({ major: "20", reason: expect.stringContaining("allows none of 18, 20, 22") });
  });

  it("reads the root directory of a monorepo project, and another branch", async () => {
    const url = await repository({
      "package.json": packageJson({ workspaces: ["apps/*"] }),
      "apps/docs/package.json": packageJson({ scripts: { build: "astro build" }, dependencies: { astro: "^5" } }),
    });
    const dir = fileURLToPath(url);
    await run("git", ["checkout", "-q", "-b", "preview"], { cwd: dir });
    await writeFile(path.join(dir, "apps/docs/package.json"), packageJson({ scripts: { build: "gatsby build" }, dependencies: { gatsby: "^5" } }));
    await run("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qam", "gatsby"], { cwd: dir });

    expect((await detect({ repository: url, branch: "main", rootDirectory: "./apps/docs/" })).framework?.id).toBe("astro");
    expect((await detect({ repository: url, branch: "preview", rootDirectory: "apps/docs" })).framework?.id).toBe("gatsby");
    const missing = await envelopeOf(detect({ repository: url, rootDirectory: "apps/web" }));
    expect(missing).toMatchObject({ statusCode: 422, details: { fields: { rootDirectory: "No directory apps/web on branch main" } } });
  });

  it("leaves the build command empty, with a note, when package.json has no build script", async () => {
    const result = await detect({ repository: await repository({ "package.json": packageJson({ scripts: { start: "node server.js" } }) }) });
    expect(result).toMatchObject({ framework: null, buildCommand: "", outputDir: "dist" });
    expect(result.notes).toContainEqual(expect.stringContaining('no "build" script'));
  });
});

describe("detect: hostile repositories", () => {
  it("never reads a package.json that is a symlink (to /dev/zero) and falls back to the static files", async () => {
    const url = await repository({ "package.json": { symlink: "/dev/zero" }, "index.html": "<h1>hi</h1>" });
    const result = await detect({ repository: url });
    expect(result).toMatchObject({ framework: { id: "static" }, buildCommand: "", outputDir: "." });
    expect(result.notes).toContainEqual(expect.stringContaining("package.json is a symbolic link"));
  });

  it("does not read a 5 MB package.json, whether or not the server filters large blobs out of the clone", async () => {
    const huge = packageJson({ scripts: { build: "vite build" }, devDependencies: { vite: "7" }, description: "x".repeat(5 * 1024 * 1024) });
    for (const config of [{}, { "uploadpack.allowFilter": "true" }] as Record<string, string>[]) {
      const result = await detect({ repository: await repository({ "package.json": huge, "package-lock.json": "{}" }, { config }) });
      expect(result, JSON.stringify(config)).toMatchObject({ framework: null, buildCommand: "npm run build", installCommand: "npm ci" });
      expect(result.notes).toContainEqual(expect.stringContaining("package.json is larger than 1 MB"));
    }
  });

  it("answers a missing branch with 422 on the branch", async () => {
    const url = await repository({ "index.html": "" });
    const error = await envelopeOf(detect({ repository: url, branch: "does-not-exist" }));
    expect(error).toMatchObject({ code: "VALIDATION_ERROR", statusCode: 422, details: { fields: { branch: 'No branch "does-not-exist" in this repository' } } });
  });

  /** A caller whose server allows repositories on private addresses (ALLOW_PRIVATE_NETWORK_REPOS, single-user machines). */
  async function lenientCaller() {
    const ctx = await createContext(
      { ...h.deps, env: { ...h.deps.env, ALLOW_PRIVATE_NETWORK_REPOS: true } },
      { ip: "198.51.100.9", requestId: randomUUID(), source: "api", authorizationHeader: `Bearer ${user.accessToken}` },
      createCookieCollector(),
    );
    return createCaller(ctx);
  }

  it("answers a repository that cannot be reached, or is not one, with 422 on the repository", async () => {
    const refused = await envelopeOf((await lenientCaller()).deployment.detect({ repository: "https://127.0.0.1:9/acme/site.git" }));
    expect(refused).toMatchObject({ statusCode: 422, details: { fields: { repository: "Could not reach the repository: the connection failed" } } });
    const notARepository = await envelopeOf(detect({ repository: pathToFileURL(tmp).href }));
    expect(notARepository).toMatchObject({ statusCode: 422, details: { fields: { repository: "No Git repository at this address" } } });
  });

  it("refuses hosts on private addresses as creation does, before any git runs", async () => {
    for (const repository of ["https://127.0.0.1:9/acme/site.git", "https://0x7f000001/acme/site.git", "https://[::1]/acme/site.git", "https://169.254.169.254/x.git"]) {
      const detected = await envelopeOf(detect({ repository }));
      const created = await envelopeOf(user.caller.deployment.create({ repository }));
      expect(detected, repository).toMatchObject({ statusCode: 422, details: { fields: { repository: expect.stringContaining("private, loopback or link-local address") } } });
      expect(detected.details).toEqual(created.details);
    }
  });

  it("applies deployment creation's repository policy: local repositories only with ALLOW_LOCAL_REPOS, GitHub references wait for GitHub", async () => {
    const url = await repository({ "index.html": "" });
    const ctx = await createContext(
      { ...h.deps, env: { ...h.deps.env, ALLOW_LOCAL_REPOS: false } },
      { ip: "198.51.100.8", requestId: randomUUID(), source: "api", authorizationHeader: `Bearer ${user.accessToken}` },
      createCookieCollector(),
    );
    const strict = createCaller(ctx);
    for (const repository of [url, fileURLToPath(url), "file:///etc"]) {
      const detected = await envelopeOf(strict.deployment.detect({ repository }));
      const created = await envelopeOf(strict.deployment.create({ repository }));
      expect(detected).toMatchObject({ statusCode: 422, details: { fields: { repository: expect.stringContaining("Local repositories are disabled") } } });
      expect(detected.details).toEqual(created.details);
    }
    const github = await envelopeOf(user.caller.deployment.detect({ repository: "acme/site" }));
    expect(github).toMatchObject({ statusCode: 422, details: { fields: { repository: "GitHub is not connected" } } });
  });

  it("limits each user to 30 detections a minute (each one clones), then answers 429", async () => {
    const limited = await signUp(h);
    const unreachable = { repository: "https://127.0.0.1:9/acme/site.git" };
    for (let i = 0; i < 30; i++) expect((await envelopeOf(limited.caller.deployment.detect(unreachable))).statusCode).toBe(422);
    expect(await envelopeOf(limited.caller.deployment.detect(unreachable))).toMatchObject({ code: "RATE_LIMIT_EXCEEDED", statusCode: 429 });
  });

  it("refuses option-like and injected input before running git", async () => {
    const marker = path.join(tmp, "pwned");
    for (const [input, field] of [
      [{ repository: `--upload-pack=touch ${marker}` }, "repository"],
      [{ repository: `ext::sh -c touch% ${marker}` }, "repository"],
      [{ repository: "https://example.com/site.git", branch: `main;touch ${marker}` }, "branch"],
      [{ repository: "https://example.com/site.git", branch: "--upload-pack=x" }, "branch"],
      [{ repository: "https://example.com/site.git", rootDirectory: "../.." }, "rootDirectory"],
    ] as const) {
      const error = await envelopeOf(user.caller.deployment.detect(input));
      expect(error.statusCode, JSON.stringify(input)).toBe(422);
      expect(Object.keys(error.details.fields as object)).toEqual([field]);
    }
    await expect(readdir(tmp)).resolves.not.toContain("pwned");
  });
});
