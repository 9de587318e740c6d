import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { createDockerClient } from "../../src/builder/runners/docker/docker-client.js";
import type { OutputStream, RunInContainerOptions } from "../../src/builder/runners/docker/docker-runner.js";

export const dockerUnavailable = inject("dockerUnavailable");
export const builderImage = inject("builderImage");
export const docker = createDockerClient(inject("dockerHost") || undefined);

/** A worker's variables for building with the engine and builder image of the global setup (BUILD_RUNNER=docker is the default). */
export const dockerRunnerEnv = (): Record<string, string> => ({ BUILD_RUNNER: "docker", DOCKER_HOST: inject("dockerHost"), BUILD_IMAGE: builderImage });

const MiB = 1024 * 1024;
/**
 * Labels the containers of this test process: files run in parallel against
 * one engine (the worker-crash test's workers build meanwhile), so "nothing
 * left behind" can only be asked about one's own containers.
 */
const TEST_RUN_LABEL = "autostack.test-run";
const testRun = `${process.pid}-${Date.now()}`;

/** Defaults for a small, offline build step; tests override what they check. */
export function stepOptions(workDir: string, overrides: Partial<RunInContainerOptions> = {}): RunInContainerOptions & { lines: Record<OutputStream, string[]> } {
  const lines: Record<OutputStream, string[]> = { stdout: [], stderr: [] };
  return {
    image: builderImage,
    command: "true",
    workDir,
    env: {},
    memoryBytes: 256 * MiB,
    nanoCpus: 1_000_000_000,
    pidsLimit: 256,
    timeoutMs: 20_000,
    network: "none",
    labels: { [TEST_RUN_LABEL]: testRun },
    onLine: (stream, line) => lines[stream].push(line),
    ...overrides,
    lines,
  };
}

/** A fresh host work directory, removed by the returned cleanup. */
export async function makeWorkDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "autostack-build-test-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The managed containers that this test process created and that still exist. */
export async function managedContainers(): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: ["autostack.managed=true", `${TEST_RUN_LABEL}=${testRun}`] } });
  return list.map((container) => container.Id);
}
