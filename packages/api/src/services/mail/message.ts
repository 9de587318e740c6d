import { z } from "zod";

// The `send-email` job payload, checked again when the job runs: a payload is
// JSON written by any process (or by hand in SQL), so the worker cannot trust
// the type the enqueuing code had. The limits match the email_messages columns.
export const mailMessageSchema = z.object({
  to: z.string().trim().max(255).pipe(z.email()),
  subject: z.string().trim().min(1).max(255),
  text: z.string().min(1),
  html: z.string().min(1).optional(),
});

export type MailMessage = z.infer<typeof mailMessageSchema>;

export type MailDelivery = "smtp" | "dev-mailbox" | "log";
