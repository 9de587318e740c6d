import { execFile } from "node:child_process";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

// The official starter templates users really bring, taken from the npm
// packages that ship them (create-vite, create-next-app: devDependencies of
// this package) and laid out exactly as those CLIs would lay them out, then
// committed to a local Git repository. Used by the real-projects test and by
// bench/real-builds.mjs.

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export interface StarterTemplate {
  name: string;
  /** What a user would enter in the wizard (Vercel's presets say the same). */
  buildCommand: string;
  outputDir: string;
  /** Lays the project out in `dir` (which does not exist yet). */
  write(dir: string): Promise<void>;
}

const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** create-vite copies template-<name> and renames `_gitignore`; it writes the directory name into package.json. */
function viteTemplate(template: string): StarterTemplate {
  return {
    name: `vite-${template}`,
    buildCommand: "npm run build",
    outputDir: "dist",
    async write(dir) {
      await cp(path.join(packageDir("create-vite"), `template-${template}`), dir, { recursive: true });
      for (const entry of await readdir(dir)) {
        if (entry.startsWith("_")) await rename(path.join(dir, entry), path.join(dir, `.${entry.slice(1)}`));
      }
      const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
      await writeFile(path.join(dir, "package.json"), `${JSON.stringify({ ...manifest, name: path.basename(dir) }, null, 2)}\n`);
    },
  };
}

/**
 * create-next-app's `--empty` app/ts template (app-empty: the full one loads
 * Google Fonts at build time, which no machine here can reach) without ESLint
 * or Biome, with the package.json it generates (next at its own version),
 * plus the one line a static host needs: `output: "export"` in next.config.ts.
 */
const nextExport: StarterTemplate = {
  name: "next-app-export",
  buildCommand: "npm run build",
  outputDir: "out",
  async write(dir) {
    const root = packageDir("create-next-app");
    const version = (JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { version: string }).version;
    await cp(path.join(root, "dist/templates/app-empty/ts"), dir, { recursive: true });
    await rename(path.join(dir, "gitignore"), path.join(dir, ".gitignore"));
    await rename(path.join(dir, "README-template.md"), path.join(dir, "README.md"));
    await rm(path.join(dir, "eslint.config.mjs"), { force: true });
    await rm(path.join(dir, "biome.json"), { force: true });
    const config = await readFile(path.join(dir, "next.config.ts"), "utf8");
    await writeFile(path.join(dir, "next.config.ts"), config.replace("/* config options here */", 'output: "export",'));
    const manifest = {
      name: path.basename(dir),
      version: "0.1.0",
      private: true,
      scripts: { dev: "next dev", build: "next build", start: "next start" },
      dependencies: { react: "19.3.0", "react-dom": "19.3.0", next: version },
      devDependencies: { typescript: "^5", "@types/node": "^20", "@types/react": "^19", "@types/react-dom": "^19" },
    };
    await writeFile(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  },
};

export const STARTER_TEMPLATES: readonly StarterTemplate[] = [viteTemplate("react-ts"), viteTemplate("vue-ts"), viteTemplate("svelte-ts"), nextExport];

/** Writes the template under `root/<name>`, commits it on branch main and returns its file:// URL. */
export async function starterRepository(root: string, template: StarterTemplate, name = template.name): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(root, { recursive: true });
  await template.write(dir);
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=Starter Author", "-c", "user.email=starter@example.com", "-c", "init.defaultBranch=main", ...args], { cwd: dir });
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-q", "-m", `${template.name} from its official template`);
  return pathToFileURL(dir).href;
}

/** Local paths an HTML page references (src/href starting with "/" or "./"), without query or fragment. */
export function referencedAssets(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/\s(?:src|href)=["']([^"'#?]+)[^"']*["']/g)) {
    const url = match[1]!;
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) continue; // absolute URLs: not ours
    const relative = url.replace(/^\.?\//, "");
    if (relative && !relative.endsWith("/")) found.add(relative);
  }
  return [...found];
}
