import { AlertTriangle, Sparkles } from "lucide-react";
import { cx, focusRing, Spinner } from "@autostack/ui";
import { detectionHeadline } from "./detection";
import type { DetectionState } from "./use-detection";

// Above the build settings: what detection found in the repository (and what
// the user should change in it), or why it could not look. Never blocking:
// the fields below stay editable whatever this says.

function RedetectButton({ onClick }: { onClick: () => void }) {
  return (
    <button type="button" onClick={onClick} className={cx("shrink-0 rounded text-xs font-medium text-indigo-600 hover:underline dark:text-indigo-400", focusRing)}>
      Re-detect
    </button>
  );
}

export function DetectionPanel({ state, onRedetect }: { state: DetectionState; onRedetect: () => void }) {
  if (state.status === "idle") return null;
  const failed = state.status === "failed";
  return (
    <div
      role="status"
      aria-live="polite"
      aria-busy={state.status === "loading"}
      className={cx(
        "rounded-lg border px-3.5 py-3 text-sm",
        failed
          ? "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200"
          : "border-zinc-200 bg-zinc-50 text-zinc-800 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-200",
      )}
    >
      <div className="flex items-start gap-2.5">
        {state.status === "loading" ? (
          <Spinner className="mt-0.5 shrink-0 text-zinc-400" />
        ) : failed ? (
          <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
        ) : (
          <Sparkles className="mt-0.5 h-4 w-4 shrink-0 text-indigo-500" aria-hidden="true" />
        )}
        <div className="min-w-0 flex-1 leading-5">
          {state.status === "loading" ? <p>Detecting the framework…</p> : null}
          {state.status === "failed" ? (
            <p>
              Could not detect the framework: {state.message.replace(/\.$/, "")}. Fill in the settings below yourself.
            </p>
          ) : null}
          {state.status === "done" ? (
            <>
              <p className="font-medium">{detectionHeadline(state.detection)}</p>
              {state.detection.notes.length > 0 ? (
                <ul className="mt-1.5 list-disc space-y-1 pl-4 text-[13px] text-zinc-600 dark:text-zinc-400">
                  {state.detection.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              ) : null}
            </>
          ) : null}
        </div>
        {state.status !== "loading" ? <RedetectButton onClick={onRedetect} /> : null}
      </div>
    </div>
  );
}
