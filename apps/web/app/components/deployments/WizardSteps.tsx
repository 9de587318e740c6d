import { Check } from "lucide-react";
import { cx, focusRing } from "@autostack/ui";
import type { WizardStep } from "./deploy-form";

const STEPS: { step: WizardStep; label: string; description: string }[] = [
  { step: 1, label: "Repository", description: "What to deploy" },
  { step: 2, label: "Configure", description: "How to build it" },
  { step: 3, label: "Deploy", description: "Check and start" },
];

/** The wizard's progress; steps already reached can be revisited. */
export function WizardSteps({ current, reached, onSelect }: { current: WizardStep; reached: WizardStep; onSelect: (step: WizardStep) => void }) {
  return (
    <ol className="grid grid-cols-3 gap-2 sm:gap-4" aria-label="Deployment steps">
      {STEPS.map(({ step, label, description }) => {
        const done = step < current;
        const isCurrent = step === current;
        const reachable = step <= reached && !isCurrent;
        const body = (
          <>
            <span
              className={cx(
                "flex h-7 w-7 shrink-0 items-center justify-center rounded-full text-xs font-semibold",
                done && "bg-emerald-500 text-white",
                isCurrent && "bg-zinc-900 text-white ring-4 ring-zinc-900/10 dark:bg-white dark:text-zinc-900 dark:ring-white/10",
                !done && !isCurrent && "border border-zinc-300 bg-white text-zinc-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-400",
              )}
            >
              {done ? <Check className="h-3.5 w-3.5" strokeWidth={3} aria-hidden="true" /> : step}
            </span>
            <span className="min-w-0 text-left">
              <span className={cx("block truncate text-sm font-medium", isCurrent || done ? "text-zinc-900 dark:text-white" : "text-zinc-500 dark:text-zinc-400")}>
                {label}
                <span className="sr-only">{done ? " (done)" : isCurrent ? " (current step)" : ""}</span>
              </span>
              <span className="hidden truncate text-xs text-zinc-500 sm:block dark:text-zinc-400">{description}</span>
            </span>
          </>
        );
        return (
          <li key={step} aria-current={isCurrent ? "step" : undefined} className={cx("border-t-2 pt-3", step <= current ? "border-zinc-900 dark:border-white" : "border-zinc-200 dark:border-zinc-800")}>
            {reachable ? (
              <button type="button" onClick={() => onSelect(step)} className={cx("flex w-full items-center gap-3 rounded-md", focusRing)}>
                {body}
              </button>
            ) : (
              <div className="flex items-center gap-3">{body}</div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
