import type { Database } from "@autostack/db";
import type { Env } from "../../env.js";
import type { MailMessage } from "./message.js";

// Without SMTP a self-hoster still needs password-reset links: the worker logs
// every mail, and outside production also keeps it for the /dev/mailbox page.

export const DEV_MAILBOX_LIMIT = 50;

/** Status of a mail kept for the dev mailbox rather than sent anywhere. */
export const STORED = "stored";

export interface DevMailboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  createdAt: Date;
}

export interface DevMailbox {
  enabled: boolean;
  messages: DevMailboxMessage[];
}

export async function storeInDevMailbox(db: Database, message: MailMessage): Promise<void> {
  await db.emailMessage.create({
    data: { toAddress: message.to, subject: message.subject, textBody: message.text, htmlBody: message.html ?? null, status: STORED },
  });
}

/** The newest stored mails; nothing at all when the mailbox is disabled. */
export async function listDevMailbox(db: Database, env: Pick<Env, "devMailboxEnabled">): Promise<DevMailbox> {
  if (!env.devMailboxEnabled) return { enabled: false, messages: [] };
  const rows = await db.emailMessage.findMany({
    where: { status: STORED },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: DEV_MAILBOX_LIMIT,
    select: { id: true, toAddress: true, subject: true, textBody: true, htmlBody: true, createdAt: true },
  });
  return {
    enabled: true,
    messages: rows.map((row) => ({
      id: row.id,
      to: row.toAddress,
      subject: row.subject,
      text: row.textBody,
      html: row.htmlBody,
      createdAt: row.createdAt,
    })),
  };
}
