-- When the owner was mailed about this deployment's outcome (success or
-- failure). The notify_deployment job sets it with a conditional UPDATE
-- (WHERE notified_at IS NULL), so a retried or duplicated job mails once.

-- AlterTable
ALTER TABLE "deployments" ADD COLUMN "notified_at" TIMESTAMPTZ(3);
