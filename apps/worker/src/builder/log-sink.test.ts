import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { LogLineInput } from "@autostack/api/services";
import { LogSink } from "./log-sink.js";
import { createMasker } from "./mask.js";
import { LineOutput } from "./output.js";

const MiB = 1024 * 1024;
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe("LogSink", () => {
  it("masks, assigns levels and batches", async () => {
    const batches: LogLineInput[][] = [];
    const sink = new LogSink(async (lines) => void batches.push(lines), createMasker(["topsecret"]));
    sink.platform("Cloning https://u:p@h/x");
    sink.output("stdout", "value topsecret");
    sink.output("stderr", "npm warn something");
    sink.output("stderr", "Error: boom");
    expect(batches).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((l) => [l.level, l.message])).toEqual([
      ["info", "Cloning https://***@h/x"],
      ["info", "value ***"],
      ["warning", "npm warn something"],
      ["error", "Error: boom"],
    ]);
    // Past 500 lines a write starts at once; the rest waits for close.
    for (let i = 0; i < 650; i++) sink.output("stdout", `line ${i}`);
    await sink.close();
    expect(batches.slice(1).map((b) => b.length)).toEqual([500, 150]);
    expect(batches.flat().slice(4).map((l) => l.message)).toEqual(Array.from({ length: 650 }, (_, i) => `line ${i}`));
  });

  it("writes one batch at a time, each taking every line gathered while the previous one ran", async () => {
    const started: { at: number; lines: number }[] = [];
    const slowWrite = async (lines: LogLineInput[]) => {
      started.push({ at: performance.now(), lines: lines.length });
      await new Promise((resolve) => setTimeout(resolve, 60));
    };
    const sink = new LogSink(slowWrite, createMasker([]));
    const first = performance.now();
    sink.output("stdout", "first");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(started).toHaveLength(1);
    expect(started[0]!.at - first).toBeLessThan(30); // a lone line waits at most ~20 ms
    for (let i = 0; i < 1200; i++) sink.output("stdout", `during ${i}`);
    expect(started).toHaveLength(1); // no second write while the first runs, whatever the count
    await sink.close();
    expect(started.map((s) => s.lines)).toEqual([1, 1200]);
  });

  it("rethrows a failed write on close, once its retries are spent", async () => {
    const sink = new LogSink(() => Promise.reject(new Error("db down")), createMasker([]), { retryDelaysMs: [1] });
    sink.platform("x");
    await expect(sink.close()).rejects.toThrow("db down");
  });

  it("stores build output up to the limit, counts the rest, and says so in one warning line", async () => {
    const stored: LogLineInput[] = [];
    const sink = new LogSink(async (lines) => void stored.push(...lines), createMasker(["topsecret"]), { limitBytes: 1 * MiB });
    sink.platform("Running: build");
    const line = `${"x".repeat(90)} topsecret`; // 100 bytes, 94 once masked
    for (let i = 0; i < 20_000; i++) sink.output("stdout", line);
    sink.output("stderr", "é"); // 2 bytes
    sink.platform("Build finished in 1.0s");
    await sink.close();
    const output = stored.filter((l) => l.message === `${"x".repeat(90)} ***`);
    expect(output).toHaveLength(Math.floor(MiB / 94)); // 11,155 lines fit
    const dropped = 20_000 - output.length + 1;
    expect(stored.at(-2)).toMatchObject({
      level: "warning",
      message: `Log limit of 1 MB reached: ${dropped.toLocaleString("en-US")} more lines (${(((dropped - 1) * 100 + 2) / MiB).toFixed(1)} MB) were not stored`,
    });
    expect(stored.at(-1)!.message).toBe("Build finished in 1.0s"); // platform lines are kept
    expect(stored.map((l) => l.message).join("\n")).not.toContain("topsecret");
  });

  it("reports lines dropped after the limit once at the end when no platform line follows", async () => {
    const stored: LogLineInput[] = [];
    const sink = new LogSink(async (lines) => void stored.push(...lines), createMasker([]), { limitBytes: 1 * MiB });
    for (let i = 0; i < 1234; i++) sink.output("stdout", "y".repeat(1024));
    await sink.close();
    expect(stored).toHaveLength(1024 + 1);
    expect(stored.at(-1)!.message).toBe("Log limit of 1 MB reached: 210 more lines (0.2 MB) were not stored");
  });

  it("keeps memory bounded when the database is slower than the output: asks to pause, then drops with a count", async () => {
    let release!: () => void;
    const written: number[] = [];
    let waiting = 0;
    const blockedWrite = async (lines: LogLineInput[]) => {
      await new Promise<void>((resolve) => (release = resolve));
      written.push(lines.length);
    };
    const sink = new LogSink(blockedWrite, createMasker([]), { highWaterBytes: 64 * 1024, maxPendingBytes: 256 * 1024 });
    const line = "z".repeat(1000 - 64); // costs 1,000 bytes while waiting
    let pause: Promise<void> | undefined;
    for (let i = 0; i < 10_000; i++) {
      const asked = sink.output("stdout", line);
      if (asked) pause ??= asked;
      if (asked) waiting++;
    }
    expect(pause).toBeDefined();
    expect(waiting).toBe(10_000 - 65); // every line past the high-water mark (64 KB) asks to pause
    let resumed = false;
    void pause!.then(() => (resumed = true));
    // The first write started at once with the 66 lines gathered when the first pause was asked.
    release();
    await tick();
    expect(resumed).toBe(false); // the next 196 still wait, more than half the high-water mark
    release();
    await tick();
    expect(resumed).toBe(true);
    const closed = sink.close();
    await tick();
    release();
    await closed;
    // 262 lines of 1,000 bytes fit in 256 KB; the rest was dropped, and the notice says how many.
    expect(written).toEqual([66, 196, 1]);
  });
});

describe("LineOutput backpressure", () => {
  it("pauses a piped stream while the log sink asks to, so lines do not pile up in memory", async () => {
    let release!: () => void;
    let writes = 0;
    let fast = false;
    const sink = new LogSink(
      async () => {
        writes++;
        if (!fast) await new Promise<void>((resolve) => (release = resolve));
      },
      createMasker([]),
      { highWaterBytes: 64 * 1024, maxPendingBytes: 1024 * 1024 },
    );
    const output = new LineOutput((stream, line) => sink.output(stream, line));
    let produced = 0;
    const source = new Readable({
      highWaterMark: 16 * 1024,
      read() {
        produced++;
        this.push(produced > 2000 ? null : `${"w".repeat(1023)}\n`.repeat(16)); // 16 KB
      },
    });
    const ended = new Promise((resolve) => output.stdout.on("finish", resolve));
    source.pipe(output.stdout);
    await tick(100);
    // 32 MB could be produced; the stream stops at about the high-water mark plus the streams' buffers.
    expect(produced).toBeLessThan(20);
    expect(writes).toBe(1);
    fast = true;
    release();
    await ended;
    await sink.close();
    expect(produced).toBe(2001);
  });

describe("LogSink while the database is away", () => {
  const unreachable = () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:54320"), { code: "ECONNREFUSED" });

  it("retries a failed write with backoff and loses nothing when the database comes back", async () => {
    const stored: string[] = [];
    let failures = 3;
    const sink = new LogSink(
      async (lines) => {
        if (failures-- > 0) throw unreachable();
        stored.push(...lines.map((line) => line.message));
      },
      createMasker([]),
      { retryDelaysMs: [5, 5, 5, 5] },
    );
    for (let i = 0; i < 10; i++) sink.output("stdout", `line ${i}`);
    await sink.close();
    expect(stored).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
  });

  it("drops lines only after the retries, and says how many once it can write again", async () => {
    const stored: string[] = [];
    let down = true;
    const sink = new LogSink(
      async (lines) => {
        if (down) throw unreachable();
        stored.push(...lines.map((line) => line.message));
      },
      createMasker([]),
      { retryDelaysMs: [1, 1] },
    );
    for (let i = 0; i < 3; i++) sink.output("stdout", `lost ${i}`);
    await sink.flush();
    down = false;
    sink.platform("Build finished in 1.0s");
    await expect(sink.close()).rejects.toThrow(/ECONNREFUSED/);
    expect(stored).toEqual(["The log database could not be reached: 3 more lines (0.0 MB) were not stored", "Build finished in 1.0s"]);
  });
});
});
