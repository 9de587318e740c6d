import { describe, expect, it } from "vitest";
import { DEPLOYMENT_LABEL, WORKER_LABEL } from "../../src/builder/runners/docker/container-spec.js";
import type {} from "../../vitest.global-setup.js";
import { HEARTBEAT_TIMEOUT_MS, PROMISE_MS, workerCrashCases } from "../runners/worker-crash-cases.js";
import { killWorker, parseLogLine, waitFor } from "../worker-process.js";
import { docker, dockerRunnerEnv, dockerUnavailable } from "./helpers.js";

// A worker process SIGKILLed mid-build with BUILD_RUNNER=docker (ADR 0009):
// the cases of every runner in ../runners. Its container outlives it; the
// next worker's sweep removes it. Here also: the retry's worker killed too.

const containers = async (label: string, value: string, state?: string) =>
  (await docker.listContainers({ all: true, filters: { label: [`${label}=${value}`] } })).filter((c) => !state || c.State === state);

describe.skipIf(dockerUnavailable !== "")("a worker process SIGKILLed mid-build", () => {
  const crash = workerCrashCases({
    name: "worker-crash",
    runnerEnv: { ...dockerRunnerEnv(), BUILD_MEMORY_MB: "256" },
    leftover: "container",
    buildsOf: async (worker) => (await containers(WORKER_LABEL, worker.id)).map((container) => ({ running: container.State === "running" })),
    diesWithWorker: false,
    removeLeftovers: async (ids) => {
      for (const container of await docker.listContainers({ all: true, filters: { label: [DEPLOYMENT_LABEL] } })) {
        if (ids.includes(container.Labels[DEPLOYMENT_LABEL] ?? "")) await docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined);
      }
    },
  });

  it("fails the deployment with the reason, and no third attempt, when the retry's worker is SIGKILLed too", async () => {
    const started = Date.now();
    const first = await crash.startWorker();
    const { id, marker } = await crash.deploy("crash-twice", 60);
    await crash.waitUntilBuilding(id, marker, first, 1);
    await killWorker(first);

    const second = await crash.startWorker();
    await crash.waitUntilBuilding(id, marker, second, 2);
    expect(await containers(WORKER_LABEL, first.id)).toEqual([]);
    const killedAt = await killWorker(second);

    const third = await crash.startWorker();
    const reason = `The build worker (${second.id}) stopped responding (no heartbeat for over 5 s). The build was already retried once; giving up.`;
    const failed = await waitFor(
      async () => {
        const row = await crash.deployment(id);
        return row.status === "failed" ? row : null;
      },
      { timeoutMs: PROMISE_MS, what: "the deployment to fail" },
    );
    const failedAfter = Date.now() - killedAt;
    expect(failedAfter).toBeLessThan(PROMISE_MS);
    expect(failed).toMatchObject({ attempts: 2, errorMessage: reason });
    await waitFor(async () => (await containers(DEPLOYMENT_LABEL, id)).length === 0, { timeoutMs: PROMISE_MS - failedAfter, what: "the orphans' removal" });

    // Several sweeps of the live worker later: still failed, never started a third time.
    await new Promise((resolve) => setTimeout(resolve, 2 * HEARTBEAT_TIMEOUT_MS));
    const lines = await crash.logs(id);
    expect((await crash.deployment(id)).status).toBe("failed");
    expect(lines.filter((line) => line === "info: attempt started")).toHaveLength(2);
    expect(lines.filter((line) => line.includes("Retrying the build"))).toHaveLength(1);
    expect(lines.at(-1)).toBe(`error: ${reason}`);
    expect(await crash.buildJobs()).toEqual([]);
    expect(await containers(DEPLOYMENT_LABEL, id)).toEqual([]);
    // The live worker did no build and logged no error of its own.
    expect(third.lines.map(parseLogLine).filter((entry) => entry && Number(entry.level) >= 50)).toEqual([]);
    console.log(`second SIGKILL → failed ${(failedAfter / 1000).toFixed(1)} s; whole test ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 90_000);
});
