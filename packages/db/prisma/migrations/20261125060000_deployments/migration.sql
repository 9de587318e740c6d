-- Deployments end to end: URLs (slugs), per-deployment build configuration,
-- artifacts, cancellation, worker liveness and ordered log cursors.

-- AlterTable
ALTER TABLE "projects" ADD COLUMN "slug" VARCHAR(63) NOT NULL,
ADD COLUMN "install_command" TEXT,
ADD COLUMN "root_directory" VARCHAR(255),
ADD COLUMN "spa_fallback" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "production_deployment_id" UUID;

-- AlterTable
ALTER TABLE "deployments" ADD COLUMN "slug" VARCHAR(63) NOT NULL,
ADD COLUMN "repository" VARCHAR(255) NOT NULL,
ADD COLUMN "build_command" TEXT NOT NULL,
ADD COLUMN "install_command" TEXT,
ADD COLUMN "output_dir" VARCHAR(255) NOT NULL,
ADD COLUMN "root_directory" VARCHAR(255),
ADD COLUMN "env_vars_encrypted" TEXT,
ADD COLUMN "error_message" TEXT,
ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "worker_id" VARCHAR(128),
ADD COLUMN "cancel_requested_at" TIMESTAMPTZ(3),
ADD COLUMN "artifact_key" VARCHAR(255),
ADD COLUMN "artifact_bytes" BIGINT,
ADD COLUMN "artifact_files" INTEGER;

-- AlterTable
ALTER TABLE "deployment_logs" ADD COLUMN "seq" BIGSERIAL NOT NULL;

-- DropIndex
DROP INDEX "deployment_logs_deployment_id_idx";

-- CreateTable
CREATE TABLE "worker_heartbeats" (
    "worker_id" VARCHAR(128) NOT NULL,
    "hostname" VARCHAR(255) NOT NULL,
    "pid" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "worker_heartbeats_pkey" PRIMARY KEY ("worker_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "projects_slug_key" ON "projects"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "projects_production_deployment_id_key" ON "projects"("production_deployment_id");

-- CreateIndex
CREATE UNIQUE INDEX "deployments_slug_key" ON "deployments"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "deployment_logs_seq_key" ON "deployment_logs"("seq");

-- CreateIndex
CREATE INDEX "deployment_logs_deployment_id_seq_idx" ON "deployment_logs"("deployment_id", "seq");

-- CreateIndex
CREATE INDEX "worker_heartbeats_last_seen_at_idx" ON "worker_heartbeats"("last_seen_at");

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_production_deployment_id_fkey" FOREIGN KEY ("production_deployment_id") REFERENCES "deployments"("id") ON DELETE SET NULL ON UPDATE CASCADE;
