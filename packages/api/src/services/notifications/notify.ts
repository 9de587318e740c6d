import type { Database } from "@autostack/db";
import type { Env } from "../../env.js";
import type { Mailer } from "../mail/mailer.js";
import { composeDeploymentMail } from "./compose.js";
import { notifyJobKey } from "./enqueue.js";

// The notify_deployment job's body: mails the owner of a deployment that
// succeeded or failed, as their preferences say (a missing preferences row
// means the defaults: everything on). Cancelled deployments get no mail.
//
// One mail per deployment, however often the job runs (a retry after an SMTP
// failure, or a second job enqueued beside a running one): everything happens
// in one transaction that first takes an advisory lock on the deployment's
// notification, so two runs never interleave; a run that finds notified_at set
// stops; the mail is sent, then notified_at is set (WHERE notified_at IS NULL)
// and committed. An SMTP failure throws, rolls back and the job is retried.
//
// The one gap: a crash (or a failed COMMIT) after the SMTP server accepted the
// mail and before the commit leaves notified_at unset, and the retry mails
// again. We chose at-least-once over at-most-once on purpose: the window is a
// few milliseconds, and a duplicate "your deployment failed" mail is a smaller
// harm than one that never arrives (claiming first and sending after would
// lose the mail in the same window).

/** Longer than the mailer's own connect, greeting and socket timeouts together. */
const SEND_TRANSACTION_MS = 120_000;

export type NotifyResult = "sent" | "already-notified" | "not-final" | "disabled" | "gone";

export interface NotifyDeps {
  db: Database;
  mailer: Mailer;
  env: Pick<Env, "APP_URL">;
}

interface Wishes {
  emailNotifications: boolean;
  deploymentSuccessNotifications: boolean;
  deploymentFailureNotifications: boolean;
}

export function wantsMail(preferences: Wishes | null, status: "success" | "failed"): boolean {
  if (!preferences) return true;
  if (!preferences.emailNotifications) return false;
  return status === "success" ? preferences.deploymentSuccessNotifications : preferences.deploymentFailureNotifications;
}

const wishes = { emailNotifications: true, deploymentSuccessNotifications: true, deploymentFailureNotifications: true } as const;

export async function notifyDeployment(deps: NotifyDeps, deploymentId: string): Promise<NotifyResult> {
  return deps.db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${notifyJobKey(deploymentId)}::text, 0))`;
      const row = await tx.deployment.findUnique({
        where: { id: deploymentId },
        select: {
          id: true,
          status: true,
          notifiedAt: true,
          repository: true,
          branch: true,
          commitHash: true,
          commitMessage: true,
          buildDuration: true,
          deployedUrl: true,
          errorMessage: true,
          project: { select: { name: true } },
          user: { select: { email: true, preferences: { select: wishes } } },
        },
      });
      if (!row) return "gone";
      if (row.notifiedAt) return "already-notified";
      const status = row.status;
      if (status !== "success" && status !== "failed") return "not-final";
      if (!wantsMail(row.user.preferences, status)) return "disabled";
      const { project, user, notifiedAt: _notifiedAt, ...fields } = row;
      await deps.mailer.send(composeDeploymentMail(deps.env.APP_URL, { ...fields, status, to: user.email, projectName: project.name }));
      await tx.deployment.updateMany({ where: { id: deploymentId, notifiedAt: null }, data: { notifiedAt: new Date() } });
      return "sent";
    },
    { timeout: SEND_TRANSACTION_MS, maxWait: 10_000 },
  );
}
