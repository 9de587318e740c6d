import { appendLogs, type LogLevel, type LogLineInput } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import type { Masker } from "./mask.js";
import type { OutputStream } from "./output.js";
import { DEFAULT_RETRY_DELAYS_MS, withRetries } from "./retry.js";

// A line waits at most this long before its write starts (while a write is
// under way, lines gather and go in the next one, whatever their number).
const FLUSH_INTERVAL_MS = 20;
const FLUSH_LINES = 500;
const MiB = 1024 * 1024;
// What a waiting line costs in memory besides its characters (object, date).
const LINE_OVERHEAD = 64;
// Lines waiting for the database: past HIGH_WATER `output` asks the source to
// pause (a promise; LineOutput holds a piped stream until it resolves, at half
// of it); past MAX_PENDING build output is dropped and counted, for sources
// that cannot pause. Either way memory stays bounded when the database is
// slower than the build's output.
const DEFAULT_HIGH_WATER_BYTES = 4 * MiB;
const DEFAULT_MAX_PENDING_BYTES = 16 * MiB;

export type AppendLogs = (lines: LogLineInput[]) => Promise<unknown>;

export interface LogSinkOptions {
  /** BUILD_LOG_LIMIT_MB in bytes: past it, build output is counted, not stored (platform lines still are). */
  limitBytes?: number;
  /**
   * Pauses before retrying a failed write (PostgreSQL restarting, a dropped
   * connection); only after them are its lines dropped, and counted in a
   * warning line written once the database is back.
   */
  retryDelaysMs?: readonly number[];
  highWaterBytes?: number;
  maxPendingBytes?: number;
}

/** Lines not stored, reported by one platform line at the next platform line or flush. */
interface Dropped {
  lines: number;
  bytes: number;
}

/**
 * Buffers a build's log lines and writes them in batches through appendLogs:
 * one write at a time, each taking every line gathered so far, started at
 * most 20 ms after its first line (or at once past 500 lines). So a fast
 * build makes few large writes and a slow one gets each line out promptly.
 * Every line is masked before it is buffered, so a secret never reaches the
 * database. A failing write is remembered and rethrown by `close`.
 *
 * Bounded: a deployment stores at most `limitBytes` of build output, and at
 * most a few MB wait for the database (see HIGH_WATER above); what is not
 * stored is counted and said in a warning line.
 */
export class LogSink {
  readonly #append: AppendLogs;
  readonly #mask: Masker;
  readonly #limitBytes: number;
  readonly #highWater: number;
  readonly #maxPending: number;
  #buffer: LogLineInput[] = [];
  #bufferCost = 0;
  #pendingCost = 0; // buffered and being written
  #storedBytes = 0;
  #overLimit: Dropped | undefined; // set once the limit is reached
  #overloaded: Dropped = { lines: 0, bytes: 0 };
  #unwritten: Dropped = { lines: 0, bytes: 0 };
  readonly #retryDelays: readonly number[];
  #room: { promise: Promise<void>; resolve: () => void } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #error: unknown;
  #discarded = false;

  constructor(append: AppendLogs, mask: Masker, options: LogSinkOptions = {}) {
    this.#append = append;
    this.#mask = mask;
    this.#limitBytes = options.limitBytes ?? Infinity;
    this.#highWater = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
    this.#maxPending = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.#retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  }

  static forDeployment(db: Database, deploymentId: string, mask: Masker, options: LogSinkOptions = {}): LogSink {
    return new LogSink((lines) => appendLogs(db, deploymentId, lines), mask, options);
  }

  /** A line of the platform's own (cloning, timings, errors): always stored. */
  platform(message: string, level: LogLevel = "info"): void {
    if (this.#discarded) return;
    this.#reportDropped();
    this.#push({ level, message: this.#mask(message), timestamp: new Date() });
  }

  /**
   * A line of build output: stdout is info, stderr a warning, or an error when
   * it says so. Returns a promise when the source should pause until it
   * resolves (too much is waiting for the database).
   */
  output(stream: OutputStream, line: string): Promise<void> | undefined {
    if (this.#discarded) return undefined;
    if (this.#overLimit) {
      // Not masked: it goes nowhere.
      this.#overLimit.lines++;
      this.#overLimit.bytes += Buffer.byteLength(line);
      return undefined;
    }
    const message = this.#mask(line);
    const bytes = Buffer.byteLength(message);
    if (this.#storedBytes + bytes > this.#limitBytes) {
      this.#overLimit = { lines: 1, bytes: Buffer.byteLength(line) };
      return undefined;
    }
    if (this.#pendingCost + message.length + LINE_OVERHEAD > this.#maxPending) {
      this.#overloaded.lines++;
      this.#overloaded.bytes += Buffer.byteLength(line);
      return this.#whenRoom();
    }
    this.#storedBytes += bytes;
    const level: LogLevel = stream === "stdout" ? "info" : /\berror\b/i.test(line) ? "error" : "warning";
    this.#push({ level, message, timestamp: new Date() });
    return this.#pendingCost > this.#highWater ? this.#whenRoom() : undefined;
  }

  /** Writes what is buffered; resolves when every write so far has finished. */
  async flush(): Promise<void> {
    if (!this.#discarded) this.#reportDropped();
    while (this.#buffer.length > 0 || this.#writing) await this.#write();
  }

  /**
   * Drops what is buffered and every later line, and waits for writes under
   * way: for a build whose deployment another worker has taken over.
   */
  async discard(): Promise<void> {
    this.#discarded = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#buffer = [];
    this.#pendingCost -= this.#bufferCost;
    this.#bufferCost = 0;
    this.#room?.resolve();
    this.#room = undefined;
    await this.#writing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#error) throw this.#error;
  }

  /** One warning line for each kind of line dropped since the last report. */
  #reportDropped(): void {
    const overLimit = this.#overLimit;
    if (overLimit && overLimit.lines > 0) {
      const limit = `${formatNumber(this.#limitBytes / MiB)} MB`;
      this.#push({ level: "warning", message: `Log limit of ${limit} reached: ${describeDropped(overLimit)} were not stored`, timestamp: new Date() });
      this.#overLimit = { lines: 0, bytes: 0 };
    }
    if (this.#unwritten.lines > 0) {
      this.#push({ level: "warning", message: `The log database could not be reached: ${describeDropped(this.#unwritten)} were not stored`, timestamp: new Date() });
      this.#unwritten = { lines: 0, bytes: 0 };
    }
    if (this.#overloaded.lines > 0) {
      this.#push({ level: "warning", message: `The log could not be written as fast as the build printed it: ${describeDropped(this.#overloaded)} were not stored`, timestamp: new Date() });
      this.#overloaded = { lines: 0, bytes: 0 };
    }
  }

  #push(line: LogLineInput): void {
    const cost = line.message.length + LINE_OVERHEAD;
    this.#buffer.push(line);
    this.#bufferCost += cost;
    this.#pendingCost += cost;
    // While a write is under way, the lines wait for it: it takes them next.
    if (this.#writing) return;
    if (this.#buffer.length >= FLUSH_LINES) void this.#write();
    else this.#timer ??= setTimeout(() => void this.#write(), FLUSH_INTERVAL_MS);
  }

  /** Resolves once at most half of the high-water mark waits for the database. */
  #whenRoom(): Promise<void> {
    // A paused source waits for this write: do not let it wait for the timer too.
    if (!this.#writing && this.#buffer.length > 0) void this.#write();
    if (!this.#room) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#room = { promise, resolve };
    }
    return this.#room.promise;
  }

  /** Starts the write loop unless it runs; resolves when it has drained the buffer. */
  #write(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
    return this.#writing;
  }

  #appendWithRetry(lines: LogLineInput[]): Promise<unknown> {
    return withRetries(() => this.#append(lines), { delaysMs: this.#retryDelays, isPermanent: () => this.#discarded });
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0) {
      const lines = this.#buffer;
      const cost = this.#bufferCost;
      this.#buffer = [];
      this.#bufferCost = 0;
      try {
        await this.#appendWithRetry(lines);
      } catch (error) {
        this.#error ??= error;
        this.#unwritten.lines += lines.length;
        this.#unwritten.bytes += lines.reduce((sum, line) => sum + Buffer.byteLength(line.message), 0);
      }
      this.#pendingCost -= cost;
      if (this.#room && this.#pendingCost <= this.#highWater / 2) {
        this.#room.resolve();
        this.#room = undefined;
      }
    }
  }
}

/** "1,234,567 more lines (61.2 MB)" */
function describeDropped({ lines, bytes }: Dropped): string {
  return `${formatNumber(lines)} more ${lines === 1 ? "line" : "lines"} (${(bytes / MiB).toFixed(1)} MB)`;
}

function formatNumber(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 1 });
}
