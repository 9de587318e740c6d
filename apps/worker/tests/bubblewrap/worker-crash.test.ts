import { readdir, readFile } from "node:fs/promises";
import { describe } from "vitest";
import type {} from "../../vitest.global-setup.js";
import { workerCrashCases } from "../runners/worker-crash-cases.js";
import { bubblewrapRunnerEnv, bwrapUnavailable } from "./helpers.js";

// The built worker with BUILD_RUNNER=bubblewrap, end to end (the cases of
// every runner in ../runners): it builds in a sandbox without any Docker
// engine (DOCKER_HOST points nowhere), and a SIGKILL mid-build takes the
// sandbox down with the worker (--die-with-parent), so the retry on the next
// worker runs alone and succeeds.

/** Host processes whose command line has `marker` as one argument. */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.split("\0").includes(marker)) found.push(Number(entry));
  }
  return found;
}

describe.skipIf(bwrapUnavailable)("a worker process with BUILD_RUNNER=bubblewrap SIGKILLed mid-build", () => {
  workerCrashCases({
    name: "bwrap-crash",
    runnerEnv: bubblewrapRunnerEnv(),
    leftover: "sandbox",
    // A sandbox carries no label of its worker: its processes are found by the marker of the build command.
    buildsOf: async (_worker, marker) => (await processesWith(marker)).map(() => ({ running: true })),
    diesWithWorker: true,
  });
});
