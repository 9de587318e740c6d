import type { Deps } from "../deps.js";
import type { Env } from "../../env.js";
import { asStatus } from "../../domain/deployments/status.js";
import { clip } from "../deployments/transitions.js";
import { siteUrl, type UrlEnv } from "../deployments/urls.js";
import { repoLinkOf, repoLinkSelect, writeAsInstallation, type RepoWriterEnv } from "./repo-writer.js";

// The commit status of a deployment of a GitHub commit (task
// github-commit-status): pending while it is queued or building, then
// success (target_url: the deployment's own URL), failure (the error, clipped
// to GitHub's 140 characters, linking to the deployment's page) or error
// (cancelled or superseded). The task reports the deployment's status as it
// is when the task runs, not the one in its payload, so a late job for an
// older state never overwrites a newer one.

export type CommitState = "pending" | "success" | "failure" | "error";

/** GitHub refuses longer descriptions. */
export const STATUS_DESCRIPTION_MAX = 140;

export interface CommitStatusReport {
  state: CommitState;
  description: string;
  targetUrl: string;
  context: string;
}

type StatusEnv = UrlEnv & Pick<Env, "APP_URL">;

export function statusReport(
  env: StatusEnv,
  row: { id: string; status: string; slug: string; target: string; errorMessage: string | null },
): CommitStatusReport {
  const context = row.target === "preview" ? "autostack/preview" : "autostack";
  const page = `${env.APP_URL}/deployments/${row.id}`;
  const report = (state: CommitState, description: string, targetUrl = page) => ({ state, description: clip(description, STATUS_DESCRIPTION_MAX), targetUrl, context });
  switch (asStatus(row.status)) {
    case "queued":
      return report("pending", "Deployment queued");
    case "building":
      return report("pending", "Building");
    case "deploying":
      return report("pending", "Deploying");
    case "success":
      return report("success", row.target === "preview" ? "Preview ready" : "Deployed", siteUrl(env, row.slug));
    case "failed":
      return report("failure", row.errorMessage?.trim() || "Build failed");
    case "cancelled":
      return report("error", row.errorMessage?.trim() || "Deployment cancelled");
  }
}

/** Posts the deployment's current status to its commit; the outcome is for the job's log line. */
export async function reportCommitStatus(deps: Pick<Deps, "db"> & { env: StatusEnv & RepoWriterEnv & Pick<Env, "GITHUB_URL"> }, deploymentId: string): Promise<string> {
  const row = await deps.db.deployment.findUnique({
    where: { id: deploymentId },
    select: { id: true, status: true, slug: true, target: true, errorMessage: true, commitHash: true, project: { select: repoLinkSelect } },
  });
  if (!row) return "skipped: the deployment is gone";
  const link = repoLinkOf(deps.env, row.project);
  if (!link || !row.commitHash || !/^[0-9a-f]{40}$/.test(row.commitHash)) return "skipped: not a deployment of a GitHub commit";
  const report = statusReport(deps.env, row);
  const result = await writeAsInstallation(deps.env, link, { statuses: "write", metadata: "read" }, "the commit status", (octokit) =>
    octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
      owner: link.owner,
      repo: link.name,
      sha: row.commitHash!,
      state: report.state,
      target_url: report.targetUrl,
      description: report.description,
      context: report.context,
    }),
  );
  return result.ok ? `reported ${report.state} (${report.context})` : `gave up: ${result.gaveUp}`;
}
