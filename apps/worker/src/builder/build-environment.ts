import { resolveNodeMajor, type BuildSpec } from "@autostack/api/services";
import { CACHE_MOUNT, cacheEnv, cacheKey, projectCache, type ProjectCache } from "./build-cache.js";
import { detectInstall, type InstallPlan } from "./package-manager.js";
import { hashFile, readPackageJson } from "./repo-files.js";
import type { NodeRuntime, StepMount, Toolchains } from "./step.js";

// What a build's steps run with, decided once after the checkout: the
// install command, the Node.js (project setting, else package.json's
// engines.node, else the default), the package managers' cache and the
// restored node_modules and framework caches.

export interface BuildEnvironmentInput {
  spec: Pick<BuildSpec, "projectId" | "installCommand" | "nodeVersion" | "rootDirectory">;
  /** The project directory on the host (checkout + rootDirectory), real path. */
  projectDir: string;
  toolchains: Toolchains;
  dataDir: string;
  cacheMb: number;
}

export interface BuildEnvironment {
  install: InstallPlan | null;
  runtime: NodeRuntime | null;
  /** Variables every step gets before the deployment's own. */
  env: Record<string, string>;
  mounts: StepMount[];
  cache: ProjectCache | null;
  cacheKey: string | null;
  /** Log lines that explain the choices. */
  notes: { text: string; level: "info" | "warning" }[];
}

/** A failure the user must fix (the deployment's error message). */
export class BuildEnvironmentError extends Error {}

export async function prepareBuildEnvironment(input: BuildEnvironmentInput): Promise<BuildEnvironment> {
  const { spec, projectDir, toolchains } = input;
  const notes: BuildEnvironment["notes"] = [];
  const packageJson = await readPackageJson(projectDir);
  const install = await installStep(spec.installCommand, projectDir, toolchains);

  const runtime = pickRuntime(spec.nodeVersion, packageJson, toolchains, notes);
  const env: Record<string, string> = {};
  const mounts: StepMount[] = [];
  if (runtime) {
    env.PATH = runtime.path;
    // node-gyp compiles native addons against these headers instead of downloading them.
    env.npm_config_nodedir = runtime.prefix;
    if (runtime.hostDir) mounts.push({ source: runtime.hostDir, target: runtime.prefix, readOnly: true });
  }

  const cache = projectCache(input.dataDir, spec.projectId, input.cacheMb);
  let key: string | null = null;
  if (cache) {
    await cache.open();
    mounts.push({ source: cache.packagesDir, target: CACHE_MOUNT, readOnly: false });
    Object.assign(env, cacheEnv());
    if (install) {
      const manifestHash = await hashFile(projectDir, install.lockfile ?? "package.json");
      key = cacheKey({ manifestHash, nodeMajor: runtime?.major ?? "image", installCommand: install.command, rootDirectory: spec.rootDirectory });
    }
    const { restored, modulesMiss } = await cache.restore(projectDir, install ? key : null);
    const missing = install && modulesMiss ? `; node_modules not restored: ${modulesMiss}` : "";
    notes.push({ text: restored.length ? `Build cache: restored ${restored.join(", ")}${missing}` : `Build cache: package store only${missing}`, level: "info" });
  }
  return { install, runtime, env, mounts, cache, cacheKey: key, notes };
}

/** An explicit install command wins ("" skips the step); otherwise the lockfile decides. */
async function installStep(configured: string | null, projectDir: string, toolchains: Toolchains): Promise<InstallPlan | null> {
  if (configured === null) return detectInstall(projectDir, toolchains.tools);
  if (!configured.trim()) return null;
  return { packageManager: "npm", command: configured, reason: "install command of the deployment", lockfile: null };
}

function pickRuntime(setting: string | null, packageJson: Record<string, unknown> | null, toolchains: Toolchains, notes: BuildEnvironment["notes"]): NodeRuntime | null {
  if (toolchains.node.length === 0) return null;
  const engines = packageJson?.engines;
  const enginesNode = engines && typeof engines === "object" ? (engines as Record<string, unknown>).node : undefined;
  const wanted = resolveNodeMajor(setting, typeof enginesNode === "string" ? enginesNode : undefined);
  const exact = toolchains.node.find((runtime) => runtime.major === wanted.major);
  if (exact) {
    notes.push({ text: `Node.js ${exact.version} ${wanted.reason}`, level: "info" });
    return exact;
  }
  const available = toolchains.node.map((runtime) => runtime.major).join(", ");
  if (setting) throw new BuildEnvironmentError(`Node.js ${wanted.major} is not available to builds here (available: ${available})`);
  const fallback = toolchains.node.find((runtime) => runtime.major === "20") ?? toolchains.node.at(-1)!;
  notes.push({ text: `Node.js ${wanted.major} is not available here (${wanted.reason}); using Node.js ${fallback.version}`, level: "warning" });
  return fallback;
}
