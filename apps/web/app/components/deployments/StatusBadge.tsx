import { Badge, cx } from "@autostack/ui";
import { GitBranch } from "lucide-react";
import { STATUS_BADGES, STATUS_LABELS, type DeploymentStatus } from "./status";

export function StatusBadge({ status, className }: { status: DeploymentStatus; className?: string }) {
  return (
    <Badge variant={STATUS_BADGES[status]} dot className={className}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}

export function BranchBadge({ branch, className }: { branch: string; className?: string }) {
  return (
    <span
      className={cx(
        "inline-flex max-w-full items-center gap-1 rounded-md bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
        className,
      )}
      title={branch}
    >
      <GitBranch className="h-3 w-3 shrink-0 text-zinc-400" aria-hidden="true" />
      <span className="truncate">{branch || "—"}</span>
    </span>
  );
}
