-- The GitHub App connection (issue 8 §2): a user connects by installing the
-- App; the installation is what lists repositories and mints the short-lived
-- tokens builds clone with. A user token exists only when the App asks for
-- user authorization during installation (and GITHUB_APP_CLIENT_ID/_SECRET
-- are set), so github_access_token becomes nullable: without one, the
-- installation is trusted on the strength of the signed setup state.
-- Tokens are stored AES-256-GCM sealed, as env vars are.

-- AlterTable
ALTER TABLE "github_connections" ALTER COLUMN "github_access_token" DROP NOT NULL;
ALTER TABLE "github_connections" ADD COLUMN "installation_id" BIGINT;
ALTER TABLE "github_connections" ADD COLUMN "github_user_id" BIGINT;
ALTER TABLE "github_connections" ADD COLUMN "account_login" VARCHAR(255);
ALTER TABLE "github_connections" ADD COLUMN "account_type" VARCHAR(32);

-- CreateIndex
CREATE INDEX "github_connections_installation_id_idx" ON "github_connections"("installation_id");

-- AlterTable
ALTER TABLE "projects" ADD COLUMN "github_installation_id" BIGINT;
