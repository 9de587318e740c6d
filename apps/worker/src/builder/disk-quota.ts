import type { Stats } from "node:fs";
import { lstat, opendir } from "node:fs/promises";
import path from "node:path";

// BUILD_DISK_MB: the disk one build may fill, checked while it runs.
//
// What counts: everything below the build's host work directory
// (DATA_DIR/builds/<id>: the checkout, a restored node_modules, whatever the
// steps write at /workspace) plus, with the Docker runner, the writable layer
// of the running step's container ($HOME and other paths outside /workspace;
// layer-usage.ts), plus what it adds to a writable mount that outlives it
// (the build cache at /cache: its growth since the watch included it). Not
// counted: /tmp, a tmpfs already bounded by the memory limit, and under
// bubblewrap the sandbox's $HOME, a per-step host directory the runner keeps
// to itself (runners/bubblewrap/bubblewrap-runner.ts).
//
// How: a walk with lstat (symlinks are never followed, so a link to a large
// host file costs nothing) that stops as soon as the total passes the limit.
// Over the limit, the watch's signal aborts and the pipeline stops the running
// step as it would for a cancel.

/** The watch's abort reason. */
export class DiskQuotaExceeded extends Error {
  override name = "DiskQuotaExceeded";
}

const VANISHED = new Set(["ENOENT", "ENOTDIR"]);
// A directory the worker may not read (a worker that is neither root nor the
// builder) is skipped: what it holds cannot be measured without privileges.
const UNREADABLE = new Set(["EACCES", "EPERM"]);

function skippable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  return VANISHED.has(code) || UNREADABLE.has(code);
}

/**
 * The disk an entry takes: a regular file its size, or its allocated blocks
 * when more (many small files); anything else (directories, symlinks) its
 * blocks. A file with several hard links counts once.
 */
function footprint(stat: Stats, seen: Set<string>): number {
  if (stat.nlink > 1 && !stat.isDirectory()) {
    const inode = `${stat.dev}:${stat.ino}`;
    if (seen.has(inode)) return 0;
    seen.add(inode);
  }
  const allocated = (stat.blocks ?? 0) * 512;
  return stat.isFile() ? Math.max(stat.size, allocated) : allocated;
}

/**
 * Bytes on disk below `dir` (not itself), never following symlinks; stops as
 * soon as the total passes `limitBytes` and returns what it has counted then.
 * Entries that vanish while it walks (the build is running) are skipped; a
 * missing `dir` is 0.
 */
export async function diskUsage(dir: string, limitBytes: number): Promise<number> {
  let total = 0;
  const seen = new Set<string>();
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let entries;
    try {
      entries = await opendir(current);
    } catch (error) {
      if (skippable(error)) continue;
      throw error;
    }
    for await (const entry of entries) {
      const full = path.join(current, entry.name);
      let stat: Stats;
      try {
        stat = await lstat(full);
      } catch (error) {
        if (skippable(error)) continue;
        throw error;
      }
      if (stat.isDirectory()) pending.push(full);
      total += footprint(stat, seen);
      if (total > limitBytes) return total; // leaving the loop closes the directory
    }
  }
  return total;
}

export interface DiskQuotaOptions {
  /** The host work directory of the build. */
  dir: string;
  limitBytes: number;
  /** Pause between two measurements (default 2 s); stretched to 4× the last measurement's duration so that walking a big tree stays below a fifth of the time. */
  intervalMs?: number;
  /** Bytes the build holds elsewhere (a container's writable layer); a failure counts as 0 for that measurement. */
  otherUsage?: (signal: AbortSignal) => Promise<number>;
}

export interface DiskQuotaWatch {
  /** Aborts (reason: DiskQuotaExceeded) once a measurement is over the limit. */
  readonly signal: AbortSignal;
  exceeded(): boolean;
  /** Also counts what is added to `dir` from now on (its size now is the baseline); measures it once in full. */
  include(dir: string): Promise<void>;
  /** Measures now, after any measurement under way; resolves whether the build is over the limit. */
  check(): Promise<boolean>;
  stop(): void;
}

const OTHER_USAGE_TIMEOUT_MS = 10_000;

export function watchDiskQuota(options: DiskQuotaOptions): DiskQuotaWatch {
  const { dir, limitBytes } = options;
  const intervalMs = options.intervalMs ?? 2000;
  const controller = new AbortController();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  const included: Array<{ dir: string; baseline: number }> = [];

  async function measure(): Promise<boolean> {
    const other = options.otherUsage ? options.otherUsage(AbortSignal.timeout(OTHER_USAGE_TIMEOUT_MS)).catch(() => 0) : Promise.resolve(0);
    // A walk that fails outright (not an entry that vanished) measures nothing this time.
    const growth = included.map(({ dir: extra, baseline }) =>
      diskUsage(extra, baseline + limitBytes).then((bytes) => Math.max(0, bytes - baseline), () => 0),
    );
    const [local, elsewhere, ...grown] = await Promise.all([diskUsage(dir, limitBytes).catch(() => 0), other, ...growth]);
    const over = grown.reduce((sum, bytes) => sum + bytes, local + elsewhere) > limitBytes;
    if (over && !controller.signal.aborted) controller.abort(new DiskQuotaExceeded(`more than ${limitBytes} bytes of disk used`));
    return over;
  }

  function run(): Promise<boolean> {
    running ??= measure().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(delayMs: number): void {
    if (stopped || controller.signal.aborted) return;
    timer = setTimeout(() => {
      const started = performance.now();
      void run().then(() => schedule(Math.max(intervalMs, (performance.now() - started) * 4)));
    }, delayMs);
    timer.unref();
  }
  schedule(intervalMs);

  return {
    signal: controller.signal,
    exceeded: () => controller.signal.aborted,
    async include(extra) {
      included.push({ dir: extra, baseline: await diskUsage(extra, Infinity) });
    },
    async check() {
      if (controller.signal.aborted) return true;
      await running; // it may have started before the last writes
      return run();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
