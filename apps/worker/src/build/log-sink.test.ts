import { describe, expect, it } from "vitest";
import type { LogLineInput } from "@autostack/api/services";
import { LogSink } from "./log-sink.js";
import { createMasker } from "./mask.js";

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

  it("rethrows a failed write on close", async () => {
    const sink = new LogSink(() => Promise.reject(new Error("db down")), createMasker([]));
    sink.platform("x");
    await expect(sink.close()).rejects.toThrow("db down");
  });
});
