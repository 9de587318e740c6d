import { Writable } from "node:stream";
import { LineSplitter } from "./line-splitter.js";

export type OutputStream = "stdout" | "stderr";
/**
 * A returned promise asks for the source to pause until it settles (the log is
 * behind). Typed void so that any callback fits; anything but a promise is ignored.
 */
export type OnLine = (stream: OutputStream, line: string) => void;

/**
 * Two line-splitting sinks (stdout, stderr) that feed `onLine`, shared by the
 * runners. A throwing `onLine` drops the rest of the output; the error is
 * rethrown by `rethrow()` once the step has been cleaned up.
 *
 * Backpressure: while a promise from `onLine` is pending, a sink does not
 * finish its write, so a stream piped into it — the child's pipes
 * (bubblewrap), the engine's attach stream through docker-demux.ts — is
 * paused and the build blocks writing its output.
 */
export class LineOutput {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly #splitters: LineSplitter[];
  #error: { cause: unknown } | undefined;
  #pause: Promise<void> | undefined;

  constructor(onLine: OnLine) {
    const deliver = (stream: OutputStream) => (line: string) => {
      if (this.#error) return; // after a failing callback, drop the rest
      try {
        const pause: unknown = onLine(stream, line);
        if (pause instanceof Promise) this.#pause = pause as Promise<void>;
      } catch (cause) {
        this.#error = { cause };
      }
    };
    const out = new LineSplitter(deliver("stdout"));
    const err = new LineSplitter(deliver("stderr"));
    this.#splitters = [out, err];
    this.stdout = this.#sink(out);
    this.stderr = this.#sink(err);
  }

  /** Emits the last line of each stream if it had no trailing newline. */
  flush(): void {
    for (const splitter of this.#splitters) splitter.flush();
  }

  rethrow(): void {
    if (this.#error) throw this.#error.cause;
  }

  #sink(splitter: LineSplitter): Writable {
    let sources = 0;
    const writable = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        splitter.push(chunk);
        const pause = this.#pause;
        this.#pause = undefined;
        if (pause && sources > 0) void pause.then(() => callback(), () => callback());
        else callback();
      },
    });
    writable.on("pipe", () => sources++);
    writable.on("unpipe", () => sources--);
    return writable;
  }
}
