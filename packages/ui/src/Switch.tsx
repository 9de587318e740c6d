import { forwardRef, type InputHTMLAttributes } from "react";
import { cx } from "./cx.js";
import { toggleInputStates, useToggleIds, type ToggleLabelProps } from "./toggle-input.js";

export interface SwitchProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "role">, ToggleLabelProps {}

/**
 * An on/off setting. Underneath it is a native checkbox with role="switch", so
 * it submits with its form and toggles with Space even before hydration.
 */
export const Switch = forwardRef<HTMLInputElement, SwitchProps>(function Switch(
  { label, description, id, className, ...props },
  ref,
) {
  const { inputId, descriptionId } = useToggleIds(id, description);
  return (
    <div className={cx("flex items-start justify-between gap-6", className)}>
      <div className={cx("min-w-0 text-sm", props.disabled && "opacity-60")}>
        <label htmlFor={inputId} className={cx("font-medium text-zinc-900 dark:text-zinc-100", props.disabled ? "cursor-not-allowed" : "cursor-pointer")}>
          {label}
        </label>
        {description ? (
          <p id={descriptionId} className="mt-0.5 text-zinc-500 dark:text-zinc-400">
            {description}
          </p>
        ) : null}
      </div>
      <span className="relative inline-flex shrink-0">
        <input
          ref={ref}
          id={inputId}
          type="checkbox"
          role="switch"
          aria-describedby={descriptionId}
          className={cx(
            "peer h-6 w-11 cursor-pointer appearance-none rounded-full bg-zinc-200 transition-colors",
            "checked:bg-zinc-900 dark:bg-zinc-700 dark:checked:bg-indigo-500",
            toggleInputStates,
          )}
          {...props}
        />
        <span
          aria-hidden="true"
          className="pointer-events-none absolute left-0.5 top-0.5 h-5 w-5 rounded-full bg-white shadow-sm ring-1 ring-black/5 transition-transform peer-checked:translate-x-5"
        />
      </span>
    </div>
  );
});
