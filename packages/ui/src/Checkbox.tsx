import { forwardRef, type InputHTMLAttributes } from "react";
import { cx } from "./cx.js";
import { toggleInputStates, useToggleIds, type ToggleLabelProps } from "./toggle-input.js";

export interface CheckboxProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type">, ToggleLabelProps {}

/** A native checkbox (so it works in forms without JavaScript), restyled. */
export const Checkbox = forwardRef<HTMLInputElement, CheckboxProps>(function Checkbox(
  { label, description, id, className, ...props },
  ref,
) {
  const { inputId, descriptionId } = useToggleIds(id, description);
  return (
    <div className={cx("flex items-start gap-2.5", className)}>
      <span className="relative mt-0.5 flex h-4 w-4 shrink-0 items-center justify-center">
        <input
          ref={ref}
          id={inputId}
          type="checkbox"
          aria-describedby={descriptionId}
          className={cx(
            "peer h-4 w-4 cursor-pointer appearance-none rounded border border-zinc-300 bg-white shadow-sm transition-colors",
            "checked:border-zinc-900 checked:bg-zinc-900 dark:border-zinc-600 dark:bg-zinc-900 dark:checked:border-white dark:checked:bg-white",
            toggleInputStates,
          )}
          {...props}
        />
        <svg
          viewBox="0 0 16 16"
          aria-hidden="true"
          className="pointer-events-none absolute h-3 w-3 text-white opacity-0 peer-checked:opacity-100 dark:text-zinc-900"
          fill="none"
          stroke="currentColor"
          strokeWidth="2.5"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M3.5 8.5l3 3 6-7" />
        </svg>
      </span>
      <span className="text-sm leading-5">
        <label htmlFor={inputId} className="cursor-pointer font-medium text-zinc-700 dark:text-zinc-300">
          {label}
        </label>
        {description ? (
          <span id={descriptionId} className="block text-zinc-500 dark:text-zinc-400">
            {description}
          </span>
        ) : null}
      </span>
    </div>
  );
});
