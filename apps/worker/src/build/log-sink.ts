import { appendLogs, type LogLevel, type LogLineInput } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import type { Masker } from "./mask.js";
import type { OutputStream } from "./output.js";

// A line waits at most this long before its write starts (while a write is
// under way, lines gather and go in the next one, whatever their number).
const FLUSH_INTERVAL_MS = 20;
const FLUSH_LINES = 500;

export type AppendLogs = (lines: LogLineInput[]) => Promise<unknown>;

/**
 * Buffers a build's log lines and writes them in batches through appendLogs:
 * one write at a time, each taking every line gathered so far, started at
 * most 20 ms after its first line (or at once past 500 lines). So a fast
 * build makes few large writes and a slow one gets each line out promptly.
 * Every line is masked before it is buffered, so a secret never reaches the
 * database. A failing write is remembered and rethrown by `close`.
 */
export class LogSink {
  readonly #append: AppendLogs;
  readonly #mask: Masker;
  #buffer: LogLineInput[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #error: unknown;
  #discarded = false;

  constructor(append: AppendLogs, mask: Masker) {
    this.#append = append;
    this.#mask = mask;
  }

  static forDeployment(db: Database, deploymentId: string, mask: Masker): LogSink {
    return new LogSink((lines) => appendLogs(db, deploymentId, lines), mask);
  }

  /** A line of the platform's own (cloning, timings, errors). */
  platform(message: string, level: LogLevel = "info"): void {
    this.#push({ level, message: this.#mask(message), timestamp: new Date() });
  }

  /** A line of build output: stdout is info, stderr a warning, or an error when it says so. */
  output(stream: OutputStream, line: string): void {
    const level: LogLevel = stream === "stdout" ? "info" : /\berror\b/i.test(line) ? "error" : "warning";
    this.#push({ level, message: this.#mask(line), timestamp: new Date() });
  }

  /** Writes what is buffered; resolves when every write so far has finished. */
  async flush(): Promise<void> {
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
    await this.#writing;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#error) throw this.#error;
  }

  #push(line: LogLineInput): void {
    if (this.#discarded) return;
    this.#buffer.push(line);
    // While a write is under way, the lines wait for it: it takes them next.
    if (this.#writing) return;
    if (this.#buffer.length >= FLUSH_LINES) void this.#write();
    else this.#timer ??= setTimeout(() => void this.#write(), FLUSH_INTERVAL_MS);
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

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0) {
      const lines = this.#buffer;
      this.#buffer = [];
      try {
        await this.#append(lines);
      } catch (error) {
        this.#error ??= error;
      }
    }
  }
}
