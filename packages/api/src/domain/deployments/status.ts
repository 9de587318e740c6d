import type { DeploymentStatusName } from "../../events.js";

// The deployment state machine's vocabulary:
//   queued → building → deploying → success
//   queued | building | deploying → failed | cancelled
// Stage rows mirror it (stage_name is lowercase in the table, as the spec's
// schema says; the API shows "Queued", "Building", ...).

export type DeploymentStatus = DeploymentStatusName;

export const DEPLOYMENT_STATUSES = ["queued", "building", "deploying", "success", "failed", "cancelled"] as const;
export const ACTIVE_STATUSES: DeploymentStatus[] = ["queued", "building", "deploying"];
export const FINAL_STATUSES: DeploymentStatus[] = ["success", "failed", "cancelled"];

export function isFinalStatus(status: string): boolean {
  return (FINAL_STATUSES as string[]).includes(status);
}

/** Still moving: may change, can be cancelled, has live logs. */
export function isActiveStatus(status: string): boolean {
  return (ACTIVE_STATUSES as string[]).includes(status);
}

export function asStatus(status: string): DeploymentStatus {
  return (DEPLOYMENT_STATUSES as readonly string[]).includes(status) ? (status as DeploymentStatus) : "failed";
}

export type StageName = DeploymentStatus;
export type StageStatus = "pending" | "in_progress" | "completed" | "failed";

export const STAGE_LABELS = {
  queued: "Queued",
  building: "Building",
  deploying: "Deploying",
  success: "Success",
  failed: "Failed",
  cancelled: "Cancelled",
} as const satisfies Record<StageName, string>;

export type StageLabel = (typeof STAGE_LABELS)[StageName];

/** Display order of stage rows. */
export const STAGE_ORDER: StageName[] = ["queued", "building", "deploying", "success", "failed", "cancelled"];

/** "45s", "2m 34s", "1h 3m 0s"; null when unknown. */
export function formatDuration(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** The Deployments page's status filter (the API's `status` query parameter). */
export const STATUS_FILTERS = ["all", "success", "failed", "building"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export function statusesFor(filter: StatusFilter): DeploymentStatus[] | null {
  switch (filter) {
    case "all":
      return null;
    case "building":
      return ACTIVE_STATUSES;
    default:
      return [filter];
  }
}
