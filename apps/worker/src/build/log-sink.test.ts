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
    for (let i = 0; i < 450; i++) sink.output("stdout", `line ${i}`);
    await sink.close();
    expect(batches.slice(1).map((b) => b.length)).toEqual([200, 200, 50]);
  });

  it("rethrows a failed write on close", async () => {
    const sink = new LogSink(() => Promise.reject(new Error("db down")), createMasker([]));
    sink.platform("x");
    await expect(sink.close()).rejects.toThrow("db down");
  });
});
