export { createMailer, MailDeliveryError, type Mailer, type MailEnv } from "./mailer.js";
export { listDevMailbox, storeInDevMailbox, DEV_MAILBOX_LIMIT, type DevMailbox, type DevMailboxMessage } from "./dev-mailbox.js";
export { mailMessageSchema, type MailDelivery, type MailMessage } from "./message.js";
