import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

// Which install command a project needs, read from its lockfile. The builder
// image ships node and npm only: pnpm and yarn are fetched by npx from the
// npm registry at the version the project pins (package.json's
// `packageManager`, else the one its lockfile format implies), so they need
// BUILD_NETWORK=bridge and a reachable registry, and the log says so up front.
// (Not corepack: the one bundled with Node 20 rejects current pnpm signatures.)

export type PackageManager = "npm" | "pnpm" | "yarn";

export interface InstallPlan {
  packageManager: PackageManager;
  command: string;
  /** Why this command, as a log line. */
  reason: string;
  /** A warning worth logging before the step runs (the tool is fetched from the registry). */
  caveat?: string;
}

const FETCH_CAVEAT = (tool: string) =>
  `The builder image has only npm: ${tool} is fetched with npx from the npm registry, which needs BUILD_NETWORK=bridge and registry access; without them the install fails. Set an install command to override.`;

/** A version spec safe to put in a command line ("9", "9.1.0", "10.0.0-rc.1"), or null. */
function safeVersion(version: string | undefined): string | null {
  return version && /^\d+(\.\d+){0,2}(-[0-9A-Za-z.]+)?$/.test(version) ? version : null;
}

/** `packageManager: "pnpm@9.1.0+sha512…"` → { name: "pnpm", version: "9.1.0" }. */
export function pinnedPackageManager(packageJson: string): { name: string; version: string | null } | null {
  try {
    const field = (JSON.parse(packageJson) as { packageManager?: unknown }).packageManager;
    if (typeof field !== "string") return null;
    const match = /^(npm|pnpm|yarn)@([^+]+)/.exec(field.trim());
    return match ? { name: match[1]!, version: safeVersion(match[2]) } : null;
  } catch {
    return null;
  }
}

/** The pnpm major that writes a lockfile format: v9 → 9 (10 reads it too), v6 → 8, v5.x → 7. */
export function pnpmForLockfile(lockfile: string): string {
  const match = /^lockfileVersion:\s*'?(\d+)/m.exec(lockfile);
  const format = match ? Number(match[1]) : 9;
  if (format >= 9) return "9";
  if (format >= 6) return "8";
  return "7";
}

/** The install step for the project in `dir`, or null when there is nothing to install (no package.json). */
export function detectInstall(dir: string): InstallPlan | null {
  const has = (file: string) => existsSync(path.join(dir, file));
  const read = (file: string) => readFileSync(path.join(dir, file), "utf8");
  if (!has("package.json")) return null;
  const pinned = pinnedPackageManager(read("package.json"));
  if (has("package-lock.json") || has("npm-shrinkwrap.json")) {
    return { packageManager: "npm", command: "npm ci", reason: "package-lock.json found" };
  }
  if (has("pnpm-lock.yaml")) {
    const version = (pinned?.name === "pnpm" ? pinned.version : null) ?? pnpmForLockfile(read("pnpm-lock.yaml"));
    const tool = `pnpm@${version}`;
    return { packageManager: "pnpm", command: `npx --yes ${tool} install --frozen-lockfile`, reason: `pnpm-lock.yaml found, ${tool}`, caveat: FETCH_CAVEAT(tool) };
  }
  if (has("yarn.lock")) {
    const version = pinned?.name === "yarn" ? pinned.version : null;
    if (has(".yarnrc.yml") || (version && !version.startsWith("1"))) {
      // Yarn 2+ ("berry") projects usually commit their release (yarnPath) and spell "frozen" --immutable.
      const yarnPath = /^yarnPath:\s*["']?([^"'\n]+)/m.exec(has(".yarnrc.yml") ? read(".yarnrc.yml") : "")?.[1]?.trim();
      if (yarnPath && /^[\w./-]+$/.test(yarnPath) && !yarnPath.startsWith("/") && !yarnPath.split("/").includes("..") && has(yarnPath)) {
        return { packageManager: "yarn", command: `node ${yarnPath} install --immutable`, reason: `yarn.lock found, Yarn release ${yarnPath}` };
      }
      const tool = `@yarnpkg/cli-dist@${version ?? "4"}`;
      return { packageManager: "yarn", command: `npx --yes --package=${tool} -- yarn install --immutable`, reason: `yarn.lock found, ${tool}`, caveat: FETCH_CAVEAT(tool) };
    }
    const tool = `yarn@${version ?? "1"}`;
    return { packageManager: "yarn", command: `npx --yes ${tool} install --frozen-lockfile`, reason: `yarn.lock found, ${tool}`, caveat: FETCH_CAVEAT(tool) };
  }
  return { packageManager: "npm", command: "npm install", reason: "package.json without a lockfile" };
}
