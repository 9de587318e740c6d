import { setTimeout as delay } from "node:timers/promises";
import type Docker from "dockerode";
import type { Readable } from "node:stream";
import { containerSpec, type ContainerSpecInput } from "./container-spec.js";
import { demultiplex } from "./docker-demux.js";
import { LineOutput, type OnLine } from "../../output.js";
import type { RunResult } from "../../step.js";
import { prepareWorkDir } from "../../work-dir.js";

export type { OutputStream } from "../../output.js";
export type { RunResult } from "../../step.js";

export interface RunInContainerOptions extends ContainerSpecInput {
  /** Wall-clock limit from start; then the container is stopped and `timedOut` set. */
  timeoutMs: number;
  /** Aborting stops the container and sets `cancelled`. */
  signal?: AbortSignal;
  /** One call per output line, in order per stream. Must not throw (errors are rethrown after cleanup). */
  onLine: OnLine;
}

// SIGTERM, 1 s grace, SIGKILL: done by the engine's stop. Each call is bounded
// so that a wedged engine cannot hold a cancelled build beyond ~5 s.
const STOP_GRACE_SECONDS = 1;
const STOP_CALL_MS = 3000;
const KILL_CALL_MS = 1500;
// After exit the attach stream normally ends at once; do not wait forever.
const OUTPUT_DRAIN_MS = 2000;
const MAX_TIMER_MS = 2 ** 31 - 1;
// A stopped or killed container that still has not exited means the engine is in trouble.
const STOPPED_WAIT_MS = 5000;

/**
 * Runs `command` with `sh -c` in a fresh container of `image` with `workDir`
 * mounted at /workspace, streams its output line by line, and always removes
 * the container, whatever happens.
 */
export async function runInContainer(docker: Docker, options: RunInContainerOptions): Promise<RunResult> {
  const started = performance.now();
  const result = (partial: Omit<RunResult, "durationMs">): RunResult => ({ ...partial, durationMs: Math.round(performance.now() - started) });
  const spec = containerSpec(options); // validates before anything is created
  if (options.signal?.aborted) return result({ exitCode: null, oomKilled: false, timedOut: false, cancelled: true });

  await prepareWorkDir(options.workDir);
  for (const mount of options.mounts ?? []) if (!mount.readOnly) await prepareWorkDir(mount.source);
  const container = await docker.createContainer(spec);
  const output = new LineOutput(options.onLine);
  let attached: NodeJS.ReadWriteStream | undefined;
  try {
    attached = await container.attach({ stream: true, stdout: true, stderr: true });
    const drained = streamEnd(attached);
    demultiplex(attached as unknown as Readable, output.stdout, output.stderr);
    // Registered before start: "next-exit" cannot miss a command that ends at once.
    const exited: Promise<{ StatusCode: number }> = container.wait({ condition: "next-exit" });
    exited.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
    await container.start();

    const ending = await superviseUntilExit(container, exited, options.timeoutMs, options.signal);
    const { StatusCode: exitCode } = await (ending === "exited" ? exited : withDeadline(exited, STOPPED_WAIT_MS));
    await Promise.race([drained, delay(OUTPUT_DRAIN_MS, undefined, { ref: false })]);
    output.flush();
    const state = (await container.inspect()).State;
    const stopped = ending !== "exited";
    output.rethrow();
    return result({
      exitCode,
      // The engine sets OOMKilled for any OOM kill in the container, even one
      // the shell survived. 137 (SIGKILL) that we did not send is the kernel's
      // too: covers engines that miss the OOM event.
      oomKilled: state.OOMKilled || (!stopped && exitCode === 137),
      timedOut: ending === "timeout",
      cancelled: ending === "cancelled",
    });
  } finally {
    (attached as (NodeJS.ReadWriteStream & { destroy?: () => void }) | undefined)?.destroy?.();
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

type Ending = "exited" | "timeout" | "cancelled";

/** Resolves when the command exits by itself, or stops it on timeout/abort. */
async function superviseUntilExit(container: Docker.Container, exited: Promise<unknown>, timeoutMs: number, signal?: AbortSignal): Promise<Ending> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopRequested = new Promise<Ending>((resolve) => {
    timer = setTimeout(() => resolve("timeout"), Math.min(Math.max(timeoutMs, 0), MAX_TIMER_MS));
    onAbort = () => resolve("cancelled");
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const ending = await Promise.race([exited.then(() => "exited" as const), stopRequested]);
    if (ending !== "exited") await stopContainer(container, exited);
    return ending;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

async function stopContainer(container: Docker.Container, exited: Promise<unknown>): Promise<void> {
  // dockerode forwards abortSignal to the HTTP request; its typings omit it.
  const stopOptions = { t: STOP_GRACE_SECONDS, abortSignal: AbortSignal.timeout(STOP_CALL_MS) } as Docker.ContainerStopOptions;
  await container.stop(stopOptions).catch(() => undefined); // 304: already stopped
  const gone = await Promise.race([exited.then(() => true, () => true), delay(200, undefined, { ref: false }).then(() => false)]);
  if (!gone) await container.kill({ signal: "SIGKILL", abortSignal: AbortSignal.timeout(KILL_CALL_MS) }).catch(() => undefined);
}

async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  const timeout = delay(ms, undefined, { ref: false }).then(() => {
    throw new Error(`container did not exit within ${ms} ms of being stopped`);
  });
  return Promise.race([promise, timeout]);
}

function streamEnd(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve()); // a broken attach loses output, not the result
  });
}
