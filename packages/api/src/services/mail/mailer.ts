import type { Database } from "@autostack/db";
import nodemailer from "nodemailer";
import type { Logger } from "pino";
import type { Env } from "../../env.js";
import { storeInDevMailbox } from "./dev-mailbox.js";
import type { MailDelivery, MailMessage } from "./message.js";

export type MailEnv = Pick<Env, "SMTP_HOST" | "SMTP_PORT" | "SMTP_SECURE" | "SMTP_USER" | "SMTP_PASS" | "SMTP_FROM" | "devMailboxEnabled">;

export interface Mailer {
  /** Resolves once the mail is handed over; rejects when SMTP refuses it, so the job is retried. */
  send(message: MailMessage): Promise<{ delivery: MailDelivery }>;
}

export class MailDeliveryError extends Error {
  override name = "MailDeliveryError";
}

export function createMailer(env: MailEnv, db: Database, log: Logger): Mailer {
  if (env.SMTP_HOST) return createSmtpMailer({ ...env, SMTP_HOST: env.SMTP_HOST }, log);

  return {
    async send(message) {
      // The documented way to get a reset link without SMTP: read the log.
      log.info({ mail: { to: message.to, subject: message.subject, text: message.text } }, "mail not sent (SMTP_HOST is not set); its text follows");
      if (!env.devMailboxEnabled) return { delivery: "log" };
      await storeInDevMailbox(db, message);
      return { delivery: "dev-mailbox" };
    },
  };
}

function createSmtpMailer(env: MailEnv & { SMTP_HOST: string }, log: Logger): Mailer {
  const transport = nodemailer.createTransport({
    host: env.SMTP_HOST,
    port: env.SMTP_PORT,
    // secure=false still upgrades with STARTTLS whenever the server offers it
    // (and checks its certificate); only servers without STARTTLS get plain text.
    secure: env.SMTP_SECURE,
    auth: env.SMTP_USER ? { user: env.SMTP_USER, pass: env.SMTP_PASS ?? "" } : undefined,
    // nodemailer waits up to 2 min to connect and 10 min on a silent socket;
    // a stuck server would hold a worker slot that long and delay shutdown.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });

  return {
    async send(message) {
      try {
        const info = await transport.sendMail({ from: env.SMTP_FROM, to: message.to, subject: message.subject, text: message.text, html: message.html });
        // Bodies stay out of logs and the database here: they hold reset links.
        log.info({ mail: { to: message.to, subject: message.subject, messageId: info.messageId } }, "mail sent");
        return { delivery: "smtp" };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new MailDeliveryError(`SMTP delivery via ${env.SMTP_HOST}:${env.SMTP_PORT} failed: ${reason}`, { cause: error });
      }
    },
  };
}
