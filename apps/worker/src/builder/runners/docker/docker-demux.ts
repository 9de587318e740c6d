import { Writable, type Readable } from "node:stream";

// The Docker engine's attach stream (Tty off) multiplexes stdout and stderr:
// frames of an 8-byte header (stream 1 or 2, three zero bytes, the payload's
// length as uint32 big-endian) and the payload. dockerode's demuxStream writes
// every frame on at once, ignoring backpressure; this one waits for a target
// that says "enough" (write() false) to drain before reading on, so a build
// that prints faster than its log is stored is paused (it blocks writing to
// its stdout) instead of being buffered in the worker.

const HEADER_BYTES = 8;

/** Pipes `source` into `stdout`/`stderr` frame by frame; returns the writable it pipes into. */
export function demultiplex(source: Readable, stdout: Writable, stderr: Writable): Writable {
  let pending: Buffer = Buffer.alloc(0);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let ready = true;
      while (pending.length >= HEADER_BYTES) {
        const length = pending.readUInt32BE(4);
        if (pending.length < HEADER_BYTES + length) break;
        const target = pending[0] === 2 ? stderr : stdout;
        const payload = pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
        pending = pending.subarray(HEADER_BYTES + length);
        if (payload.length > 0 && !target.write(payload)) ready = false;
      }
      if (ready) return done();
      // One of the targets is behind: read nothing more until both have drained.
      const waiting = [stdout, stderr].filter((target) => target.writableNeedDrain);
      let left = waiting.length;
      if (left === 0) return done();
      for (const target of waiting) target.once("drain", () => --left === 0 && done());
    },
  });
  source.pipe(sink);
  return sink;
}
