import { STAGE_LABELS, STATUS_FILTERS as FILTER_VALUES, type DeploymentStatus, type StatusFilter } from "@autostack/api/schemas";
import type { BadgeVariant } from "@autostack/ui";

// How the UI names and colours the API's deployment states
// (queued → building → deploying → success | failed | cancelled).

export { isActiveStatus, type DeploymentStatus, type StatusFilter } from "@autostack/api/schemas";

export const STATUS_LABELS: Record<DeploymentStatus, string> = STAGE_LABELS;

export const STATUS_BADGES: Record<DeploymentStatus, BadgeVariant> = {
  queued: "queued",
  building: "building",
  deploying: "building",
  success: "success",
  failed: "failed",
  cancelled: "cancelled",
};

/** The list's filter links, in the API's order. */
export const STATUS_FILTERS = FILTER_VALUES.map((value) => ({ value, label: value === "all" ? "All" : STAGE_LABELS[value] }));

export function parseStatusFilter(value: string | null): StatusFilter {
  return FILTER_VALUES.find((filter) => filter === value) ?? "all";
}
