import { inject } from "vitest";
import type { OutputStream } from "../../src/builder/output.js";
import type { BuildStep } from "../../src/builder/step.js";

export { makeTmp } from "../runners/build-harness.js";

export const bwrapUnavailable = inject("bwrapUnavailable");

/**
 * A worker's variables for building in bubblewrap sandboxes. DOCKER_HOST is
 * deliberately unreachable: the bubblewrap runner must not need Docker for anything.
 */
export const bubblewrapRunnerEnv = (): Record<string, string> => ({ BUILD_RUNNER: "bubblewrap", DOCKER_HOST: "tcp://127.0.0.1:1" });

const MiB = 1024 * 1024;

/** Defaults for a small, offline step; tests override what they check. */
export function sandboxStep(workDir: string, overrides: Partial<BuildStep> = {}): BuildStep & { lines: Record<OutputStream, string[]> } {
  const lines: Record<OutputStream, string[]> = { stdout: [], stderr: [] };
  return {
    command: "true",
    workDir,
    env: {},
    memoryBytes: 512 * MiB,
    nanoCpus: 1_000_000_000,
    pidsLimit: 256,
    timeoutMs: 20_000,
    network: "none",
    onLine: (stream, line) => lines[stream].push(line),
    ...overrides,
    lines,
  };
}
