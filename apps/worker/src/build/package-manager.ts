import { existsSync } from "node:fs";
import path from "node:path";

// Which install command a project needs, read from its lockfile. The builder
// image ships node and npm only: pnpm and yarn come through corepack, which
// downloads them from the npm registry when the step runs — so they need
// BUILD_NETWORK=bridge and a reachable registry, and the log says so up front.

export type PackageManager = "npm" | "pnpm" | "yarn";

export interface InstallPlan {
  packageManager: PackageManager;
  command: string;
  /** Why this command, as a log line. */
  reason: string;
  /** A warning worth logging before the step runs (corepack needs the network). */
  caveat?: string;
}

const COREPACK_CAVEAT = (pm: PackageManager) =>
  `The builder image has only npm: ${pm} is fetched by corepack from the npm registry, which needs BUILD_NETWORK=bridge and registry access; without them the install fails. Set an install command to override.`;

/** The install step for the project in `dir`, or null when there is nothing to install (no package.json). */
export function detectInstall(dir: string): InstallPlan | null {
  const has = (file: string) => existsSync(path.join(dir, file));
  if (!has("package.json")) return null;
  if (has("package-lock.json") || has("npm-shrinkwrap.json")) {
    return { packageManager: "npm", command: "npm ci", reason: "package-lock.json found" };
  }
  if (has("pnpm-lock.yaml")) {
    return { packageManager: "pnpm", command: "corepack pnpm install --frozen-lockfile", reason: "pnpm-lock.yaml found", caveat: COREPACK_CAVEAT("pnpm") };
  }
  if (has("yarn.lock")) {
    // Yarn 2+ projects carry .yarnrc.yml and spell "frozen" --immutable.
    const flag = has(".yarnrc.yml") ? "--immutable" : "--frozen-lockfile";
    return { packageManager: "yarn", command: `corepack yarn install ${flag}`, reason: "yarn.lock found", caveat: COREPACK_CAVEAT("yarn") };
  }
  return { packageManager: "npm", command: "npm install", reason: "package.json without a lockfile" };
}
