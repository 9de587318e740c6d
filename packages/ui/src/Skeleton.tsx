import type { HTMLAttributes } from "react";
import { cx } from "./cx.js";

/** A placeholder block while content loads; hidden from assistive technology. */
export function Skeleton({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div aria-hidden="true" className={cx("animate-pulse rounded-md bg-zinc-200/80 dark:bg-zinc-800", className)} {...props} />;
}
