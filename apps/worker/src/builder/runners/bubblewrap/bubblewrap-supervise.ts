import { spawn } from "node:child_process";
import os from "node:os";
import type { Readable, Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { SYSTEM_PATH } from "./bubblewrap-host.js";
import { LineOutput } from "../../output.js";
import { StepSetupError, type BuildStep, type RunResult } from "../../step.js";
import { BUILDER_GID, BUILDER_UID } from "../../work-dir.js";

// Running one sandbox: spawn prlimit/bwrap with an argv (never a shell), feed
// bwrap its options on fd 3, stream the output, and stop it on timeout or
// cancel by killing its process group; tell a sandbox that never started
// (bwrap's complaint) from a command that failed.

// A killed sandbox is gone within milliseconds; more means something is badly wrong.
const KILL_WAIT_MS = 5000;

const OUTPUT_DRAIN_MS = 2000;

const MAX_TIMER_MS = 2 ** 31 - 1;

type Ending = "exited" | "timeout" | "cancelled";

export async function supervise(
  step: BuildStep,
  command: { file: string; args: string[] },
  bwrapOptions: string[],
  asBuilder: boolean,
  result: (partial: Omit<RunResult, "durationMs">) => RunResult,
): Promise<RunResult> {
  let sandboxStarted = false;
  const diagnostics: string[] = [];
  const output = new LineOutput((stream, line) => {
    // Before the command starts only bwrap or prlimit can write: keep their complaint for the error message.
    if (stream === "stderr" && !sandboxStarted && diagnostics.length < 3) diagnostics.push(line);
    return step.onLine(stream, line);
  });
  const child = spawn(command.file, command.args, {
    cwd: "/",
    // Only this, never the worker's or the deployment's variables (those reach the sandbox through --setenv).
    env: { PATH: SYSTEM_PATH },
    stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
    detached: true, // its own process group, so that a kill reaches bwrap and prlimit whatever they are at
    ...(asBuilder ? { uid: BUILDER_UID, gid: BUILDER_GID } : {}),
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const spawnFailed = new Promise<Error>((resolve) => child.once("error", resolve));
  const [, stdout, stderr, argsPipe, startedPipe] = child.stdio as unknown as [null, Readable, Readable, Writable, Readable];
  const drained = Promise.all([streamEnd(stdout), streamEnd(stderr)]);
  stdout.pipe(output.stdout);
  stderr.pipe(output.stderr);
  const startedEnd = streamEnd(startedPipe);
  startedPipe.on("data", () => {
    sandboxStarted = true;
  });
  argsPipe.on("error", () => undefined); // EPIPE when bwrap died first: its exit status tells
  argsPipe.end(bwrapOptions.map((arg) => `${arg}\0`).join(""));

  const kill = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // ESRCH: already gone
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const stopRequested = new Promise<Ending>((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.min(Math.max(step.timeoutMs, 0), MAX_TIMER_MS));
      onAbort = () => resolve("cancelled");
      if (step.signal?.aborted) onAbort();
      else step.signal?.addEventListener("abort", onAbort, { once: true });
    });
    const ending = await Promise.race([
      exited.then(() => "exited" as const),
      stopRequested,
      spawnFailed.then((error) => {
        throw new StepSetupError(`The build sandbox could not start: ${error.message}`);
      }),
    ]);
    if (ending !== "exited") kill();
    const status = await Promise.race([
      exited,
      delay(KILL_WAIT_MS, undefined, { ref: false }).then(() => {
        throw new Error(`the build sandbox did not exit within ${KILL_WAIT_MS} ms of being killed`);
      }),
    ]);
    await Promise.race([Promise.all([drained, startedEnd]), delay(OUTPUT_DRAIN_MS, undefined, { ref: false })]);
    output.flush();
    output.rethrow();
    const exitCode = status.code ?? 128 + (os.constants.signals[status.signal ?? "SIGKILL"] ?? 9);
    if (ending === "exited" && !sandboxStarted) {
      const why = diagnostics.find((line) => /^(bwrap|prlimit):/.test(line)) ?? diagnostics[0] ?? `exit status ${exitCode}`;
      throw new StepSetupError(`The build sandbox could not start: ${why}`);
    }
    return result({
      exitCode,
      // No cgroup, so no OOM event: a SIGKILL we did not send is the kernel's OOM killer (as for Docker without the event).
      oomKilled: ending === "exited" && exitCode === 137,
      timedOut: ending === "timeout",
      cancelled: ending === "cancelled",
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) step.signal?.removeEventListener("abort", onAbort);
    if (child.exitCode === null && child.signalCode === null) kill();
    stdout.destroy();
    stderr.destroy();
    startedPipe.destroy();
  }
}

function streamEnd(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
  });
}
