import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from "react";
import { cx, focusRing } from "./cx.js";

export interface InputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "size"> {
  label: ReactNode;
  /** Visually hides the label (it stays available to screen readers). */
  hideLabel?: boolean;
  hint?: ReactNode;
  error?: string | null;
  /** Shown at the right end of the label row, e.g. a "Forgot password?" link. */
  labelAction?: ReactNode;
}

export const inputClasses = cx(
  "block h-10 w-full rounded-lg border bg-white px-3 text-sm text-zinc-900 shadow-sm transition-colors placeholder:text-zinc-400",
  "dark:bg-zinc-900 dark:text-zinc-100 dark:placeholder:text-zinc-500",
  "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 dark:disabled:bg-zinc-900/40 dark:disabled:text-zinc-500",
  focusRing,
  "focus-visible:ring-offset-0",
);

export const Input = forwardRef<HTMLInputElement, InputProps>(function Input(
  { label, hideLabel, hint, error, labelAction, id, className, ...props },
  ref,
) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [errorId, hintId, props["aria-describedby"]].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <div className={cx("mb-1.5 flex items-center justify-between gap-2", hideLabel && "sr-only")}>
        <label htmlFor={inputId} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
          {label}
        </label>
        {labelAction}
      </div>
      <input
        ref={ref}
        id={inputId}
        {...props}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className={cx(
          inputClasses,
          error
            ? "border-red-500 focus-visible:ring-red-500 dark:border-red-500/80"
            : "border-zinc-300 hover:border-zinc-400 dark:border-zinc-700 dark:hover:border-zinc-600",
        )}
      />
      {error ? (
        <p id={errorId} className="mt-1.5 flex items-start gap-1.5 text-[13px] text-red-600 dark:text-red-400">
          <svg viewBox="0 0 16 16" aria-hidden="true" className="mt-0.5 h-3.5 w-3.5 shrink-0" fill="currentColor">
            <path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13ZM7.25 4.75a.75.75 0 0 1 1.5 0v3.5a.75.75 0 0 1-1.5 0v-3.5ZM8 11.75a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z" />
          </svg>
          <span>{error}</span>
        </p>
      ) : null}
      {hint ? (
        <p id={hintId} className="mt-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
});
