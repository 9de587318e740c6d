import { appendLogs, type LogLevel, type LogLineInput } from "@autostack/api/services";
import type { Database } from "@autostack/db";
import type { Masker } from "./mask.js";
import type { OutputStream } from "./output.js";

const FLUSH_INTERVAL_MS = 100;
const FLUSH_LINES = 200;

export type AppendLogs = (lines: LogLineInput[]) => Promise<unknown>;

/**
 * Buffers a build's log lines and writes them in batches (every 100 ms or 200
 * lines) through appendLogs. Every line is masked before it is buffered, so
 * a secret never reaches the database. Writes are serialised in order; a
 * failing write is remembered and rethrown by `close`.
 */
export class LogSink {
  readonly #append: AppendLogs;
  readonly #mask: Masker;
  #buffer: LogLineInput[] = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
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
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#buffer.length > 0) {
      const lines = this.#buffer;
      this.#buffer = [];
      this.#chain = this.#chain.then(async () => {
        try {
          await this.#append(lines);
        } catch (error) {
          this.#error ??= error;
        }
      });
    }
    await this.#chain;
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
    await this.#chain;
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#error) throw this.#error;
  }

  #push(line: LogLineInput): void {
    if (this.#discarded) return;
    this.#buffer.push(line);
    if (this.#buffer.length >= FLUSH_LINES) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }
}
