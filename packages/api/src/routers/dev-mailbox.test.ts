import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { createMailer, DEV_MAILBOX_LIMIT } from "../services/mail/index.js";
import { createHarness, type Harness } from "../testing/harness.js";

const silent = pino({ level: "silent" });

describe("devMailbox.list with the dev mailbox on (no SMTP, outside production)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it("returns mails the mailer kept, newest first, whole", async () => {
    const mailer = createMailer(h.deps.env, h.deps.db, silent);
    expect(await mailer.send({ to: "first@example.com", subject: "First", text: "one" })).toEqual({ delivery: "dev-mailbox" });
    await mailer.send({ to: "second@example.com", subject: "Second", text: "two http://localhost/reset?token=x", html: "<p>two</p>" });

    const mailbox = await (await h.api()).devMailbox.list();
    expect(mailbox.enabled).toBe(true);
    expect(mailbox.messages.map((m) => m.subject)).toEqual(["Second", "First"]);
    expect(mailbox.messages[0]).toEqual({
      id: expect.any(String),
      to: "second@example.com",
      subject: "Second",
      text: "two http://localhost/reset?token=x",
      html: "<p>two</p>",
      createdAt: expect.any(Date),
    });
    expect(mailbox.messages[1]!.html).toBeNull();
  });

  it(`keeps the answer to the newest ${DEV_MAILBOX_LIMIT}`, async () => {
    const start = Date.now();
    await h.deps.db.emailMessage.createMany({
      data: Array.from({ length: DEV_MAILBOX_LIMIT + 5 }, (_, i) => ({
        toAddress: "bulk@example.com",
        subject: `Bulk ${i}`,
        textBody: "bulk",
        status: "stored",
        createdAt: new Date(start + 60_000 + i * 1000),
      })),
    });
    const { messages } = await (await h.api()).devMailbox.list();
    expect(messages).toHaveLength(DEV_MAILBOX_LIMIT);
    expect(messages[0]!.subject).toBe(`Bulk ${DEV_MAILBOX_LIMIT + 4}`);
    expect(messages.at(-1)!.subject).toBe("Bulk 5");
  });
});

describe.each([
  ["DEV_MAILBOX=false", { DEV_MAILBOX: "false" }],
  ["SMTP configured, even with DEV_MAILBOX=true", { SMTP_HOST: "smtp.example.com", DEV_MAILBOX: "true" }],
])("devMailbox.list with %s", (_label, overrides) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(overrides);
    await h.deps.db.emailMessage.create({ data: { toAddress: "kept@example.com", subject: "Old", textBody: "reset link", status: "stored" } });
  });
  afterAll(() => h.close());

  it("is disabled and reveals no mail even when rows exist", async () => {
    expect(await (await h.api()).devMailbox.list()).toEqual({ enabled: false, messages: [] });
  });
});
