import { parseCrontab } from "graphile-worker";
import { afterAll, describe, expect, it } from "vitest";
import { crontab } from "./tasks/index.js";
import { startTestSmtpServer, type TestSmtpServer } from "./testing/smtp-server.js";
import { createWorkerHarness, waitFor, type WorkerHarness } from "./testing/worker-harness.js";

describe("stopping the worker", () => {
  let smtp: TestSmtpServer;
  let h: WorkerHarness;
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it("lets a job running at stop() finish and records its completion", async () => {
    smtp = await startTestSmtpServer({ acceptDelayMs: 1500 });
    h = await createWorkerHarness({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtp.port) });
    await h.queue.add("send-email", { to: "owner@example.com", subject: "Slow", text: "in flight during shutdown" });
    await smtp.receiving();
    expect(await h.jobs()).toMatchObject([{ lockedBy: h.worker.workerId }]);

    await h.worker.stop();

    expect(smtp.received).toHaveLength(1);
    // Deleted, not left locked for 4 hours by a lost completion.
    expect(await h.jobs()).toEqual([]);
  });
});

describe("maintenance schedule", () => {
  let h: WorkerHarness;
  afterAll(() => h?.close());

  it("prunes rate limits at the start of every hour and recovers stuck builds every minute", () => {
    const [prune, recover, ...rest] = parseCrontab(crontab);
    expect(rest).toEqual([]);
    expect(prune).toMatchObject({ task: "prune-rate-limits", match: expect.any(Function) });
    expect(prune!.match({ min: 0, hour: 13, date: 5, month: 6, dow: 2 })).toBe(true);
    expect(prune!.match({ min: 30, hour: 13, date: 5, month: 6, dow: 2 })).toBe(false);
    expect(recover).toMatchObject({ task: "recover-stuck-builds" });
    expect(recover!.match({ min: 17, hour: 3, date: 5, month: 6, dow: 2 })).toBe(true);
  });

  it("is registered by the running worker", async () => {
    h = await createWorkerHarness({}, { crontab });
    const known = await waitFor(async () => {
      const rows = await h.db.$queryRaw<{ identifier: string }[]>`SELECT identifier FROM graphile_worker._private_known_crontabs`;
      return rows.length ? rows : undefined;
    }, { what: "the crontab to be registered" });
    expect(known.map((r) => r.identifier).sort()).toEqual(["prune-rate-limits", "recover-stuck-builds"]);
  });
});
