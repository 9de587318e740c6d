-- installation / installation_repositories webhooks (issue 8 §3). A
-- suspended installation keeps its connection but deploys nothing until it is
-- unsuspended. repos_version is bumped by the worker when the installation's
-- repositories change: the web processes' in-memory repository lists are
-- keyed by it, so a change seen by the worker reaches every web process
-- through the row they read anyway.

-- AlterTable
ALTER TABLE "github_connections" ADD COLUMN "suspended_at" TIMESTAMPTZ(3);
ALTER TABLE "github_connections" ADD COLUMN "repos_version" INTEGER NOT NULL DEFAULT 0;
