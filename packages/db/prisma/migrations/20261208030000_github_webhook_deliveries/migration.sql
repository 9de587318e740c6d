-- GitHub webhook deliveries: one row per X-GitHub-Delivery, so a redelivery
-- is recognised and creates nothing. The payload is kept until the delivery
-- has been processed by the worker (then set to NULL: storage stays bounded).

-- CreateTable
CREATE TABLE "github_webhook_deliveries" (
    "id" VARCHAR(64) NOT NULL,
    "event" VARCHAR(64) NOT NULL,
    "action" VARCHAR(64),
    "installation_id" BIGINT,
    "payload" JSONB,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    "outcome" TEXT,

    CONSTRAINT "github_webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "github_webhook_deliveries_received_at_idx" ON "github_webhook_deliveries"("received_at");
