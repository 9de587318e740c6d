import type { TestProject } from "vitest/node";
import { checkBubblewrap } from "../../src/builder/runners/bubblewrap/bubblewrap-runner.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Why the bubblewrap tests are skipped; "" when they run. */
    bwrapUnavailable: string;
  }
}

/**
 * Runs a trivial sandbox once. Without bwrap (or without user namespaces) the
 * tests are skipped with the reason, unless REQUIRE_BWRAP or CI is set: there
 * a missing sandbox is a failure (.ci/run installs bubblewrap).
 */
export default async function setup(project: TestProject) {
  const readiness = await checkBubblewrap();
  if (readiness.ready) {
    project.provide("bwrapUnavailable", "");
    return;
  }
  if (process.env.REQUIRE_BWRAP || process.env.CI) throw new Error(`bubblewrap tests cannot run: ${readiness.reason}`);
  console.warn(`bubblewrap tests skipped: ${readiness.reason} (set REQUIRE_BWRAP=1 to make this a failure)`);
  project.provide("bwrapUnavailable", readiness.reason);
}
