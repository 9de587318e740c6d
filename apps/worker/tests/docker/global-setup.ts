import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** DOCKER_HOST of a running engine, or "" when none could be started. */
    dockerHost: string;
    builderImage: string;
    /** Why Docker tests are skipped; "" when they run. */
    dockerUnavailable: string;
  }
}

const run = promisify(execFile);
const script = (name: string) => fileURLToPath(new URL(`../../../../scripts/docker/${name}`, import.meta.url));

/**
 * Starts (or finds) the engine and builds the builder image once for all files.
 * Only an engine that cannot start at all turns into skipped tests, and only
 * when REQUIRE_DOCKER is not set (CI sets it: there, no engine is a failure).
 */
export default async function setup(project: TestProject) {
  const builderImage = process.env.BUILD_IMAGE || "autostack/builder:node20";
  project.provide("builderImage", builderImage);
  let dockerHost: string;
  try {
    const { stdout } = await run(process.execPath, [script("ensure-docker.mjs")], { timeout: 300_000 });
    dockerHost = stdout.trim().split("\n").at(-1)!.replace(/^DOCKER_HOST=/, "");
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() || String(error);
    if (process.env.REQUIRE_DOCKER) throw new Error(`no Docker engine: ${stderr}`);
    console.warn(`Docker tests skipped: ${stderr}`);
    project.provide("dockerHost", "");
    project.provide("dockerUnavailable", stderr);
    return;
  }
  const started = performance.now();
  const built = await run(process.execPath, [script("build-builder-image.mjs")], {
    env: { ...process.env, DOCKER_HOST: dockerHost, BUILD_IMAGE: builderImage },
    timeout: 300_000,
  });
  console.log(`${built.stderr.trim()}\n[global-setup] engine ${dockerHost}, image ready in ${Math.round(performance.now() - started)} ms`);
  project.provide("dockerHost", dockerHost);
  project.provide("dockerUnavailable", "");
}
