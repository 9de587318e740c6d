import { memo } from "react";
import { cx, focusRing } from "@autostack/ui";
import { ANSI_COLOR_CLASSES, parseAnsi, type AnsiSpan } from "~/lib/ansi";
import { formatClock } from "./format";
import type { BufferedLine } from "./log-buffer";

// One line of the log viewer, and the live connection's state in its toolbar.

export type StreamState = "connecting" | "live" | "reconnecting" | "ended" | "offline";

const spanCache = new WeakMap<BufferedLine, AnsiSpan[]>();
function spansOf(line: BufferedLine): AnsiSpan[] {
  let spans = spanCache.get(line);
  if (!spans) {
    spans = parseAnsi(line.message);
    spanCache.set(line, spans);
  }
  return spans;
}

const rowTone: Record<BufferedLine["level"], string> = {
  info: "hover:bg-white/[0.03]",
  warning: "bg-amber-400/[0.07] text-amber-200 shadow-[inset_2px_0_0_theme(colors.amber.400)]",
  error: "bg-red-500/10 text-red-300 shadow-[inset_2px_0_0_theme(colors.red.500)]",
};

const levelLabel: Record<BufferedLine["level"], string> = { info: "", warning: "Warning: ", error: "Error: " };

export const LogRow = memo(function LogRow({ line, timeZone }: { line: BufferedLine; timeZone: string | undefined }) {
  return (
    <div className={cx("flex h-5 whitespace-pre pl-3 pr-4", rowTone[line.level])} data-level={line.level}>
      <span className="w-[4.75rem] shrink-0 select-none text-zinc-500" aria-hidden="true">
        {formatClock(line.timestamp, timeZone)}
      </span>
      <span>
        {levelLabel[line.level] ? <span className="sr-only">{levelLabel[line.level]}</span> : null}
        {spansOf(line).map((span, index) =>
          span.color || span.bold ? (
            <span key={index} className={cx(span.color && ANSI_COLOR_CLASSES[span.color], span.bold && "font-bold")}>
              {span.text}
            </span>
          ) : (
            <span key={index}>{span.text}</span>
          ),
        )}
      </span>
    </div>
  );
});

export function StreamIndicator({ state, onRetry }: { state: StreamState; onRetry: () => void }) {
  if (state === "ended") return null;
  if (state === "offline") {
    return (
      <span className="flex items-center gap-2 text-xs text-red-300">
        Live updates stopped
        <button type="button" onClick={onRetry} className={cx("rounded px-1.5 py-0.5 font-medium text-white underline-offset-2 hover:underline", focusRing)}>
          Retry
        </button>
      </span>
    );
  }
  const live = state === "live";
  return (
    <span className="flex items-center gap-1.5 text-xs text-zinc-400" role="status">
      <span className="relative flex h-2 w-2" aria-hidden="true">
        {live ? <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-emerald-400 opacity-60" /> : null}
        <span className={cx("relative inline-flex h-2 w-2 rounded-full", live ? "bg-emerald-400" : "bg-amber-400")} />
      </span>
      {live ? "Live" : state === "reconnecting" ? "Reconnecting…" : "Connecting…"}
    </span>
  );
}
