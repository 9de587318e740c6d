import { asStatus, type DeploymentStatus } from "../../domain/deployments/status.js";

// The text of a project's one comment on a pull request: the newest preview
// (commit, status, links), whether it was built without the project's env
// vars (a fork's pull request), or that the previews were removed.

export const PR_COMMENT_MARKER = "<!-- autostack:preview -->";

export interface PrCommentView {
  projectName: string;
  fromFork: boolean;
  closed: boolean;
  latest: { status: string; commitHash: string | null; previewUrl: string; detailUrl: string; errorMessage: string | null } | null;
}

const LABELS: Record<DeploymentStatus, string> = {
  queued: "⏳ Building",
  building: "⏳ Building",
  deploying: "⏳ Building",
  success: "✅ Ready",
  failed: "❌ Failed",
  cancelled: "⚪ Cancelled",
};

/** GitHub renders Markdown; the project name and error text are kept out of its syntax. */
function plain(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s+/g, " ").slice(0, 300);
}

export function renderPrComment(view: PrCommentView): string {
  const lines = [PR_COMMENT_MARKER, `**Autostack preview** of ${plain(view.projectName)}`, ""];
  const latest = view.latest;
  if (view.closed) {
    lines.push("🗑️ The pull request was closed: its preview deployments were removed.");
  } else if (latest) {
    const status = asStatus(latest.status);
    const preview = status === "success" ? `[Visit preview](${latest.previewUrl})` : "—";
    lines.push(
      "| Commit | Status | Preview | Details |",
      "| --- | --- | --- | --- |",
      `| \`${latest.commitHash?.slice(0, 7) ?? "—"}\` | ${LABELS[status]} | ${preview} | [Deployment](${latest.detailUrl}) |`,
    );
    if (status === "failed" && latest.errorMessage) lines.push("", `> ${plain(latest.errorMessage)}`);
  }
  if (view.fromFork) {
    lines.push("", "⚠️ This pull request comes from a fork: the preview was built **without the project's environment variables** (the pull request's code could print them).");
  }
  return lines.join("\n");
}
