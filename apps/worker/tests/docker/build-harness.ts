import { useBuildHarness as useRunnerBuildHarness, type BuildHarness } from "../runners/build-harness.js";
import { dockerRunnerEnv } from "./helpers.js";

// What every file that runs whole builds in Docker needs: the harness of
// ../runners (a database of its own, a DATA_DIR in a temporary directory, one
// user, a way to run a deployment's build and read its log) with the engine
// and builder image of the global setup. Registers its own beforeAll/afterAll;
// read the fields in tests.

export { readText, type BuildHarness } from "../runners/build-harness.js";

export function useBuildHarness(name: string, overrides: Record<string, string> = {}): BuildHarness {
  return useRunnerBuildHarness(name, { ...dockerRunnerEnv(), ...overrides });
}
