import { resolveNodeMajor, type NodeMajorChoice } from "../deployments/node-version.js";
import { FRAMEWORK_PRESETS, NEXT_CONFIG_FILES, STATIC_HTML, type FrameworkId, type ProjectFacts } from "./presets.js";

// From a few facts about a project's root directory to the settings the
// deploy form suggests. Pure: repository-files.ts gathers the facts (without
// checking anything out), tests build them by hand. Everything read here is
// the repository's, so anyone's: unparsable or odd content becomes a note.

export type EntryKind = "file" | "dir" | "symlink";
export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/** The project root as detection sees it. */
export interface RepositoryView {
  /** Entries of the project root by name (and of `public/`, as "public/<name>"). */
  files: ReadonlyMap<string, EntryKind>;
  /** The text of a small regular file among FILES_TO_READ; null when absent or not read. */
  read(name: string): string | null;
  /** Regular files that exist but were not read, and why ("is larger than 1 MB"). */
  skipped?: ReadonlyMap<string, string>;
}

/** The only files detection reads; lockfiles and the rest only need to exist. */
export const FILES_TO_READ: readonly string[] = ["package.json", ...NEXT_CONFIG_FILES];
/** Directories whose entries detection also looks at. */
export const DIRECTORIES_TO_LIST: readonly string[] = ["public"];

export interface Detection {
  framework: { id: FrameworkId; name: string } | null;
  /** Empty: no build step (or no script to run). */
  buildCommand: string;
  /** What the build will run to install dependencies, for display (the form leaves it to the build); empty: nothing to install. */
  installCommand: string;
  outputDir: string;
  spaFallback: boolean;
  packageManager: PackageManager;
  lockfile: string | null;
  /** What "Automatic" picks for this project. */
  nodeVersion: NodeMajorChoice;
  notes: string[];
}

interface PackageJson {
  dependencies: Set<string>;
  scripts: Record<string, string>;
  enginesNode: string | undefined;
  packageManager: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function stringEntries(value: unknown): [string, string][] {
  return isRecord(value) ? Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === "string") : [];
}

function parsePackageJson(text: string): PackageJson | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const dependencies = new Set<string>();
  for (const field of ["dependencies", "devDependencies"]) {
    if (isRecord(parsed[field])) for (const name of Object.keys(parsed[field])) dependencies.add(name);
  }
  const engines = isRecord(parsed.engines) ? parsed.engines.node : undefined;
  return {
    dependencies,
    scripts: Object.fromEntries(stringEntries(parsed.scripts)),
    enginesNode: typeof engines === "string" ? engines : undefined,
    packageManager: typeof parsed.packageManager === "string" ? parsed.packageManager : undefined,
  };
}

interface InstallPlan {
  packageManager: PackageManager;
  lockfile: string | null;
  command: string;
}

/** The lockfile decides, in the build's order of preference (npm, pnpm, yarn, bun); none: npm install. */
function installPlan(isFile: (name: string) => boolean, pinned: string | undefined): InstallPlan {
  for (const lockfile of ["package-lock.json", "npm-shrinkwrap.json"]) {
    if (isFile(lockfile)) return { packageManager: "npm", lockfile, command: "npm ci" };
  }
  if (isFile("pnpm-lock.yaml")) return { packageManager: "pnpm", lockfile: "pnpm-lock.yaml", command: "pnpm install --frozen-lockfile" };
  if (isFile("yarn.lock")) {
    // Yarn 2+ ("berry") keeps its settings in .yarnrc.yml and spells "frozen" --immutable.
    const berry = isFile(".yarnrc.yml") || /^yarn@(?!1\.)\d/.test(pinned ?? "");
    return { packageManager: "yarn", lockfile: "yarn.lock", command: berry ? "yarn install --immutable" : "yarn install --frozen-lockfile" };
  }
  for (const lockfile of ["bun.lock", "bun.lockb"]) {
    if (isFile(lockfile)) return { packageManager: "bun", lockfile, command: "bun install --frozen-lockfile" };
  }
  return { packageManager: "npm", lockfile: null, command: "npm install" };
}

/** `npm run build`, `pnpm run build`, `yarn build`, `bun run build`. */
export function runScript(packageManager: PackageManager, script: string): string {
  return packageManager === "yarn" ? `yarn ${script}` : `${packageManager} run ${script}`;
}

/** A directory of HTML files: index.html at the root, else in public/. */
function staticSite(isFile: (name: string) => boolean, notes: string[]): Detection {
  const outputDir = isFile("index.html") ? "." : isFile("public/index.html") ? "public" : null;
  if (outputDir === null) notes.push("No package.json and no index.html at the root or in public/: set the build command and output directory by hand.");
  return {
    framework: outputDir === null ? null : { ...STATIC_HTML },
    buildCommand: "",
    installCommand: "",
    outputDir: outputDir ?? ".",
    spaFallback: false,
    packageManager: "npm",
    lockfile: null,
    nodeVersion: resolveNodeMajor(null, undefined),
    notes,
  };
}

export function detectFramework(view: RepositoryView): Detection {
  const notes: string[] = [];
  const isFile = (name: string) => view.files.get(name) === "file";
  const kind = view.files.get("package.json");
  if (kind === "symlink") notes.push("package.json is a symbolic link: it was not followed or read.");
  if (kind === "dir") notes.push("package.json is a directory, not a file.");
  if (kind !== "file") return staticSite(isFile, notes);

  const text = view.read("package.json");
  const skipped = view.skipped?.get("package.json");
  const pkg = text === null ? null : parsePackageJson(text);
  if (text === null) notes.push(`package.json ${skipped ?? "could not be read"}: it was not read, so no framework, scripts or engines.node are known.`);
  else if (pkg === null) notes.push("package.json is not a valid JSON object: no framework, scripts or engines.node are known.");

  const install = installPlan(isFile, pkg?.packageManager);
  const project: ProjectFacts = {
    dependencies: pkg?.dependencies ?? new Set(),
    scripts: pkg?.scripts ?? {},
    hasFile: isFile,
    read: (name) => (isFile(name) ? view.read(name) : null),
  };
  const preset = FRAMEWORK_PRESETS.find((candidate) => candidate.matches(project)) ?? null;
  const settings = preset?.settings(project) ?? { buildScript: "build", outputDir: "dist", spaFallback: false, notes: [] };
  notes.push(...settings.notes);
  if (pkg && !preset) notes.push("No framework recognised: check that the output directory is where your build writes the site.");

  // Unknown scripts (package.json unreadable) keep the usual build command; known ones must have it.
  const hasScript = pkg === null || project.scripts[settings.buildScript] !== undefined;
  if (!hasScript) notes.push(`package.json has no "${settings.buildScript}" script: there is no build step until you add one or set a build command.`);
  return {
    framework: preset ? { id: preset.id, name: preset.name } : null,
    buildCommand: hasScript ? runScript(install.packageManager, settings.buildScript) : "",
    installCommand: install.command,
    outputDir: settings.outputDir,
    spaFallback: settings.spaFallback,
    packageManager: install.packageManager,
    lockfile: install.lockfile,
    nodeVersion: resolveNodeMajor(null, pkg?.enginesNode),
    notes,
  };
}
