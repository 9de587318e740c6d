-- Pull-request previews: a deployment is either for production (a push, the
-- wizard, a redeploy: it may become the project's production deployment) or a
-- preview of a pull request's head commit (its own URL only, never
-- production). One comment per project and pull request on GitHub, created
-- once and edited afterwards: its id is kept here.

-- AlterTable
ALTER TABLE "deployments"
    ADD COLUMN "target" VARCHAR(20) NOT NULL DEFAULT 'production',
    ADD COLUMN "pull_request_number" INTEGER;

-- CreateIndex
CREATE INDEX "deployments_project_id_pull_request_number_idx" ON "deployments"("project_id", "pull_request_number");

-- CreateTable
CREATE TABLE "github_pr_comments" (
    "project_id" UUID NOT NULL,
    "pull_request_number" INTEGER NOT NULL,
    "comment_id" BIGINT,
    "from_fork" BOOLEAN NOT NULL DEFAULT false,
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "github_pr_comments_pkey" PRIMARY KEY ("project_id", "pull_request_number")
);

-- AddForeignKey
ALTER TABLE "github_pr_comments" ADD CONSTRAINT "github_pr_comments_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
