import type { ReactNode } from "react";
import { cx, focusRing } from "./cx.js";

export type ToastVariant = "success" | "error" | "info";

export interface ToastProps {
  variant?: ToastVariant;
  title: ReactNode;
  description?: ReactNode;
  onDismiss?: () => void;
  className?: string;
}

// One circled glyph per variant; only its colour and inner path differ.
const icons: Record<ToastVariant, { color: string; path: string }> = {
  success: {
    color: "text-emerald-500",
    path: "M10 18a8 8 0 1 0 0-16 8 8 0 0 0 0 16Zm3.86-10.14a.75.75 0 1 0-1.22-.88l-3.2 4.43-1.6-1.6a.75.75 0 0 0-1.06 1.06l2.22 2.22a.75.75 0 0 0 1.14-.09l3.72-5.14Z",
  },
  error: {
    color: "text-red-500",
    path: "M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z",
  },
  info: {
    color: "text-indigo-500",
    path: "M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-7-4a1 1 0 1 1-2 0 1 1 0 0 1 2 0ZM9 9a.75.75 0 0 0 0 1.5h.25v2.75a.75.75 0 0 0 1.5 0V10A1 1 0 0 0 9.75 9H9Z",
  },
};

function ToastIcon({ variant }: { variant: ToastVariant }) {
  const { color, path } = icons[variant];
  return (
    <svg viewBox="0 0 20 20" fill="currentColor" className={cx("h-5 w-5", color)} aria-hidden="true">
      <path fillRule="evenodd" d={path} clipRule="evenodd" />
    </svg>
  );
}

/** One notification card. Announcing it is the viewport's job (see Toaster). */
export function Toast({ variant = "info", title, description, onDismiss, className }: ToastProps) {
  return (
    <div
      className={cx(
        "pointer-events-auto flex w-full items-start gap-3 rounded-xl border bg-white p-4 shadow-lg shadow-zinc-900/5 ring-1 ring-black/[0.02]",
        "dark:bg-zinc-900 dark:shadow-black/40",
        variant === "error" ? "border-red-200 dark:border-red-500/30" : "border-zinc-200 dark:border-zinc-800",
        className,
      )}
    >
      <span className="mt-px shrink-0">
        <ToastIcon variant={variant} />
      </span>
      <div className="min-w-0 flex-1 text-sm">
        <p className="font-medium text-zinc-900 dark:text-zinc-100">{title}</p>
        {description ? <p className="mt-1 text-zinc-600 dark:text-zinc-400">{description}</p> : null}
      </div>
      {onDismiss ? (
        <button
          type="button"
          onClick={onDismiss}
          className={cx(
            "-m-1 shrink-0 rounded-md p-1 text-zinc-400 transition-colors hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200",
            focusRing,
          )}
        >
          <span className="sr-only">Dismiss notification</span>
          <svg viewBox="0 0 16 16" className="h-4 w-4" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round">
            <path d="M4 4l8 8M12 4l-8 8" />
          </svg>
        </button>
      ) : null}
    </div>
  );
}
