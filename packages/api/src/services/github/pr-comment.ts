import type { Deps } from "../deps.js";
import type { Env } from "../../env.js";
import { siteUrl, type UrlEnv } from "../deployments/urls.js";
import { renderPrComment } from "./pr-comment-body.js";
import { repoLinkOf, repoLinkSelect, writeAsInstallation, type RepoWriterEnv } from "./repo-writer.js";

// A project's one comment on a pull request (task github-pr-comment): created
// with the first preview, then edited on every new commit, final status and
// when the pull request closes; never posted twice. The comment's row is
// locked while GitHub is called, so two runs for one pull request take turns
// and the second edits what the first created.

type CommentEnv = UrlEnv & Pick<Env, "APP_URL" | "GITHUB_URL"> & RepoWriterEnv;

const CALL_TIMEOUT_MS = 30_000;

export async function syncPrComment(deps: Pick<Deps, "db"> & { env: CommentEnv }, projectId: string, pullRequestNumber: number): Promise<string> {
  const { env } = deps;
  return deps.db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<{ found: number }[]>`
        SELECT 1 AS found FROM github_pr_comments WHERE project_id = ${projectId}::uuid AND pull_request_number = ${pullRequestNumber} FOR UPDATE`;
      if (locked.length === 0) return "skipped: no preview of this pull request";
      const comment = await tx.githubPrComment.findUniqueOrThrow({ where: { projectId_pullRequestNumber: { projectId, pullRequestNumber } } });
      const project = await tx.project.findUniqueOrThrow({ where: { id: projectId }, select: { name: true, ...repoLinkSelect } });
      const link = repoLinkOf(env, project);
      if (!link) return "skipped: the project is no longer linked to GitHub";
      const latest = await tx.deployment.findFirst({
        where: { projectId, pullRequestNumber },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        select: { id: true, status: true, commitHash: true, slug: true, errorMessage: true },
      });
      const body = renderPrComment({
        projectName: project.name,
        fromFork: comment.fromFork,
        closed: comment.closedAt !== null,
        latest: latest && { ...latest, previewUrl: siteUrl(env, latest.slug), detailUrl: `${env.APP_URL}/deployments/${latest.id}` },
      });
      // Only what the App is granted (README): asking for more (issues) makes GitHub refuse the token.
      const permissions = { pull_requests: "write", metadata: "read" } as const;
      const repo = { owner: link.owner, repo: link.name };
      if (comment.commentId !== null) {
        const edited = await writeAsInstallation(env, link, permissions, "the pull request comment", (octokit) =>
          octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: Number(comment.commentId), body }),
        );
        return edited.ok ? `edited comment ${comment.commentId}` : `gave up: ${edited.gaveUp}`;
      }
      const created = await writeAsInstallation(env, link, permissions, "the pull request comment", (octokit) =>
        octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...repo, issue_number: pullRequestNumber, body }),
      );
      if (!created.ok) return `gave up: ${created.gaveUp}`;
      await tx.githubPrComment.update({ where: { projectId_pullRequestNumber: { projectId, pullRequestNumber } }, data: { commentId: BigInt(created.value.data.id) } });
      return `created comment ${created.value.data.id}`;
    },
    { timeout: CALL_TIMEOUT_MS, maxWait: CALL_TIMEOUT_MS },
  );
}
