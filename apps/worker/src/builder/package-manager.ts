import { isRegularFile, readPackageJson, readSmallFile } from "./repo-files.js";

// Which install command a project needs, read from its lockfile (never
// following a symlink: repo-files.ts). The builder image ships npm with each
// Node.js, and pnpm, Yarn classic and Bun at one version each (its labels:
// ImageTools). A project that pins another major (package.json's
// `packageManager`, or an older lockfile format) gets that release through npx
// from the npm registry, cached in the project's build cache after the first
// build; that needs BUILD_NETWORK=public, and the log says so up front.

export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";

/** Versions of the package managers the build image provides (empty for an operator's own BUILD_IMAGE). */
export interface ImageTools {
  pnpm?: string;
  yarn?: string;
  bun?: string;
}

export interface InstallPlan {
  packageManager: PackageManager;
  command: string;
  /** Why this command, as a log line. */
  reason: string;
  /** The lockfile the command installs from (the build cache is keyed by it), or null. */
  lockfile: string | null;
  /** A warning worth logging before the step runs (the tool is fetched from the registry). */
  caveat?: string;
}

const FETCH_CAVEAT = (tool: string) =>
  `${tool} is not in the builder image: it is fetched with npx from the npm registry, which needs BUILD_NETWORK=public and registry access. Set an install command to override.`;

/** A version spec safe to put in a command line ("9", "9.1.0", "10.0.0-rc.1"), or null. */
function safeVersion(version: string | undefined): string | null {
  return version && /^\d+(\.\d+){0,2}(-[0-9A-Za-z.]+)?$/.test(version) ? version : null;
}

const major = (version: string | null | undefined) => version?.split(".")[0] ?? null;

/** `packageManager: "pnpm@9.1.0+sha512…"` → { name: "pnpm", version: "9.1.0" }. */
export function pinnedPackageManager(packageJson: Record<string, unknown> | null): { name: string; version: string | null } | null {
  const field = packageJson?.packageManager;
  if (typeof field !== "string") return null;
  const match = /^(npm|pnpm|yarn|bun)@([^+]+)/.exec(field.trim());
  return match ? { name: match[1]!, version: safeVersion(match[2]) } : null;
}

/** The pnpm major that writes a lockfile format: v9 → 9 (10 reads it too), v6 → 8, v5.x → 7. */
export function pnpmForLockfile(lockfileHead: string): string {
  const match = /^lockfileVersion:\s*'?(\d+)/m.exec(lockfileHead);
  const format = match ? Number(match[1]) : 9;
  if (format >= 9) return "9";
  if (format >= 6) return "8";
  return "7";
}

type Pin = ReturnType<typeof pinnedPackageManager>;

/** The install step for the project in `dir`, or null when there is nothing to install (no package.json). */
export async function detectInstall(dir: string, tools: ImageTools = {}): Promise<InstallPlan | null> {
  if (!(await isRegularFile(dir, "package.json"))) return null;
  const pinned = pinnedPackageManager(await readPackageJson(dir));
  const has = (file: string) => isRegularFile(dir, file);
  for (const lockfile of ["package-lock.json", "npm-shrinkwrap.json"]) {
    if (await has(lockfile)) return { packageManager: "npm", command: "npm ci", reason: `${lockfile} found`, lockfile };
  }
  if (await has("pnpm-lock.yaml")) return pnpmPlan(await readSmallFile(dir, "pnpm-lock.yaml", 64 * 1024 * 1024), pinned, tools);
  if (await has("yarn.lock")) return yarnPlan(dir, pinned, tools);
  for (const lockfile of ["bun.lock", "bun.lockb"]) {
    if (await has(lockfile)) return bunPlan(lockfile, pinned, tools);
  }
  return { packageManager: "npm", command: "npm install", reason: "package.json without a lockfile", lockfile: null };
}

function pnpmPlan(lockfileText: string | null, pinned: Pin, tools: ImageTools): InstallPlan {
  const wanted = (pinned?.name === "pnpm" ? pinned.version : null) ?? pnpmForLockfile(lockfileText ?? "");
  // pnpm 10 installs every v9 lockfile; an exact pin of another 10.x is honoured by pnpm itself.
  const imageServes = tools.pnpm && (major(wanted) === major(tools.pnpm) || (major(wanted) === "9" && major(tools.pnpm) === "10" && !pinned));
  if (imageServes) {
    return { packageManager: "pnpm", command: "pnpm install --frozen-lockfile", reason: `pnpm-lock.yaml found, pnpm ${tools.pnpm}`, lockfile: "pnpm-lock.yaml" };
  }
  const tool = `pnpm@${wanted}`;
  return { packageManager: "pnpm", command: `npx --yes ${tool} install --frozen-lockfile`, reason: `pnpm-lock.yaml found, ${tool}`, lockfile: "pnpm-lock.yaml", caveat: FETCH_CAVEAT(tool) };
}

async function yarnPlan(dir: string, pinned: Pin, tools: ImageTools): Promise<InstallPlan> {
  const version = pinned?.name === "yarn" ? pinned.version : null;
  const yarnrc = await readSmallFile(dir, ".yarnrc.yml");
  if (yarnrc !== null || (version && !version.startsWith("1"))) {
    // Yarn 2+ ("berry") projects usually commit their release (yarnPath) and spell "frozen" --immutable.
    const yarnPath = /^yarnPath:\s*["']?([^"'\n]+)/m.exec(yarnrc ?? "")?.[1]?.trim();
    if (yarnPath && /^[\w./-]+$/.test(yarnPath) && (await isRegularFile(dir, yarnPath))) {
      return { packageManager: "yarn", command: `node ${yarnPath} install --immutable`, reason: `yarn.lock found, Yarn release ${yarnPath}`, lockfile: "yarn.lock" };
    }
    const tool = `@yarnpkg/cli-dist@${version ?? "4"}`;
    return { packageManager: "yarn", command: `npx --yes --package=${tool} -- yarn install --immutable`, reason: `yarn.lock found, ${tool}`, lockfile: "yarn.lock", caveat: FETCH_CAVEAT(tool) };
  }
  if (tools.yarn) {
    return { packageManager: "yarn", command: "yarn install --frozen-lockfile", reason: `yarn.lock found, Yarn ${tools.yarn}`, lockfile: "yarn.lock" };
  }
  const tool = `yarn@${version ?? "1"}`;
  return { packageManager: "yarn", command: `npx --yes ${tool} install --frozen-lockfile`, reason: `yarn.lock found, ${tool}`, lockfile: "yarn.lock", caveat: FETCH_CAVEAT(tool) };
}

function bunPlan(lockfile: string, pinned: Pin, tools: ImageTools): InstallPlan {
  const version = pinned?.name === "bun" ? pinned.version : null;
  if (tools.bun && (!version || major(version) === major(tools.bun))) {
    return { packageManager: "bun", command: "bun install --frozen-lockfile", reason: `${lockfile} found, Bun ${tools.bun}`, lockfile };
  }
  const tool = `bun@${version ?? "1"}`;
  return { packageManager: "bun", command: `npx --yes ${tool} install --frozen-lockfile`, reason: `${lockfile} found, ${tool}`, lockfile, caveat: FETCH_CAVEAT(tool) };
}
