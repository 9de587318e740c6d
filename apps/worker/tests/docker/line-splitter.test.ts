import { describe, expect, it } from "vitest";
import { LineSplitter } from "../../src/builder/line-splitter.js";

function split(chunks: (string | Buffer)[], maxLineBytes?: number, flush = true): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), maxLineBytes);
  for (const chunk of chunks) splitter.push(chunk);
  if (flush) splitter.flush();
  return lines;
}

describe("LineSplitter", () => {
  it("splits on newlines, keeping empty lines", () => {
    expect(split(["a\nb\n\nc\n"])).toEqual(["a", "b", "", "c"]);
  });

  it("joins a line split across chunks", () => {
    expect(split(["hel", "lo wo", "rld\nne", "xt\n"])).toEqual(["hello world", "next"]);
  });

  it("holds a partial line until flush, and flushes it once", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    splitter.push("done\npartial");
    expect(lines).toEqual(["done"]);
    splitter.flush();
    splitter.flush();
    expect(lines).toEqual(["done", "partial"]);
  });

  it("emits nothing on flush after a trailing newline", () => {
    expect(split(["a\n"])).toEqual(["a"]);
    expect(split([])).toEqual([]);
  });

  it("strips \\r of \\r\\n, also when \\r and \\n arrive in different chunks", () => {
    expect(split(["a\r\nb\r", "\nc\r\n"])).toEqual(["a", "b", "c"]);
  });

  it("keeps a lone \\r inside a line (progress output)", () => {
    expect(split(["10%\r20%\n"])).toEqual(["10%\r20%"]);
  });

  it("reassembles a multi-byte character split between chunks", () => {
    const bytes = Buffer.from("héllo 🚀\n");
    const lines = split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]);
    expect(lines).toEqual(["héllo 🚀"]);
  });

  it("caps a very long line, says how much was dropped, and continues normally", () => {
    const lines = split(["x".repeat(10), "y".repeat(20), "\nnext\n"], 16);
    expect(lines).toEqual(["xxxxxxxxxxyyyyyy… [14 bytes truncated]", "next"]);
  });

  it("caps the default at 64 KiB and keeps memory bounded for a 5 MiB line", () => {
    const lines = split([Buffer.alloc(5 * 1024 * 1024, 0x61)]);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith("a".repeat(64 * 1024))).toBe(true);
    expect(lines[0]!.endsWith(`… [${5 * 1024 * 1024 - 64 * 1024} bytes truncated]`)).toBe(true);
  });

  it("does not cut a character in half when truncating", () => {
    // "é" is 2 bytes; a 3-byte cap falls in the middle of the second one.
    expect(split(["éé\n"], 3)).toEqual(["é… [2 bytes truncated]"]);
  });

  it("flushes a truncated partial line", () => {
    expect(split(["abcdef"], 4)).toEqual(["abcd… [2 bytes truncated]"]);
  });

  it("rejects a nonsensical cap", () => {
    expect(() => new LineSplitter(() => undefined, 0)).toThrow(RangeError);
  });
});
