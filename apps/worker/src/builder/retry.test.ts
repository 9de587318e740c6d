import { describe, expect, it } from "vitest";
import { withRetries } from "./retry.js";

describe("withRetries", () => {
  it("tries again after each pause until the call succeeds", async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      if (++calls < 3) throw new Error("the database system is starting up");
      return "spec";
    }, { delaysMs: [1, 1, 1] });
    expect(result).toBe("spec");
    expect(calls).toBe(3);
  });

  it("gives up once the pauses are spent, at once on a permanent error, and when aborted", async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error("down"));
    };
    await expect(withRetries(failing, { delaysMs: [1, 1] })).rejects.toThrow("down");
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetries(failing, { delaysMs: [1, 1], isPermanent: () => true })).rejects.toThrow("down");
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetries(failing, { delaysMs: [1, 1], signal: AbortSignal.abort() })).rejects.toThrow("down");
    expect(calls).toBe(1);
  });
});
