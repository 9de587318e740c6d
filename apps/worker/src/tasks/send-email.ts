import type { Task } from "graphile-worker";
import { mailMessageSchema, type Mailer } from "@autostack/api/services";
import { failMalformed } from "./prevent-retries.js";

/**
 * Delivers one mail. An SMTP failure throws, so graphile-worker retries with
 * backoff; a malformed payload can never succeed, so it fails once, for good.
 */
export function createSendEmailTask({ mailer }: { mailer: Mailer }): Task {
  return async (payload, helpers) => {
    const parsed = mailMessageSchema.safeParse(payload);
    if (!parsed.success) {
      // Issue paths and messages only: the values may be a mail body.
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`).join("; ");
      helpers.logger.error("send-email payload is malformed; failing the job without retries", { problems });
      return failMalformed(helpers, "send-email", problems);
    }
    const { delivery } = await mailer.send(parsed.data);
    helpers.logger.info("mail handled", { delivery });
  };
}
