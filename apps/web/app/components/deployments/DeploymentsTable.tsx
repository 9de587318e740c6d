import { Link } from "@remix-run/react";
import { FileText } from "lucide-react";
import type { DeploymentListRow } from "./types";
import { buttonClasses, cx, focusRing, Skeleton, Table, TBody, TD, TH, THead, TR } from "@autostack/ui";
import { BranchBadge, StatusBadge } from "./StatusBadge";
import { RelativeTime } from "./time";

// The Deployments page's table, with the spec's columns. Rows come from the
// loader, with live statuses merged in by the page.

export type DeploymentRow = DeploymentListRow;

/** Eight columns in the content width of a 1280 px screen: tighter cells than the kit's default. */
const compact = "[&_td]:px-3 [&_th]:px-3 [&_td:first-child]:pl-4 [&_th:first-child]:pl-4 [&_td:last-child]:pr-4";

function Muted({ children }: { children: string | null }) {
  return children ? <>{children}</> : <span className="text-zinc-400 dark:text-zinc-600">—</span>;
}

function Head() {
  return (
    <THead>
      <tr>
        <TH>Repository</TH>
        <TH className="hidden sm:table-cell">Branch</TH>
        <TH>Status</TH>
        <TH className="hidden xl:table-cell">Author</TH>
        <TH className="hidden md:table-cell">Commit</TH>
        <TH className="hidden sm:table-cell">Duration</TH>
        <TH>Timestamp</TH>
        <TH className="hidden text-right sm:table-cell">
          <span className="sr-only">Actions</span>
        </TH>
      </tr>
    </THead>
  );
}

export function DeploymentsTable({ deployments, caption }: { deployments: DeploymentRow[]; caption: string }) {
  return (
    <Table className={compact}>
      <caption className="sr-only">{caption}</caption>
      <Head />
      <TBody>
        {deployments.map((deployment) => (
          <TR key={deployment.id}>
            <TD className="max-w-[14rem]">
              <Link
                to={`/deployments/${deployment.id}`}
                className={cx("block truncate rounded font-medium text-zinc-900 hover:underline dark:text-white", focusRing)}
                title={deployment.repo}
              >
                {deployment.repo}
              </Link>
            </TD>
            <TD className="hidden sm:table-cell">
              <BranchBadge branch={deployment.branch} className="max-w-[10rem]" />
            </TD>
            <TD>
              <StatusBadge status={deployment.status} />
            </TD>
            <TD className="hidden max-w-[9rem] truncate xl:table-cell">
              <Muted>{deployment.author}</Muted>
            </TD>
            <TD className="hidden font-mono text-xs md:table-cell">
              <Muted>{deployment.commit}</Muted>
            </TD>
            <TD className="hidden whitespace-nowrap tabular-nums sm:table-cell">
              <Muted>{deployment.duration}</Muted>
            </TD>
            <TD className="whitespace-nowrap">
              <RelativeTime iso={deployment.timestamp} />
            </TD>
            {/* On a phone the repository name is the link to the logs. */}
            <TD className="hidden text-right sm:table-cell">
              <Link
                to={`/deployments/${deployment.id}`}
                className={buttonClasses({ variant: "secondary", size: "sm" })}
                aria-label={`View logs of ${deployment.repo} (${deployment.branch})`}
              >
                <FileText className="h-3.5 w-3.5" aria-hidden="true" />
                View logs
              </Link>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}

/** One placeholder bar per column of Head, sized like that column's content. */
const skeletonCells: { cell?: string; bar: string }[] = [
  { bar: "h-4 w-32" },
  { cell: "hidden sm:table-cell", bar: "h-5 w-16" },
  { bar: "h-5 w-20 rounded-full" },
  { cell: "hidden xl:table-cell", bar: "h-4 w-20" },
  { cell: "hidden md:table-cell", bar: "h-4 w-14" },
  { cell: "hidden sm:table-cell", bar: "h-4 w-12" },
  { bar: "h-4 w-20" },
  { cell: "hidden text-right sm:table-cell", bar: "ml-auto h-8 w-24" },
];

/** Placeholder rows while the list loads (same columns, so nothing jumps). */
export function DeploymentsTableSkeleton({ rows = 6 }: { rows?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading deployments">
      <Table className={compact}>
        <Head />
        <TBody>
          {Array.from({ length: rows }, (_, index) => (
            <tr key={index}>
              {skeletonCells.map(({ cell, bar }, column) => (
                <TD key={column} className={cell}>
                  <Skeleton className={bar} />
                </TD>
              ))}
            </tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
