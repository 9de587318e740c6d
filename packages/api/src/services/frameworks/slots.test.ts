import { describe, expect, it } from "vitest";
import { RateLimitError } from "../../errors.js";
import { createSlots } from "./slots.js";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createSlots", () => {
  it("runs at most `limit` tasks at once and hands a freed slot to the next waiter", async () => {
    const slots = createSlots({ limit: 2, maxWaitMs: 5_000, maxWaiting: 10, busyMessage: "busy" });
    const gates = [deferred(), deferred(), deferred()];
    let running = 0;
    let peak = 0;
    const runs = gates.map((gate) =>
      slots.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await gate.promise;
        running--;
      }),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect([slots.active, slots.waiting]).toEqual([2, 1]);
    gates[0]!.resolve();
    await runs[0];
    await new Promise((r) => setTimeout(r, 10));
    expect([slots.active, slots.waiting]).toEqual([2, 0]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    await Promise.all(runs);
    expect(peak).toBe(2);
    expect(slots.active).toBe(0);
  });

  it("answers 429 to a caller that waited too long, or when too many already wait", async () => {
    const slots = createSlots({ limit: 1, maxWaitMs: 50, maxWaiting: 1, busyMessage: "Too many at once" });
    const gate = deferred();
    const first = slots.run(() => gate.promise);
    const waiting = slots.run(async () => "never");
    const rejected = slots.run(async () => "never");
    await expect(rejected).rejects.toThrow(RateLimitError);
    const late = await waiting.catch((error: unknown) => error);
    expect(late).toBeInstanceOf(RateLimitError);
    expect((late as RateLimitError).message).toBe("Too many at once");
    expect((late as RateLimitError).details).toEqual({ retryAfter: 1 });
    gate.resolve();
    await first;
    expect([slots.active, slots.waiting]).toEqual([0, 0]);
    await expect(slots.run(async () => "ran")).resolves.toBe("ran");
  });

  it("frees the slot when a task throws", async () => {
    const slots = createSlots({ limit: 1, maxWaitMs: 50, maxWaiting: 1, busyMessage: "busy" });
    await expect(slots.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(slots.run(async () => 1)).resolves.toBe(1);
  });
});
