import type { HTMLAttributes } from "react";
import { cx } from "./cx.js";

export interface CardProps extends HTMLAttributes<HTMLDivElement> {
  /** "danger" marks irreversible actions (a red border). */
  tone?: "default" | "danger";
}

export function Card({ tone = "default", className, ...props }: CardProps) {
  return (
    <div
      className={cx(
        "rounded-xl border bg-white shadow-sm dark:bg-zinc-900/60 dark:shadow-none",
        tone === "danger" ? "border-red-200 dark:border-red-500/30" : "border-zinc-200 dark:border-zinc-800",
        className,
      )}
      {...props}
    />
  );
}

export function CardHeader({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cx("flex flex-col gap-1 p-6 pb-0", className)} {...props} />;
}

export function CardTitle({ className, ...props }: HTMLAttributes<HTMLHeadingElement>) {
  return <h2 className={cx("text-base font-semibold tracking-tight text-zinc-900 dark:text-white", className)} {...props} />;
}

export function CardDescription({ className, ...props }: HTMLAttributes<HTMLParagraphElement>) {
  return <p className={cx("text-sm text-zinc-500 dark:text-zinc-400", className)} {...props} />;
}

export function CardContent({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cx("p-6", className)} {...props} />;
}

export function CardFooter({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return (
    <div
      className={cx(
        "flex items-center justify-end gap-3 rounded-b-xl border-t border-zinc-200 bg-zinc-50/80 px-6 py-3 dark:border-zinc-800 dark:bg-zinc-900/80",
        className,
      )}
      {...props}
    />
  );
}
