/**
 * Turns a byte stream into lines for the build log.
 *
 * Works on bytes, not strings: "\n" (0x0A) never occurs inside a multi-byte
 * UTF-8 sequence, so splitting on it cannot break a character, and a character
 * split across two chunks is reassembled before decoding.
 *
 * A line longer than `maxLineBytes` keeps its first `maxLineBytes` bytes and
 * gets a marker with the number of bytes dropped; memory per splitter is
 * therefore bounded whatever a build prints (minified bundles, binary junk).
 */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export class LineSplitter {
  readonly #emit: (line: string) => void;
  readonly #maxLineBytes: number;
  #parts: Buffer[] = [];
  #size = 0;
  #dropped = 0;
  #pending = false; // a line has started (possibly empty so far) and not ended

  constructor(emit: (line: string) => void, maxLineBytes = DEFAULT_MAX_LINE_BYTES) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError("maxLineBytes must be a positive integer");
    this.#emit = emit;
    this.#maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < bytes.length) {
      const newline = bytes.indexOf(0x0a, start);
      const end = newline === -1 ? bytes.length : newline;
      this.#append(bytes.subarray(start, end));
      if (newline === -1) return;
      this.#emitLine();
      start = newline + 1;
    }
  }

  /** Emits a last line that had no trailing newline. Call once the stream ends. */
  flush(): void {
    if (this.#pending) this.#emitLine();
  }

  #append(piece: Buffer): void {
    this.#pending = true;
    const room = this.#maxLineBytes - this.#size;
    if (piece.length <= room) {
      if (piece.length > 0) this.#parts.push(piece);
      this.#size += piece.length;
      return;
    }
    // Copy the kept head: holding a view would pin the caller's whole chunk.
    if (room > 0) this.#parts.push(Buffer.from(piece.subarray(0, room)));
    this.#size += room;
    this.#dropped += piece.length - room;
  }

  #emitLine(): void {
    // A line within one chunk is decoded from the chunk itself: no copy per line.
    let line = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#size);
    // "\r\n" line endings: the "\r" is not part of the line.
    if (this.#dropped === 0 && line.at(-1) === 0x0d) line = line.subarray(0, -1);
    const dropped = this.#dropped;
    this.#parts = [];
    this.#size = 0;
    this.#dropped = 0;
    this.#pending = false;
    if (dropped === 0) {
      this.#emit(line.toString("utf8"));
      return;
    }
    const end = completeCharacters(line);
    this.#emit(`${line.subarray(0, end).toString("utf8")}… [${dropped + line.length - end} bytes truncated]`);
  }
}

/** Length of `bytes` without a UTF-8 character that truncation cut in half at the end. */
function completeCharacters(bytes: Buffer): number {
  const end = bytes.length;
  // Walk back over continuation bytes (10xxxxxx) to the last lead byte.
  let lead = end - 1;
  while (lead >= 0 && end - lead < 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < 0) return end;
  const byte = bytes[lead]!;
  const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return lead + length > end ? lead : end;
}
