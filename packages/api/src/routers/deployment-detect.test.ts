import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { envelopeOf, packageJson, run, useDetectFixtures } from "./deployment-detect-fixtures.js";

// deployment.detect on real git repositories: the official templates that
// create-vite and create-next-app ship (devDependencies of this package), and
// small projects built here. Hostile repositories and refused input:
// deployment-detect-hostile.test.ts.

const modules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../node_modules");
const VITE_TEMPLATES = path.join(modules, "create-vite");
const NEXT_TEMPLATE = path.join(modules, "create-next-app/dist/templates/app/ts");

const { detect, repository } = useDetectFixtures();

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
