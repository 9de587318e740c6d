import { performance } from "node:perf_hooks";

// A whole response of the site fast lane (site-lane.ts) kept as one buffer:
// status line, headers and body, with the two parts that change per response
// — the request id and the `Date`/keep-alive lines — patched in place. One
// buffer is one write syscall; a head and a body are a writev through the
// stream's cork machinery, which costs 15-30 % of the requests/s (measured
// in bench/serve.mjs's terms on this machine, docs/benchmarks.md).
//
// The buffer is reused only once the kernel has taken all of it: if a write
// had to be queued (a slow reader, a full socket buffer), the buffer belongs
// to that write until it finishes, so it is left alone for good, and the
// template answers `false` (write the response another way) until it may make
// a fresh copy, at most once a second. Nothing is ever patched while queued.

/** Length of a request id this template patches in: randomUUID()'s. Others take the other way. */
const ID_LENGTH = 36;
/** How long after a buffer was left to a queued write a new copy may be made. */
const RECOPY_AFTER_MS = 1000;
const CRLF = "\r\n";

export interface WritableSocket {
  write(chunk: Buffer): boolean;
  readonly writableLength: number;
}

export class ResponseTemplate {
  /** The reusable buffer, when it is not left to a queued write. */
  private buffer: Buffer | undefined;
  private copyAllowedAt = 0;
  private readonly idOffset: number;
  private readonly endOffset: number;
  private endLength = -1;

  /**
   * @param head the status line and fixed header lines, ending with "X-Request-Id: "
   * @param body the body bytes (not copied until the first write)
   */
  constructor(
    private readonly head: string,
    private readonly body: Buffer,
  ) {
    this.idOffset = Buffer.byteLength(head, "latin1");
    this.endOffset = this.idOffset + ID_LENGTH + CRLF.length;
  }

  /**
   * Writes the response with `requestId` and `headEnd` (the `Date` line, the
   * connection lines and the blank line) to `socket`. Returns false, having
   * written nothing, when it cannot: an id of another length, or no buffer
   * free right now.
   */
  write(socket: WritableSocket, requestId: string, headEnd: string): boolean {
    if (requestId.length !== ID_LENGTH) return false;
    let out = this.buffer;
    if (out === undefined) {
      if (performance.now() < this.copyAllowedAt) return false;
      out = this.copy(headEnd);
    } else if (headEnd.length !== this.endLength) {
      return false;
    }
    this.buffer = undefined;
    out.write(requestId, this.idOffset, "latin1");
    out.write(headEnd, this.endOffset, "latin1");
    socket.write(out);
    if (socket.writableLength === 0) this.buffer = out;
    else this.copyAllowedAt = performance.now() + RECOPY_AFTER_MS;
    return true;
  }

  private copy(headEnd: string): Buffer {
    this.endLength = headEnd.length;
    const bodyOffset = this.endOffset + headEnd.length;
    const out = Buffer.allocUnsafeSlow(bodyOffset + this.body.length);
    out.write(this.head, 0, "latin1");
    out.write(CRLF, this.idOffset + ID_LENGTH, "latin1");
    this.body.copy(out, bodyOffset);
    return out;
  }
}
