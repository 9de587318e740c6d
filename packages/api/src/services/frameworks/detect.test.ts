import { describe, expect, it } from "vitest";
import { detectFramework, type EntryKind, type RepositoryView } from "./detect.js";

// The pure rule on hand-built views; deployment-detect.test.ts runs it on
// real repositories and templates through git.

type Entry = string | { kind: Exclude<EntryKind, "file"> } | { skipped: string };

function view(entries: Record<string, Entry>): RepositoryView {
  const files = new Map<string, EntryKind>();
  const skipped = new Map<string, string>();
  for (const [name, entry] of Object.entries(entries)) {
    if (typeof entry === "string") files.set(name, "file");
    else if ("kind" in entry) files.set(name, entry.kind);
    else {
      files.set(name, "file");
      skipped.set(name, entry.skipped);
    }
  }
  return { files, skipped, read: (name) => (typeof entries[name] === "string" ? entries[name] : null) };
}

const pkg = (body: object) => JSON.stringify(body);

describe("detectFramework", () => {
  it("prefers the most specific framework: Astro over the Vite it builds with", () => {
    const result = detectFramework(view({ "package.json": pkg({ scripts: { build: "astro build" }, dependencies: { astro: "5", vite: "7" } }), "index.html": "" }));
    expect(result).toMatchObject({ framework: { id: "astro", name: "Astro" }, outputDir: "dist", spaFallback: false, buildCommand: "npm run build" });
  });

  it("spells the build command in the package manager's run form", () => {
    const base = { "package.json": pkg({ scripts: { build: "vite build" }, devDependencies: { vite: "7" } }) };
    expect(detectFramework(view({ ...base, "package-lock.json": "" })).buildCommand).toBe("npm run build");
    expect(detectFramework(view({ ...base, "pnpm-lock.yaml": "" })).buildCommand).toBe("pnpm run build");
    expect(detectFramework(view({ ...base, "yarn.lock": "" })).buildCommand).toBe("yarn build");
    expect(detectFramework(view({ ...base, "bun.lockb": "" })).buildCommand).toBe("bun run build");
  });

  it("tells yarn classic from yarn berry by .yarnrc.yml or the pinned packageManager", () => {
    const lock = { "yarn.lock": "" };
    expect(detectFramework(view({ ...lock, "package.json": pkg({}) })).installCommand).toBe("yarn install --frozen-lockfile");
    expect(detectFramework(view({ ...lock, "package.json": pkg({}), ".yarnrc.yml": "" })).installCommand).toBe("yarn install --immutable");
    expect(detectFramework(view({ ...lock, "package.json": pkg({ packageManager: "yarn@4.5.0" }) })).installCommand).toBe("yarn install --immutable");
    expect(detectFramework(view({ ...lock, "package.json": pkg({ packageManager: "yarn@1.22.22" }) })).installCommand).toBe("yarn install --frozen-lockfile");
  });

  it("leaves the build command empty, with a note, when package.json has no such script", () => {
    const result = detectFramework(view({ "package.json": pkg({ dependencies: { gatsby: "5" } }) }));
    expect(result).toMatchObject({ framework: { id: "gatsby" }, buildCommand: "", outputDir: "public" });
    expect(result.notes).toContainEqual(expect.stringMatching(/no "build" script/));
  });

  it("keeps the usual build command when package.json could not be read, and says why", () => {
    const result = detectFramework(view({ "package.json": { skipped: "is larger than 1 MB" } }));
    expect(result).toMatchObject({ framework: null, buildCommand: "npm run build", installCommand: "npm install", lockfile: null });
    expect(result.notes).toContainEqual(expect.stringMatching(/^package\.json is larger than 1 MB: it was not read/));
  });

  it("survives package.json that is not JSON, or not an object, or has odd field types", () => {
    for (const text of ["{", "[]", "null", pkg({ dependencies: ["next"], scripts: { build: 1 }, engines: { node: 22 } })]) {
      const result = detectFramework(view({ "package.json": text }));
      expect(result.framework).toBeNull();
      expect(result.nodeVersion.major).toBe("20");
    }
  });

  it("does not follow a package.json symlink, and falls back to the static files", () => {
    const result = detectFramework(view({ "package.json": { kind: "symlink" }, "index.html": "<h1>hi</h1>" }));
    expect(result).toMatchObject({ framework: { id: "static" }, buildCommand: "", installCommand: "", outputDir: "." });
    expect(result.notes).toContainEqual(expect.stringMatching(/symbolic link/));
  });

  it("serves public/ of a plain HTML repository, and says when there is nothing to serve", () => {
    expect(detectFramework(view({ public: { kind: "dir" }, "public/index.html": "" })).outputDir).toBe("public");
    const empty = detectFramework(view({ "README.md": "" }));
    expect(empty.framework).toBeNull();
    expect(empty.notes).toContainEqual(expect.stringMatching(/No package\.json and no index\.html/));
  });

  it("reads Next.js's static export from any of its config files", () => {
    const next = { "package.json": pkg({ scripts: { build: "next build" }, dependencies: { next: "16" } }) };
    expect(detectFramework(view({ ...next, "next.config.mjs": "export default { output: `export` }" })).notes).toEqual([]);
    expect(detectFramework(view({ ...next, "next.config.js": "module.exports = { output: 'standalone' }" })).notes).toContainEqual(expect.stringMatching(/output: 'export'/));
  });
});
