import type { BadgeVariant } from "@autostack/ui";

// The deployment state machine as the UI names and colours it (the API's
// vocabulary: queued → building → deploying → success | failed | cancelled).

export const DEPLOYMENT_STATUSES = ["queued", "building", "deploying", "success", "failed", "cancelled"] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

const ACTIVE: ReadonlySet<string> = new Set(["queued", "building", "deploying"]);

/** Still moving: may change, can be cancelled, has live logs. */
export function isActiveStatus(status: string): boolean {
  return ACTIVE.has(status);
}

export const STATUS_LABELS: Record<DeploymentStatus, string> = {
  queued: "Queued",
  building: "Building",
  deploying: "Deploying",
  success: "Success",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const STATUS_BADGES: Record<DeploymentStatus, BadgeVariant> = {
  queued: "queued",
  building: "building",
  deploying: "building",
  success: "success",
  failed: "failed",
  cancelled: "cancelled",
};

/** The list's filter values (the API's `status` query parameter). */
export const STATUS_FILTERS = [
  { value: "all", label: "All" },
  { value: "success", label: "Success" },
  { value: "failed", label: "Failed" },
  { value: "building", label: "Building" },
] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number]["value"];

export function parseStatusFilter(value: string | null): StatusFilter {
  return STATUS_FILTERS.find((filter) => filter.value === value)?.value ?? "all";
}
