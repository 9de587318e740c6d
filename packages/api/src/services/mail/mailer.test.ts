import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createMailer } from "./mailer.js";
import { createHarness, type Harness } from "../../testing/harness.js";

// Delivery over SMTP is proven against a real SMTP server in apps/worker.

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const resetMail = { to: "owner@example.com", subject: "Reset your Autostack password", text: "Open http://localhost:3000/reset-password?token=abc" };

describe("createMailer without SMTP", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ DEV_MAILBOX: "false" });
  });
  afterAll(() => h.close());

  it("logs recipient, subject and text at info level, so the reset link is reachable", async () => {
    const { log, lines } = capturingLogger();
    expect(await createMailer(h.deps.env, h.deps.db, log).send(resetMail)).toEqual({ delivery: "log" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, mail: resetMail });
  });

  it("stores nothing when the dev mailbox is off", async () => {
    await createMailer(h.deps.env, h.deps.db, pino({ level: "silent" })).send(resetMail);
    expect(await h.deps.db.emailMessage.count()).toBe(0);
  });

  it("stores the mail with status stored when the dev mailbox is on", async () => {
    const env = { ...h.deps.env, devMailboxEnabled: true };
    const { log, lines } = capturingLogger();
    expect(await createMailer(env, h.deps.db, log).send({ ...resetMail, html: "<a>link</a>" })).toEqual({ delivery: "dev-mailbox" });
    expect(lines[0]).toMatchObject({ mail: resetMail });
    expect(await h.deps.db.emailMessage.findMany()).toEqual([
      expect.objectContaining({ toAddress: resetMail.to, subject: resetMail.subject, textBody: resetMail.text, htmlBody: "<a>link</a>", status: "stored" }),
    ]);
  });
});
