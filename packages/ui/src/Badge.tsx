import type { HTMLAttributes } from "react";
import { cx } from "./cx.js";

export type BadgeVariant =
  | "neutral"
  | "info"
  | "success"
  | "warning"
  | "failed"
  | "building"
  | "queued"
  | "cancelled";

const variants: Record<BadgeVariant, { badge: string; dot: string }> = {
  neutral: {
    badge: "bg-zinc-100 text-zinc-700 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700",
    dot: "bg-zinc-400",
  },
  info: {
    badge: "bg-indigo-50 text-indigo-700 ring-indigo-200 dark:bg-indigo-500/10 dark:text-indigo-300 dark:ring-indigo-500/30",
    dot: "bg-indigo-500",
  },
  success: {
    badge: "bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-500/30",
    dot: "bg-emerald-500",
  },
  warning: {
    badge: "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30",
    dot: "bg-amber-500",
  },
  failed: {
    badge: "bg-red-50 text-red-700 ring-red-200 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-500/30",
    dot: "bg-red-500",
  },
  building: {
    badge: "bg-sky-50 text-sky-700 ring-sky-200 dark:bg-sky-500/10 dark:text-sky-300 dark:ring-sky-500/30",
    dot: "bg-sky-500 animate-pulse",
  },
  queued: {
    badge: "bg-violet-50 text-violet-700 ring-violet-200 dark:bg-violet-500/10 dark:text-violet-300 dark:ring-violet-500/30",
    dot: "bg-violet-500",
  },
  cancelled: {
    badge: "bg-zinc-100 text-zinc-500 ring-zinc-200 dark:bg-zinc-800/80 dark:text-zinc-400 dark:ring-zinc-700",
    dot: "bg-zinc-400",
  },
};

export interface BadgeProps extends HTMLAttributes<HTMLSpanElement> {
  variant?: BadgeVariant;
  /** A small status dot before the text. */
  dot?: boolean;
}

export function Badge({ variant = "neutral", dot = false, className, children, ...props }: BadgeProps) {
  const style = variants[variant];
  return (
    <span
      className={cx(
        "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        style.badge,
        className,
      )}
      {...props}
    >
      {dot ? <span aria-hidden="true" className={cx("h-1.5 w-1.5 rounded-full", style.dot)} /> : null}
      {children}
    </span>
  );
}
