import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerHarness, waitFor, type WorkerHarness } from "../testing/worker-harness.js";

describe("prune-rate-limits", () => {
  let h: WorkerHarness;
  beforeAll(async () => {
    h = await createWorkerHarness();
  });
  afterAll(() => h.close());

  it("drops windows older than a day and keeps recent ones", async () => {
    const now = Date.now();
    await h.db.rateLimit.createMany({
      data: [
        { key: "auth:old", windowStart: new Date(now - 2 * 86_400_000), count: 3 },
        { key: "auth:recent", windowStart: new Date(now - 60_000), count: 1 },
      ],
    });
    await h.addRawJob("prune-rate-limits", {});
    await waitFor(async () => (await h.jobs()).length === 0, { what: "the job to complete" });
    expect((await h.db.rateLimit.findMany()).map((r) => r.key)).toEqual(["auth:recent"]);
    expect(h.logs).toContainEqual(expect.objectContaining({ msg: "old rate-limit windows pruned", removed: 1 }));
  });
});
