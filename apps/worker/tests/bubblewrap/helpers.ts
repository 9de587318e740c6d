import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import type { OutputStream } from "../../src/builder/output.js";
import type { BuildStep } from "../../src/builder/step.js";

export const bwrapUnavailable = inject("bwrapUnavailable");

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

/**
 * A fresh host directory that the builder user can reach: mkdtemp makes it
 * 0700, and a root worker runs the sandbox as uid 1000, which must be able
 * to enter the parents of the checkout (the runner says so when it cannot).
 */
export async function makeTmp(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
