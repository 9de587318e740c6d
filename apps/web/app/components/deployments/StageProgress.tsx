import { Check, CircleSlash, Loader2, X } from "lucide-react";
import { cx } from "@autostack/ui";
import { formatClock } from "./format";
import { buildSteps, type StageRow, type StepState } from "./stages";
import type { DeploymentStatus } from "./status";
import { useTimeZone } from "./time";

const dot: Record<StepState, string> = {
  pending: "border-zinc-300 bg-white text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900",
  skipped: "border-dashed border-zinc-300 bg-white text-zinc-300 dark:border-zinc-700 dark:bg-zinc-900",
  active: "border-sky-500 bg-sky-50 text-sky-600 dark:bg-sky-500/10 dark:text-sky-300",
  done: "border-emerald-500 bg-emerald-500 text-white",
  failed: "border-red-500 bg-red-500 text-white",
  cancelled: "border-zinc-400 bg-zinc-400 text-white dark:border-zinc-500 dark:bg-zinc-600",
};

const stateText: Record<StepState, string> = {
  pending: "not started",
  skipped: "skipped",
  active: "in progress",
  done: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

function StepIcon({ state, index }: { state: StepState; index: number }) {
  if (state === "done") return <Check className="h-3.5 w-3.5" strokeWidth={3} aria-hidden="true" />;
  if (state === "failed") return <X className="h-3.5 w-3.5" strokeWidth={3} aria-hidden="true" />;
  if (state === "cancelled") return <CircleSlash className="h-3.5 w-3.5" strokeWidth={2.5} aria-hidden="true" />;
  if (state === "active") return <Loader2 className="h-3.5 w-3.5 animate-spin" strokeWidth={2.5} aria-hidden="true" />;
  return <span className="text-[11px] font-semibold tabular-nums">{index + 1}</span>;
}

/** Queued → Building → Deploying → Success/Failed/Cancelled, with the time each began. */
export function StageProgress({ status, stages }: { status: DeploymentStatus; stages: readonly StageRow[] }) {
  const timeZone = useTimeZone();
  const steps = buildSteps(status, stages);
  return (
    <ol aria-label="Deployment stages" className="grid grid-cols-2 gap-y-5 sm:grid-cols-4">
      {steps.map((step, index) => {
        const next = steps[index + 1];
        const lineDone = step.state === "done" && next && next.state !== "pending" && next.state !== "skipped";
        return (
          <li key={step.key} className="relative flex flex-col items-start pr-4" aria-current={step.state === "active" ? "step" : undefined}>
            {next ? (
              <span
                aria-hidden="true"
                className={cx(
                  "absolute left-7 right-1 top-3 hidden h-0.5 rounded-full sm:block",
                  lineDone ? "bg-emerald-500" : step.state === "active" ? "bg-gradient-to-r from-sky-400 to-zinc-200 dark:to-zinc-800" : "bg-zinc-200 dark:bg-zinc-800",
                )}
              />
            ) : null}
            <span className={cx("relative flex h-6 w-6 items-center justify-center rounded-full border-2", dot[step.state])}>
              <StepIcon state={step.state} index={index} />
            </span>
            <span
              className={cx(
                "mt-2 text-sm font-medium",
                step.state === "pending" || step.state === "skipped" ? "text-zinc-400 dark:text-zinc-500" : "text-zinc-900 dark:text-white",
                step.state === "failed" && "text-red-700 dark:text-red-400",
              )}
            >
              {step.label}
              <span className="sr-only"> ({stateText[step.state]})</span>
            </span>
            <span className="mt-0.5 text-xs tabular-nums text-zinc-500 dark:text-zinc-400">
              {step.timestamp ? (
                <time dateTime={step.timestamp}>{formatClock(step.timestamp, timeZone)}</time>
              ) : step.state === "active" ? (
                "In progress…"
              ) : step.state === "skipped" ? (
                "Skipped"
              ) : (
                "—"
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
