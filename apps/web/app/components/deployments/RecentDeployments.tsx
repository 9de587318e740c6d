import { Link, useRevalidator } from "@remix-run/react";
import { ChevronRight } from "lucide-react";
import { useMemo } from "react";
import { cx, focusRing } from "@autostack/ui";
import { useLiveStatuses } from "./live";
import { isActiveStatus } from "./status";
import { BranchBadge, StatusBadge } from "./StatusBadge";
import { RelativeTime } from "./time";
import type { DeploymentListRow } from "./types";

/** The dashboard's five newest deployments; running ones update live. */
export function RecentDeployments({ deployments }: { deployments: DeploymentListRow[] }) {
  const revalidator = useRevalidator();
  const active = useMemo(() => deployments.filter((d) => isActiveStatus(d.status)), [deployments]);
  const { snapshots } = useLiveStatuses(active, {
    onChange: () => {
      if (revalidator.state === "idle") revalidator.revalidate();
    },
  });
  return (
    <ul className="divide-y divide-zinc-100 px-2 pb-2 pt-3 dark:divide-zinc-800/70" aria-label="Recent deployments">
      {deployments.map((deployment) => {
        const status = snapshots.get(deployment.id)?.status ?? deployment.status;
        return (
          <li key={deployment.id}>
            <Link
              to={`/deployments/${deployment.id}`}
              className={cx("group flex items-center gap-4 rounded-lg px-4 py-3 hover:bg-zinc-50 dark:hover:bg-zinc-800/40", focusRing, "focus-visible:ring-offset-0")}
            >
              <span className="min-w-0 flex-1">
                <span className="flex items-center gap-2">
                  <span className="truncate text-sm font-medium text-zinc-900 dark:text-white">{deployment.repo}</span>
                  <BranchBadge branch={deployment.branch} className="hidden max-w-[12rem] sm:inline-flex" />
                </span>
                <span className="mt-0.5 flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
                  {deployment.commit ? <code className="font-mono">{deployment.commit}</code> : null}
                  {deployment.author ? <span className="truncate">{deployment.author}</span> : null}
                  <RelativeTime iso={deployment.timestamp} />
                  {deployment.duration ? <span className="tabular-nums">took {deployment.duration}</span> : null}
                </span>
              </span>
              <StatusBadge status={status} />
              <ChevronRight className="h-4 w-4 shrink-0 text-zinc-300 transition-transform group-hover:translate-x-0.5 dark:text-zinc-600" aria-hidden="true" />
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
