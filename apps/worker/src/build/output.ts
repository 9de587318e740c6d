import { Writable } from "node:stream";
import { LineSplitter } from "./line-splitter.js";

export type OutputStream = "stdout" | "stderr";
export type OnLine = (stream: OutputStream, line: string) => void;

/**
 * Two line-splitting sinks (stdout, stderr) that feed `onLine`, shared by the
 * runners. A throwing `onLine` drops the rest of the output; the error is
 * rethrown by `rethrow()` once the step has been cleaned up.
 */
export class LineOutput {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly #splitters: LineSplitter[];
  #error: { cause: unknown } | undefined;

  constructor(onLine: OnLine) {
    const deliver = (stream: OutputStream) => (line: string) => {
      if (this.#error) return; // after a failing callback, drop the rest
      try {
        onLine(stream, line);
      } catch (cause) {
        this.#error = { cause };
      }
    };
    const out = new LineSplitter(deliver("stdout"));
    const err = new LineSplitter(deliver("stderr"));
    this.#splitters = [out, err];
    this.stdout = sink(out);
    this.stderr = sink(err);
  }

  /** Emits the last line of each stream if it had no trailing newline. */
  flush(): void {
    for (const splitter of this.#splitters) splitter.flush();
  }

  rethrow(): void {
    if (this.#error) throw this.#error.cause;
  }
}

function sink(splitter: LineSplitter): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      splitter.push(chunk);
      callback();
    },
  });
}
