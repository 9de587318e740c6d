import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller, createContext, createCookieCollector } from "@autostack/api";
import { closedPort, startTestSmtpServer, type TestSmtpServer } from "../testing/smtp-server.js";
import { createWorkerHarness, waitFor, type WorkerHarness } from "../testing/worker-harness.js";

// A mail like the password-reset one: the link is longer than a MIME line, so
// it only survives if the mail is encoded and decoded properly.
const token = "Zq3x-" + "k".repeat(60);
const link = `http://localhost:3000/reset-password?token=${token}`;
const resetMail = {
  to: "owner@example.com",
  subject: "Reset your Autostack password",
  text: `Hi Owner,\n\nOpen this link within one hour to choose a new password:\n\n${link}\n`,
  html: `<p><a href="${link}">Choose a new password</a></p>`,
};

async function devMailboxOf(h: WorkerHarness) {
  const ctx = await createContext(
    { db: h.db, env: h.env, log: pino({ level: "silent" }), jobs: h.queue },
    { ip: "203.0.113.1", requestId: randomUUID(), source: "web" },
    createCookieCollector(),
  );
  return createCaller(ctx).devMailbox.list();
}

const emptyQueue = (h: WorkerHarness) => async () => (await h.jobs()).length === 0;

describe("send-email over SMTP", () => {
  let smtp: TestSmtpServer;
  let h: WorkerHarness;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    h = await createWorkerHarness({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtp.port), SMTP_FROM: "Autostack <noreply@autostack.test>" });
  });
  afterAll(async () => {
    await h.close();
    await smtp.close();
  });

  it("delivers the whole mail to the SMTP server, completes the job, and keeps the body out of the database and the log", async () => {
    await h.queue.add("send-email", resetMail);
    const [received] = await waitFor(() => (smtp.received.length ? smtp.received : undefined), { what: "the mail" });
    expect(received!.envelope).toEqual({ from: "noreply@autostack.test", to: ["owner@example.com"] });
    expect(received!.mail.from?.value).toEqual([{ name: "Autostack", address: "noreply@autostack.test" }]);
    expect(received!.mail.to).toMatchObject({ text: "owner@example.com" });
    expect(received!.mail.subject).toBe(resetMail.subject);
    expect(received!.mail.text).toContain(link);
    expect(received!.mail.text?.trim()).toBe(resetMail.text.trim());
    expect(received!.mail.html).toContain(`href="${link}"`);
    await waitFor(emptyQueue(h), { what: "the job to complete" });

    expect(await h.db.emailMessage.count()).toBe(0);
    expect(JSON.stringify(h.logs)).not.toContain(token);
    expect(h.logs).toContainEqual(expect.objectContaining({ msg: "mail handled", delivery: "smtp", task: "send-email", workerId: h.worker.workerId }));
  });
});

describe("send-email with SMTP credentials", () => {
  let smtp: TestSmtpServer;
  let h: WorkerHarness;
  beforeAll(async () => {
    smtp = await startTestSmtpServer({ credentials: { user: "mailer", pass: "s3cret" } });
    h = await createWorkerHarness({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtp.port), SMTP_USER: "mailer", SMTP_PASS: "s3cret" });
  });
  afterAll(async () => {
    await h.close();
    await smtp.close();
  });

  it("authenticates as SMTP_USER", async () => {
    await h.queue.add("send-email", { to: "a@example.com", subject: "Hello", text: "Hi" });
    const [received] = await waitFor(() => (smtp.received.length ? smtp.received : undefined), { what: "the mail" });
    expect(received!.user).toBe("mailer");
  });
});

describe("send-email when the SMTP server refuses connections", () => {
  let port: number;
  let h: WorkerHarness;
  let smtp: TestSmtpServer | undefined;
  beforeAll(async () => {
    port = await closedPort();
    h = await createWorkerHarness({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(port) });
  });
  afterAll(async () => {
    await h.close();
    await smtp?.close();
  });

  it("keeps the job, with the error, for a retry that delivers once the server is back", async () => {
    await h.queue.add("send-email", resetMail);
    const [failed] = await waitFor(async () => {
      const jobs = await h.jobs();
      return jobs[0]?.lastError ? jobs : undefined;
    }, { what: "the failed attempt" });
    expect(failed).toMatchObject({ task: "send-email", attempts: 1, maxAttempts: 5, lockedBy: null });
    expect(failed!.lastError).toMatch(/SMTP delivery via 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/);

    // graphile-worker retries after exp(1) ≈ 2.7 s.
    smtp = await startTestSmtpServer({ port });
    await waitFor(() => smtp!.received.length > 0, { timeoutMs: 15_000, what: "the retried delivery" });
    await waitFor(emptyQueue(h), { what: "the job to complete" });
    expect(smtp.received[0]!.mail.text).toContain(link);
  });
});

describe("send-email without SMTP, dev mailbox on", () => {
  let h: WorkerHarness;
  beforeAll(async () => {
    h = await createWorkerHarness();
  });
  afterAll(() => h.close());

  it("stores the mail where devMailbox.list finds it, and logs its text", async () => {
    await h.queue.add("send-email", resetMail);
    await waitFor(emptyQueue(h), { what: "the job to complete" });
    const mailbox = await devMailboxOf(h);
    expect(mailbox.enabled).toBe(true);
    expect(mailbox.messages).toEqual([
      expect.objectContaining({ to: resetMail.to, subject: resetMail.subject, text: resetMail.text, html: resetMail.html }),
    ]);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 30, mail: { to: resetMail.to, subject: resetMail.subject, text: resetMail.text } }));
  });

  it("fails a malformed payload once, for good, and carries on with the next job", async () => {
    await h.queue.add("send-email", { to: "not-an-address", subject: "", text: 42 } as never);
    await h.queue.add("send-email", { to: "next@example.com", subject: "Still working", text: "yes" });

    const [failed] = await waitFor(async () => {
      const jobs = await h.jobs();
      return jobs.length === 1 && jobs[0]!.lastError ? jobs : undefined;
    }, { what: "the malformed job to fail and the next to complete" });
    expect(failed).toMatchObject({ attempts: 1, maxAttempts: 1, lockedBy: null });
    expect(failed!.lastError).toBe("Malformed send-email payload (not retried): to: Invalid email address; subject: Too small: expected string to have >=1 characters; text: Invalid input: expected string, received number");
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 50, msg: "send-email payload is malformed; failing the job without retries", jobId: expect.any(String) }));
    expect((await devMailboxOf(h)).messages[0]).toMatchObject({ subject: "Still working" });

    // A permanently failed job is never picked up again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await h.jobs()).toEqual([failed]);
  });
});

describe("send-email without SMTP, DEV_MAILBOX=false", () => {
  let h: WorkerHarness;
  beforeAll(async () => {
    h = await createWorkerHarness({ DEV_MAILBOX: "false" });
  });
  afterAll(() => h.close());

  it("only logs the mail; the mailbox is disabled", async () => {
    await h.queue.add("send-email", resetMail);
    await waitFor(emptyQueue(h), { what: "the job to complete" });
    expect(await h.db.emailMessage.count()).toBe(0);
    expect(await devMailboxOf(h)).toEqual({ enabled: false, messages: [] });
    expect(h.logs).toContainEqual(expect.objectContaining({ mail: expect.objectContaining({ text: resetMail.text }) }));
    expect(h.logs).toContainEqual(expect.objectContaining({ msg: "mail handled", delivery: "log" }));
  });
});
