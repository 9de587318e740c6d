import { ACTIVE_STATUSES, isFinalStatus, STAGE_LABELS } from "@autostack/api/schemas";
import type { DeploymentStatus } from "./status";

// The four steps the detail page shows: Queued → Building → Deploying →
// Success | Failed | Cancelled, built from the API's stage rows (a stage
// that never started has no row, or a pending one).

export interface StageRow {
  name: string;
  status: "pending" | "in_progress" | "completed" | "failed";
  timestamp: string | null;
}

export type StepState = "pending" | "active" | "done" | "failed" | "cancelled" | "skipped";

export interface Step {
  key: "queued" | "building" | "deploying" | "final";
  label: string;
  state: StepState;
  timestamp: string | null;
}


export function buildSteps(status: DeploymentStatus, stages: readonly StageRow[]): Step[] {
  const byName = new Map(stages.map((stage) => [stage.name.toLowerCase(), stage]));
  // The API's vocabulary: the moving stages in order, then one final status.
  const final = isFinalStatus(status) ? STAGE_LABELS[status] : undefined;
  const order = ACTIVE_STATUSES as readonly ("queued" | "building" | "deploying")[];
  const currentIndex = (order as readonly string[]).indexOf(status);

  const steps: Step[] = order.map((key, index) => {
    const row = byName.get(key);
    const label = STAGE_LABELS[key];
    let state: StepState;
    // The API fails the stage a cancellation interrupted (with the reason on
    // the row): here it is the cancellation it was, not a build error.
    if (row?.status === "failed") state = status === "cancelled" ? "cancelled" : "failed";
    else if (row?.status === "completed") state = "done";
    else if (row?.status === "in_progress") state = final ? (status === "cancelled" ? "cancelled" : "failed") : "active";
    else if (currentIndex === index) state = "active";
    else if (currentIndex > index || status === "success") state = "done";
    else state = final ? "skipped" : "pending";
    return { key, label, state, timestamp: row?.timestamp ?? null };
  });

  const finalRow = final ? byName.get(status) : undefined;
  steps.push({
    key: "final",
    label: final ?? "Success",
    state: status === "success" ? "done" : status === "failed" ? "failed" : status === "cancelled" ? "cancelled" : "pending",
    timestamp: finalRow?.timestamp ?? null,
  });
  return steps;
}
